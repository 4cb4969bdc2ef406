"""The AI agent: its reply jobs (a queue claimed like webhook deliveries) and conversation state.

A customer message to an `open` conversation inserts an agent job in the same transaction,
so an acknowledged message always gets its reply attempt, even across a crash. The reply is
produced by a worker, never by the request.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op

from skchat.migrations.sql import app_role, tenant_rls

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    role = app_role()
    op.execute(
        """
        -- Consecutive customer messages the agent could not answer (reset by an answer).
        ALTER TABLE conversations ADD COLUMN unanswered_count integer NOT NULL DEFAULT 0;

        CREATE TABLE agent_jobs (
            tenant_id        text NOT NULL REFERENCES tenants (id),
            livemode         boolean NOT NULL,
            id               text NOT NULL,
            conversation_id  text NOT NULL,
            message_id       text NOT NULL,
            -- reply: answer the message; handoff_notice: tell the customer a person takes over.
            kind             text NOT NULL DEFAULT 'reply' CHECK (kind IN ('reply', 'handoff_notice')),
            state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
            attempts         integer NOT NULL DEFAULT 0,
            run_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
            lease_until      timestamptz,
            error            text,
            created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, id),
            FOREIGN KEY (tenant_id, livemode, conversation_id) REFERENCES conversations (tenant_id, livemode, id),
            FOREIGN KEY (tenant_id, livemode, message_id) REFERENCES messages (tenant_id, livemode, id)
        );
        CREATE INDEX agent_jobs_due ON agent_jobs (run_at) WHERE state = 'pending';
        """
    )
    tenant_rls("agent_jobs")
    op.execute(
        f"""
        CREATE POLICY worker_claim ON agent_jobs FOR ALL TO CURRENT_USER USING (true);

        CREATE FUNCTION skchat_claim_agent_jobs(p_limit integer, p_lease_s double precision)
            RETURNS TABLE (tenant_id text, livemode boolean, id text, conversation_id text, message_id text,
                           kind text, attempts integer)
            LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
        AS $f$
            UPDATE agent_jobs j
            SET lease_until = clock_timestamp() + make_interval(secs => p_lease_s), attempts = j.attempts + 1
            FROM (
                SELECT q.tenant_id, q.livemode, q.id
                FROM agent_jobs q
                WHERE q.state = 'pending' AND q.run_at <= clock_timestamp()
                  AND (q.lease_until IS NULL OR q.lease_until < clock_timestamp())
                ORDER BY q.run_at
                LIMIT p_limit
                FOR UPDATE SKIP LOCKED
            ) due
            WHERE j.tenant_id = due.tenant_id AND j.livemode = due.livemode AND j.id = due.id
            RETURNING j.tenant_id, j.livemode, j.id, j.conversation_id, j.message_id, j.kind, j.attempts
        $f$;
        REVOKE ALL ON FUNCTION skchat_claim_agent_jobs(integer, double precision) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION skchat_claim_agent_jobs(integer, double precision) TO {role};
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP FUNCTION IF EXISTS skchat_claim_agent_jobs(integer, double precision);
        DROP TABLE IF EXISTS agent_jobs;
        ALTER TABLE conversations DROP COLUMN IF EXISTS unanswered_count;
        """
    )
