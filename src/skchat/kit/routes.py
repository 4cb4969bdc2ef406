"""Where the REST API lives, and how its routers are made and mounted.

Each resource module makes its router with `api_router`, which puts the full `/chat/v1/...` prefix on
every route it creates. `mount` then adds those routes to the application itself, flat, rather than
through FastAPI's `include_router`: FastAPI 0.165 matches an included router twice per request (once
to select it, once inside it) before it reaches the route, and the API's hot paths pay that on every
call (bench/README.md). Tags and dependencies are set when a route is created, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI

from skchat.kit.lean import LeanRoute

API_PREFIX = "/chat/v1"


def api_router(path: str, tag: str) -> APIRouter:
    """A resource's router: its routes are created under API_PREFIX + path and tagged `tag`, as
    `LeanRoute`s (kit/lean.py: FastAPI's routes, handled without its general dependency solver)."""
    return APIRouter(prefix=API_PREFIX + path, tags=[tag], route_class=LeanRoute)


def mount(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Add the routers' routes to the app's own route list, in order (the first match wins)."""
    for router in routers:
        app.router.routes.extend(router.routes)
