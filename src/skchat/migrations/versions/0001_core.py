"""Core schema: tenants, keys, agents, contacts, members, conversations, messages, events, idempotency.

Every tenant-owned table carries (tenant_id, livemode); its primary key, unique constraints
and foreign keys lead with them, so (a) a reference can never cross tenant or mode, and
(b) the schema can be distributed by tenant_id on Citus without a rewrite.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op

from skchat.migrations.sql import app_role, tenant_rls

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TENANT_TABLES = [
    "api_keys",
    "agents",
    "contacts",
    "members",
    "conversations",
    "messages",
    "events",
    "idempotency_keys",
]


def upgrade() -> None:
    role = app_role()
    # The service's role: it logs in nowhere (the owner SET ROLEs to it), owns nothing and
    # cannot bypass RLS. Roles are cluster-wide, so another database may have made it already.
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {role.replace('"', "'")}) THEN
                CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
            END IF;
        END
        $$;
        GRANT {role} TO CURRENT_USER;
        GRANT USAGE ON SCHEMA public TO {role};

        CREATE FUNCTION skchat_tenant() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
            AS $f$ SELECT NULLIF(current_setting('skchat.tenant_id', true), '') $f$;
        CREATE FUNCTION skchat_livemode() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
            AS $f$ SELECT NULLIF(current_setting('skchat.livemode', true), '')::boolean $f$;
        """
    )

    op.execute(
        """
        CREATE TABLE tenants (
            id          text PRIMARY KEY,
            name        text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
        );

        CREATE TABLE api_keys (
            tenant_id   text NOT NULL REFERENCES tenants (id),
            livemode    boolean NOT NULL,
            id          text NOT NULL,
            name        text,
            key_hash    text NOT NULL,
            last4       text NOT NULL,
            scopes      text[] NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            revoked_at  timestamptz,
            PRIMARY KEY (tenant_id, livemode, id)
        );
        CREATE INDEX api_keys_key_hash ON api_keys (key_hash);
        CREATE INDEX api_keys_list ON api_keys (tenant_id, livemode, created_at, id);

        CREATE TABLE agents (
            tenant_id   text NOT NULL REFERENCES tenants (id),
            livemode    boolean NOT NULL,
            id          text NOT NULL,
            name        text NOT NULL,
            greeting    text,
            languages   text[] NOT NULL DEFAULT '{}',
            handoff     jsonb NOT NULL DEFAULT '{}',
            widget      jsonb NOT NULL DEFAULT '{}',
            is_default  boolean NOT NULL DEFAULT false,
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, id)
        );
        CREATE UNIQUE INDEX agents_one_default ON agents (tenant_id, livemode) WHERE is_default;
        CREATE INDEX agents_list ON agents (tenant_id, livemode, created_at, id);

        CREATE TABLE contacts (
            tenant_id   text NOT NULL REFERENCES tenants (id),
            livemode    boolean NOT NULL,
            id          text NOT NULL,
            external_id text,
            name        text,
            phone       text,
            email       text,
            metadata    jsonb NOT NULL DEFAULT '{}',
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            erased_at   timestamptz,
            PRIMARY KEY (tenant_id, livemode, id),
            UNIQUE (tenant_id, livemode, external_id)
        );
        CREATE INDEX contacts_list ON contacts (tenant_id, livemode, created_at, id);

        CREATE TABLE members (
            tenant_id   text NOT NULL REFERENCES tenants (id),
            livemode    boolean NOT NULL,
            id          text NOT NULL,
            name        text NOT NULL,
            email       text NOT NULL,
            role        text NOT NULL CHECK (role IN ('agent', 'admin')),
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, id),
            UNIQUE (tenant_id, livemode, email)
        );
        CREATE INDEX members_list ON members (tenant_id, livemode, created_at, id);

        CREATE TABLE conversations (
            tenant_id        text NOT NULL REFERENCES tenants (id),
            livemode         boolean NOT NULL,
            id               text NOT NULL,
            channel          text NOT NULL CHECK (channel IN ('api', 'widget', 'whatsapp')),
            status           text NOT NULL CHECK (status IN ('open', 'handoff', 'assigned', 'closed')),
            agent_id         text NOT NULL,
            contact_id       text NOT NULL,
            assignee_id      text,
            lang             text,
            sentiment        text,
            sentiment_score  real,
            intent           text,
            metadata         jsonb NOT NULL DEFAULT '{}',
            resolution       jsonb,
            message_count    integer NOT NULL DEFAULT 0,
            event_seq        integer NOT NULL DEFAULT 0,
            created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
            closed_at        timestamptz,
            PRIMARY KEY (tenant_id, livemode, id),
            FOREIGN KEY (tenant_id, livemode, agent_id) REFERENCES agents (tenant_id, livemode, id),
            FOREIGN KEY (tenant_id, livemode, contact_id) REFERENCES contacts (tenant_id, livemode, id),
            FOREIGN KEY (tenant_id, livemode, assignee_id) REFERENCES members (tenant_id, livemode, id)
                ON DELETE SET NULL (assignee_id)
        );
        CREATE INDEX conversations_list ON conversations (tenant_id, livemode, created_at, id);
        CREATE INDEX conversations_status ON conversations (tenant_id, livemode, status, created_at, id);
        CREATE INDEX conversations_contact ON conversations (tenant_id, livemode, contact_id, created_at, id);
        CREATE INDEX conversations_assignee ON conversations (tenant_id, livemode, assignee_id, created_at, id);

        CREATE TABLE messages (
            tenant_id        text NOT NULL REFERENCES tenants (id),
            livemode         boolean NOT NULL,
            id               text NOT NULL,
            conversation_id  text NOT NULL,
            role             text NOT NULL CHECK (role IN ('customer', 'agent', 'note')),
            sender_type      text NOT NULL CHECK (sender_type IN ('customer', 'ai', 'member')),
            sender_id        text,
            text             text NOT NULL,
            intent           text,
            lang             text,
            sentiment        text,
            sentiment_score  real,
            confidence       real,
            sources          jsonb NOT NULL DEFAULT '[]',
            created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, id),
            FOREIGN KEY (tenant_id, livemode, conversation_id)
                REFERENCES conversations (tenant_id, livemode, id)
        );
        CREATE INDEX messages_conversation ON messages (tenant_id, livemode, conversation_id, created_at, id);

        -- Events outlive what they describe (erasure, deletes): no foreign keys here.
        CREATE TABLE events (
            tenant_id        text NOT NULL REFERENCES tenants (id),
            livemode         boolean NOT NULL,
            id               text NOT NULL,
            type             text NOT NULL,
            conversation_id  text,
            sequence         integer,
            data             json NOT NULL,  -- json, not jsonb: keeps the body's field order
            created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, id)
        );
        CREATE INDEX events_list ON events (tenant_id, livemode, created_at, id);
        CREATE INDEX events_type ON events (tenant_id, livemode, type, created_at, id);
        CREATE INDEX events_conversation ON events (tenant_id, livemode, conversation_id, created_at, id);

        CREATE TABLE idempotency_keys (
            tenant_id         text NOT NULL REFERENCES tenants (id),
            livemode          boolean NOT NULL,
            key               text NOT NULL,
            method            text NOT NULL,
            path              text NOT NULL,
            fingerprint       text NOT NULL,
            state             text NOT NULL CHECK (state IN ('running', 'done')),
            response_status   integer,
            response_headers  jsonb,
            response_body     bytea,
            created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
            locked_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, key)
        );
        CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
        """
    )

    # The tenant row itself: visible only inside its own tenant's transactions.
    op.execute(
        f"""
        ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
        ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON tenants
            USING (id = skchat_tenant()) WITH CHECK (id = skchat_tenant());
        GRANT SELECT, INSERT, UPDATE ON tenants TO {role};
        """
    )
    for table in TENANT_TABLES:
        tenant_rls(table)

    # Authentication happens before the tenant is known: a key row is also visible to the
    # transaction that has set `skchat.key_hash` to that key's own keyed hash. Knowing the
    # hash means knowing the key, so this reveals nothing a caller does not already hold.
    op.execute(
        f"""
        CREATE POLICY key_lookup ON api_keys FOR SELECT
            USING (key_hash = NULLIF(current_setting('skchat.key_hash', true), ''));

        CREATE FUNCTION skchat_authenticate(p_key_hash text)
            RETURNS TABLE (id text, tenant_id text, livemode boolean, scopes text[])
            LANGUAGE plpgsql VOLATILE SECURITY INVOKER
        AS $f$
        BEGIN
            PERFORM set_config('skchat.key_hash', p_key_hash, true);
            RETURN QUERY
                SELECT k.id, k.tenant_id, k.livemode, k.scopes
                FROM api_keys k
                WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL;
            PERFORM set_config('skchat.key_hash', '', true);
        END
        $f$;
        GRANT EXECUTE ON FUNCTION skchat_authenticate(text) TO {role};
        """
    )

    # Housekeeping across tenants without a role that bypasses RLS: the owner (FORCEd like
    # everyone) gets one narrow policy, and the app role one function that can use it.
    op.execute(
        f"""
        CREATE POLICY housekeeping ON idempotency_keys FOR ALL TO CURRENT_USER
            USING (created_at < now() - interval '24 hours');
        CREATE FUNCTION skchat_purge_idempotency_keys() RETURNS bigint
            LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
        AS $f$
            WITH gone AS (
                DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours' RETURNING 1
            )
            SELECT count(*) FROM gone
        $f$;
        REVOKE ALL ON FUNCTION skchat_purge_idempotency_keys() FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION skchat_purge_idempotency_keys() TO {role};
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP FUNCTION IF EXISTS skchat_purge_idempotency_keys();
        DROP FUNCTION IF EXISTS skchat_authenticate(text);
        DROP TABLE IF EXISTS idempotency_keys, events, messages, conversations, members,
            contacts, agents, api_keys, tenants CASCADE;
        DROP FUNCTION IF EXISTS skchat_tenant();
        DROP FUNCTION IF EXISTS skchat_livemode();
        """
    )
