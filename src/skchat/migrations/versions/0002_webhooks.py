"""Webhooks: endpoints, the per-(event, endpoint) delivery queue, and the attempts log.

The queue is a table, not a broker: a delivery row is inserted in the same transaction as its
event, so an acknowledged write always has its deliveries; workers claim due rows with
FOR UPDATE SKIP LOCKED under a lease, so a crashed worker's rows become due again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

from skchat.migrations.sql import app_role, tenant_rls

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    role = app_role()
    op.execute(
        """
        CREATE TABLE webhook_endpoints (
            tenant_id                   text NOT NULL REFERENCES tenants (id),
            livemode                    boolean NOT NULL,
            id                          text NOT NULL,
            url                         text NOT NULL,
            events                      text[] NOT NULL,
            description                 text,
            disabled                    boolean NOT NULL DEFAULT false,
            disabled_reason             text,
            secret                      text NOT NULL,
            previous_secret             text,
            previous_secret_expires_at  timestamptz,
            failing_since               timestamptz,
            created_at                  timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at                  timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, id)
        );
        CREATE INDEX webhook_endpoints_list ON webhook_endpoints (tenant_id, livemode, created_at, id);

        -- One row per (event, endpoint). state: pending (due at next_attempt_at), held (its
        -- endpoint is disabled: kept, sent after a recover), succeeded, failed (schedule exhausted).
        CREATE TABLE webhook_deliveries (
            tenant_id        text NOT NULL REFERENCES tenants (id),
            livemode         boolean NOT NULL,
            event_id         text NOT NULL,
            endpoint_id      text NOT NULL,
            state            text NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'held', 'succeeded', 'failed')),
            attempts         integer NOT NULL DEFAULT 0,
            next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            lease_until      timestamptz,
            event_created_at timestamptz NOT NULL,
            created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, event_id, endpoint_id),
            FOREIGN KEY (tenant_id, livemode, event_id) REFERENCES events (tenant_id, livemode, id),
            FOREIGN KEY (tenant_id, livemode, endpoint_id)
                REFERENCES webhook_endpoints (tenant_id, livemode, id) ON DELETE CASCADE
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
        CREATE INDEX webhook_deliveries_endpoint
            ON webhook_deliveries (tenant_id, livemode, endpoint_id, state, event_created_at);

        CREATE TABLE delivery_attempts (
            tenant_id      text NOT NULL REFERENCES tenants (id),
            livemode       boolean NOT NULL,
            id             text NOT NULL,
            event_id       text NOT NULL,
            endpoint_id    text NOT NULL,
            attempt        integer NOT NULL,
            status_code    integer,
            duration_ms    integer NOT NULL,
            error          text,
            response_body  text,
            created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, id)
        );
        CREATE INDEX delivery_attempts_event ON delivery_attempts (tenant_id, livemode, event_id, created_at, id);
        """
    )
    for table in ("webhook_endpoints", "webhook_deliveries", "delivery_attempts"):
        tenant_rls(table)

    # Workers claim across tenants through one narrow SECURITY DEFINER function: the owner
    # (FORCEd by RLS like everyone) gets a policy on the queue table alone, and the app role
    # may only call the function, which leases due rows and returns their keys.
    op.execute(
        f"""
        CREATE POLICY worker_claim ON webhook_deliveries FOR ALL TO CURRENT_USER USING (true);

        -- At most p_per_endpoint rows of one endpoint per claim, so a slow endpoint's backlog
        -- never fills a worker's slots; saturated endpoints are skipped altogether.
        CREATE FUNCTION skchat_claim_deliveries(p_limit integer, p_lease_s double precision,
                                                p_per_endpoint integer, p_skip_endpoints text[])
            RETURNS TABLE (tenant_id text, livemode boolean, event_id text, endpoint_id text, attempts integer)
            LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
        AS $f$
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
        $f$;
        REVOKE ALL ON FUNCTION skchat_claim_deliveries(integer, double precision, integer, text[]) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION skchat_claim_deliveries(integer, double precision, integer, text[]) TO {role};

        CREATE FUNCTION skchat_delivery_queue_depth() RETURNS bigint
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
        AS $f$ SELECT count(*) FROM webhook_deliveries WHERE state = 'pending' $f$;
        REVOKE ALL ON FUNCTION skchat_delivery_queue_depth() FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION skchat_delivery_queue_depth() TO {role};
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP FUNCTION IF EXISTS skchat_delivery_queue_depth();
        DROP FUNCTION IF EXISTS skchat_claim_deliveries(integer, double precision, integer, text[]);
        DROP TABLE IF EXISTS delivery_attempts, webhook_deliveries, webhook_endpoints;
        """
    )
