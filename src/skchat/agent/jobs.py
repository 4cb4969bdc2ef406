"""SQL for agent jobs: inserted with the customer message (messages.repository.receive),
claimed by the worker under a lease."""

from __future__ import annotations

from skchat.kit.db import Connection, Record, TenantScope
from skchat.messages.repository import AGENT_JOBS_CHANNEL as CHANNEL

__all__ = ["CHANNEL", "claim", "finish", "retry_later"]


async def claim(conn: Connection, limit: int, lease_s: float) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT tenant_id, livemode, id, conversation_id, message_id, kind, attempts "
        "FROM skchat_claim_agent_jobs($1, $2)",
        limit,
        lease_s,
    )
    return rows


async def finish(conn: Connection, scope: TenantScope, job_id: str, state: str, error: str | None = None) -> None:
    await conn.execute(
        "UPDATE agent_jobs SET state = $4, error = $5, lease_until = NULL, updated_at = clock_timestamp() "
        "WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        scope.tenant_id,
        scope.livemode,
        job_id,
        state,
        error,
    )


async def retry_later(conn: Connection, scope: TenantScope, job_id: str, delay_s: float, error: str) -> None:
    await conn.execute(
        "UPDATE agent_jobs SET run_at = clock_timestamp() + make_interval(secs => $4), lease_until = NULL, "
        "error = $5, updated_at = clock_timestamp() WHERE tenant_id = $1 AND livemode = $2 AND id = $3",
        scope.tenant_id,
        scope.livemode,
        job_id,
        delay_s,
        error,
    )
