"""The delivery claim ranks a bounded window of due rows, locks and returns them by ctid.

Before, the per-endpoint window function ranked every due row on each claim, so draining a
backlog of n deliveries cost O(n) per claim (quadratic in all). Now only the first
`4 * p_limit` due rows (in due order) are ranked; an endpoint that fills that window is
saturated after one claim and skipped by the next, so the others are not starved.

Rows are locked and updated by ctid (the classic queue idiom), and each returned row carries
its `row_ctid` so the worker settles it by ctid too: a tid lookup is the cheapest plan with or
without planner statistics, whereas joins on the key picked the endpoint index when a backlog
released in bulk was not yet analyzed, and walked the endpoint's whole pending set per batch.
For the same reason the event and endpoint are read by key lookups (LATERAL … LIMIT 1) and the
function is planned without bitmap scans.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from alembic import op

from skchat.migrations.sql import app_role

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CLAIM = "skchat_claim_deliveries(integer, double precision, integer, text[])"


def upgrade() -> None:
    role = app_role()
    op.execute(
        f"""
        -- Dropped and created again: the result gains a column (row_ctid).
        DROP FUNCTION {CLAIM};
        CREATE FUNCTION skchat_claim_deliveries(p_limit integer, p_lease_s double precision,
                                                p_per_endpoint integer, p_skip_endpoints text[])
            RETURNS TABLE (tenant_id text, livemode boolean, event_id text, endpoint_id text, attempts integer,
                           type text, conversation_id text, sequence integer, data json, created_at timestamptz,
                           url text, secret text, previous_secret text, previous_secret_expires_at timestamptz,
                           disabled boolean, now timestamptz, row_ctid tid)
            LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
            -- Without statistics on a backlog released in bulk the planner takes the pending set
            -- for a handful of rows and bitmap-scans all of it (then sorts it, and re-reads it for
            -- the lock) instead of reading the due index in order up to the LIMIT and the ctids.
            SET enable_bitmapscan = off
        AS $f$
            -- At most p_per_endpoint rows of one endpoint per claim, so a slow endpoint's backlog
            -- never fills a worker's slots; the worker skips endpoints it has enough of.
            WITH due AS (
                SELECT w.ctid AS row_ctid, w.endpoint_id, w.next_attempt_at
                FROM webhook_deliveries w
                WHERE w.state = 'pending'
                  AND w.next_attempt_at <= clock_timestamp()
                  AND (w.lease_until IS NULL OR w.lease_until < clock_timestamp())
                  AND NOT (w.endpoint_id = ANY (p_skip_endpoints))
                ORDER BY w.next_attempt_at
                LIMIT 4 * p_limit
            ), ranked AS (
                SELECT d.row_ctid, d.endpoint_id, d.next_attempt_at,
                       row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at) AS rn
                FROM due d
            ), picked AS (
                SELECT r.row_ctid
                FROM ranked r
                WHERE r.rn <= p_per_endpoint
                ORDER BY r.next_attempt_at
                LIMIT p_limit
            ), locked AS (
                -- Re-checked under the row lock: another worker may have claimed it since the scan.
                SELECT q.ctid AS row_ctid
                FROM webhook_deliveries q
                WHERE q.ctid = ANY (ARRAY(SELECT p.row_ctid FROM picked p))
                  AND q.state = 'pending'
                  AND (q.lease_until IS NULL OR q.lease_until < clock_timestamp())
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE webhook_deliveries d
                SET lease_until = clock_timestamp() + make_interval(secs => p_lease_s)
                WHERE d.ctid = ANY (ARRAY(SELECT l.row_ctid FROM locked l))
                RETURNING d.tenant_id, d.livemode, d.event_id, d.endpoint_id, d.attempts, d.ctid AS row_ctid
            )
            -- Key lookups per claimed row (LATERAL … LIMIT 1 keeps them lookups, never a join
            -- that scans the tenant's events).
            SELECT c.tenant_id, c.livemode, c.event_id, c.endpoint_id, c.attempts,
                   e.type, e.conversation_id, e.sequence, e.data, e.created_at,
                   w.url, w.secret, w.previous_secret, w.previous_secret_expires_at, w.disabled, clock_timestamp(),
                   c.row_ctid
            FROM claimed c
            CROSS JOIN LATERAL (
                SELECT * FROM events x
                WHERE x.tenant_id = c.tenant_id AND x.livemode = c.livemode AND x.id = c.event_id LIMIT 1
            ) e
            CROSS JOIN LATERAL (
                SELECT * FROM webhook_endpoints y
                WHERE y.tenant_id = c.tenant_id AND y.livemode = c.livemode AND y.id = c.endpoint_id LIMIT 1
            ) w
        $f$;
        REVOKE ALL ON FUNCTION {CLAIM} FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION {CLAIM} TO {role};
        """
    )


def downgrade() -> None:
    # Like 0005's: the previous version of the function is not restored.
    op.execute(f"DROP FUNCTION IF EXISTS {CLAIM}")
