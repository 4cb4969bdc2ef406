"""A batch of delivery outcomes is settled by one call, planned as tid lookups whatever the statistics.

Before, the worker settled each delivery with its own UPDATE … WHERE ctid = $n (one executor
start-up per delivery, pipelined by `executemany`). One UPDATE joined to the batch's arrays is
far cheaper, but as a join the planner picks its own plan: on a backlog released in bulk and not
yet analyzed it believed the endpoint's pending set was one row, scanned it (every pending row of
the tenant) and filtered each against the whole batch (seen: 3,808 rows by 64 = 243,648 filter
checks for one batch). This function runs the join with index and bitmap scans off, which
leaves a nested loop over the batch with a Tid Scan inside: one heap fetch per outcome.

SECURITY INVOKER: the caller's role and tenant scope apply, RLS included.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from alembic import op

from skchat.migrations.sql import app_role

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SETTLE = "skchat_settle_deliveries(tid[], text[], text[], text[], integer[], timestamptz[])"


def upgrade() -> None:
    role = app_role()
    op.execute(
        f"""
        -- Each row is found by the ctid its claim returned, with its key and `pending` state
        -- re-checked: a row changed since (endpoint disabled, redelivered, claimed again after its
        -- lease ran out) no longer matches and is left as it is. Returns how many were settled.
        CREATE FUNCTION skchat_settle_deliveries(p_ctids tid[], p_event_ids text[], p_endpoint_ids text[],
                                                 p_states text[], p_attempts integer[], p_next_at timestamptz[])
            RETURNS integer
            LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = public
            SET enable_indexscan = off SET enable_bitmapscan = off SET enable_seqscan = off
        AS $f$
            WITH settled AS (
                UPDATE webhook_deliveries d
                SET state = s.state, attempts = s.attempts, next_attempt_at = COALESCE(s.next_at, d.next_attempt_at),
                    lease_until = NULL, updated_at = clock_timestamp()
                FROM unnest(p_ctids, p_event_ids, p_endpoint_ids, p_states, p_attempts, p_next_at)
                     AS s (row_ctid, event_id, endpoint_id, state, attempts, next_at)
                WHERE d.ctid = s.row_ctid AND d.event_id = s.event_id AND d.endpoint_id = s.endpoint_id
                  AND d.state = 'pending'
                RETURNING 1
            )
            SELECT count(*)::integer FROM settled
        $f$;
        REVOKE ALL ON FUNCTION {SETTLE} FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION {SETTLE} TO {role};
        """
    )


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {SETTLE}")
