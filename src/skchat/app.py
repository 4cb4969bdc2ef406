"""create_app(): the ASGI application: middleware, routers, lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from starlette.routing import Route

from skchat import __version__
from skchat.agent.registry import build_agent_services, warm
from skchat.agent.registry import close as close_agent
from skchat.agents.endpoints import router as agents_router
from skchat.api_keys.endpoints import router as api_keys_router
from skchat.catalog.endpoints import router as catalog_router
from skchat.config import Settings
from skchat.contacts.endpoints import router as contacts_router
from skchat.conversations.endpoints import router as conversations_router
from skchat.events.endpoints import router as events_router
from skchat.intents.endpoints import router as intents_router
from skchat.kit import handlers, heap
from skchat.kit.db import Database
from skchat.kit.middleware import UnitOfWorkMiddleware
from skchat.kit.ratelimit import TokenBuckets
from skchat.kit.routes import API_PREFIX, mount
from skchat.kit.runtime import Runtime
from skchat.knowledge.endpoints import router as knowledge_router
from skchat.mcp.server import Gateway
from skchat.members.endpoints import router as members_router
from skchat.messages.endpoints import router as messages_router
from skchat.ops import router as ops_router
from skchat.reference import spec as reference_spec
from skchat.reference.endpoints import docs_router as reference_docs_router
from skchat.reference.endpoints import router as reference_router
from skchat.webhooks.endpoints import deliveries_router
from skchat.webhooks.endpoints import router as webhooks_router
from skchat.worker import runner

API_ROUTERS = (
    conversations_router,
    messages_router,
    contacts_router,
    members_router,
    agents_router,
    knowledge_router,
    catalog_router,
    intents_router,
    events_router,
    api_keys_router,
    webhooks_router,
    deliveries_router,
)


def create_app(settings: Settings, database_url: str, *, run_worker: bool = False) -> FastAPI:
    """The service. `run_worker` also runs the background worker in this process (`skchat serve`)."""

    mcp_gateway = Gateway(max_body_bytes=settings.max_body_bytes)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(
            database_url,
            app_role=settings.app_role,
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
        )
        await db.connect()
        agent = build_agent_services(settings)
        await asyncio.to_thread(warm, agent)
        app.state.runtime = Runtime(
            settings=settings,
            db=db,
            buckets=TokenBuckets(settings.rate_limit_per_second, settings.rate_limit_burst),
            key_secret=settings.resolved_secret_key(),
            agent=agent,
        )
        heap.settle_after_startup()
        stop = asyncio.Event()
        worker = asyncio.create_task(runner.run(db, settings, stop, agent)) if run_worker else None
        try:
            async with mcp_gateway.run():  # the MCP transport's task group lives as long as the app
                yield
        finally:
            stop.set()
            if worker is not None:
                with suppress(asyncio.CancelledError):
                    await worker
            await close_agent(agent)
            await db.close()

    app = FastAPI(
        title="SK Chat API",
        version=__version__,
        summary="Customer conversations on every channel, answered by an AI agent, with humans on call.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(UnitOfWorkMiddleware, max_body_bytes=settings.max_body_bytes)
    handlers.install(app)
    mount(app, API_ROUTERS)
    app.include_router(ops_router)
    app.include_router(reference_router, prefix=API_PREFIX)
    app.include_router(reference_docs_router)
    # MCP over Streamable HTTP (docs/mcp.md); first, so its calls skip matching every REST route.
    app.routes.insert(0, Route("/mcp", mcp_gateway.asgi, include_in_schema=False))
    # Security, problem+json errors, Idempotency-Key and tags, added from kit/ to every route at once.
    reference_spec.install(app)
    return app
