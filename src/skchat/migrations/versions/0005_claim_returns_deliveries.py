"""The delivery claim returns what to send (event body, endpoint URL and secrets) in the same call.

Before, a worker claimed keys and then loaded each tenant's events and endpoints in a scoped
transaction: four more round trips per batch. The owner (FORCEd by RLS like every role) gets
read-only policies on events and webhook_endpoints for this SECURITY DEFINER function alone;
the app role still sees only what the function returns for the rows it leases.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from alembic import op

from skchat.migrations.sql import app_role

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD = "skchat_claim_deliveries(integer, double precision, integer, text[])"


def upgrade() -> None:
    role = app_role()
    op.execute(
        f"""
        CREATE POLICY worker_read ON events FOR SELECT TO CURRENT_USER USING (true);
        CREATE POLICY worker_read ON webhook_endpoints FOR SELECT TO CURRENT_USER USING (true);

        DROP FUNCTION {OLD};
        CREATE FUNCTION skchat_claim_deliveries(p_limit integer, p_lease_s double precision,
                                                p_per_endpoint integer, p_skip_endpoints text[])
            RETURNS TABLE (tenant_id text, livemode boolean, event_id text, endpoint_id text, attempts integer,
                           type text, conversation_id text, sequence integer, data json, created_at timestamptz,
                           url text, secret text, previous_secret text, previous_secret_expires_at timestamptz,
                           disabled boolean, now timestamptz)
            LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
        AS $f$
            WITH claimed AS (
                UPDATE webhook_deliveries d
                SET lease_until = clock_timestamp() + make_interval(secs => p_lease_s)
                FROM (
                    SELECT q.tenant_id, q.livemode, q.event_id, q.endpoint_id
                    FROM webhook_deliveries q
                    WHERE (q.tenant_id, q.livemode, q.event_id, q.endpoint_id) IN (
                            SELECT c.tenant_id, c.livemode, c.event_id, c.endpoint_id
                            FROM (
                                SELECT w.tenant_id, w.livemode, w.event_id, w.endpoint_id,
                                       row_number() OVER (PARTITION BY w.endpoint_id ORDER BY w.next_attempt_at) AS rn
                                FROM webhook_deliveries w
                                WHERE w.state = 'pending'
                                  AND w.next_attempt_at <= clock_timestamp()
                                  AND (w.lease_until IS NULL OR w.lease_until < clock_timestamp())
                                  AND NOT (w.endpoint_id = ANY (p_skip_endpoints))
                            ) c
                            WHERE c.rn <= p_per_endpoint)
                      AND q.state = 'pending'
                      AND (q.lease_until IS NULL OR q.lease_until < clock_timestamp())
                    ORDER BY q.next_attempt_at
                    LIMIT p_limit
                    FOR UPDATE SKIP LOCKED
                ) due
                WHERE d.tenant_id = due.tenant_id AND d.livemode = due.livemode
                  AND d.event_id = due.event_id AND d.endpoint_id = due.endpoint_id
                RETURNING d.tenant_id, d.livemode, d.event_id, d.endpoint_id, d.attempts
            )
            SELECT c.tenant_id, c.livemode, c.event_id, c.endpoint_id, c.attempts,
                   e.type, e.conversation_id, e.sequence, e.data, e.created_at,
                   w.url, w.secret, w.previous_secret, w.previous_secret_expires_at, w.disabled, clock_timestamp()
            FROM claimed c
            JOIN events e ON e.tenant_id = c.tenant_id AND e.livemode = c.livemode AND e.id = c.event_id
            JOIN webhook_endpoints w ON w.tenant_id = c.tenant_id AND w.livemode = c.livemode AND w.id = c.endpoint_id
        $f$;
        REVOKE ALL ON FUNCTION {OLD} FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION {OLD} TO {role};
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP POLICY IF EXISTS worker_read ON events;
        DROP POLICY IF EXISTS worker_read ON webhook_endpoints;
        """
    )
