"""Knowledge and catalog: the articles, items and intents an agent answers from, and their corpus version.

Ids are the tenant's own when given (an import keeps `kb_delivery_chennai` and `itm_…` as
they are), so the primary key is (tenant_id, livemode, id) with no global uniqueness.

`corpus_versions` holds one row per tenant and mode, bumped by a trigger in the same
transaction as every write to articles, items and intents (and to an agent's languages), so
a process that caches a tenant's corpus and search index can tell it is stale with one
primary-key lookup. `changed_at` (clock time of the last bump) is part of the version: a
number seen inside a transaction that later rolled back can be taken again by another, the
pair cannot.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

from skchat.migrations.sql import tenant_rls

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("knowledge_articles", "catalog_items", "intents", "corpus_versions")


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE knowledge_articles (
            tenant_id   text NOT NULL REFERENCES tenants (id),
            livemode    boolean NOT NULL,
            id          text NOT NULL,
            title       text NOT NULL,
            body        text NOT NULL,
            intent      text,
            tags        text[] NOT NULL DEFAULT '{}',
            lang        text NOT NULL DEFAULT 'en',
            created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, id)
        );
        CREATE INDEX knowledge_articles_list ON knowledge_articles (tenant_id, livemode, created_at, id);

        CREATE TABLE catalog_items (
            tenant_id    text NOT NULL REFERENCES tenants (id),
            livemode     boolean NOT NULL,
            id           text NOT NULL,
            name         text NOT NULL,
            description  text NOT NULL DEFAULT '',
            category     text,
            price        numeric(14, 2) CHECK (price >= 0),
            currency     text NOT NULL,
            in_stock     boolean NOT NULL DEFAULT true,
            attributes   jsonb NOT NULL DEFAULT '{}',
            created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, id)
        );
        CREATE INDEX catalog_items_list ON catalog_items (tenant_id, livemode, created_at, id);

        -- An intent is named by the tenant; the name is its key.
        CREATE TABLE intents (
            tenant_id    text NOT NULL REFERENCES tenants (id),
            livemode     boolean NOT NULL,
            name         text NOT NULL,
            description  text NOT NULL DEFAULT '',
            examples     text[] NOT NULL DEFAULT '{}',
            created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode, name)
        );
        CREATE INDEX intents_list ON intents (tenant_id, livemode, created_at, name);

        CREATE TABLE corpus_versions (
            tenant_id   text NOT NULL REFERENCES tenants (id),
            livemode    boolean NOT NULL,
            version     bigint NOT NULL DEFAULT 1,
            changed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (tenant_id, livemode)
        );

        -- Runs as the writer (the app role, under RLS): the row it bumps is the writer's own tenant and mode.
        CREATE FUNCTION skchat_bump_corpus_version() RETURNS trigger LANGUAGE plpgsql
        AS $f$
        DECLARE
            changed record;
        BEGIN
            IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
            INSERT INTO corpus_versions AS v (tenant_id, livemode)
            VALUES (changed.tenant_id, changed.livemode)
            ON CONFLICT (tenant_id, livemode)
                DO UPDATE SET version = v.version + 1, changed_at = clock_timestamp();
            RETURN NULL;
        END
        $f$;

        CREATE TRIGGER knowledge_articles_corpus_version AFTER INSERT OR UPDATE OR DELETE ON knowledge_articles
            FOR EACH ROW EXECUTE FUNCTION skchat_bump_corpus_version();
        CREATE TRIGGER catalog_items_corpus_version AFTER INSERT OR UPDATE OR DELETE ON catalog_items
            FOR EACH ROW EXECUTE FUNCTION skchat_bump_corpus_version();
        CREATE TRIGGER intents_corpus_version AFTER INSERT OR UPDATE OR DELETE ON intents
            FOR EACH ROW EXECUTE FUNCTION skchat_bump_corpus_version();
        -- The corpus carries the default agent's languages.
        CREATE TRIGGER agents_corpus_version AFTER UPDATE OF languages, is_default ON agents
            FOR EACH ROW EXECUTE FUNCTION skchat_bump_corpus_version();
        """
    )
    for table in TABLES:
        tenant_rls(table)


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER IF EXISTS agents_corpus_version ON agents;
        DROP TABLE IF EXISTS corpus_versions, intents, catalog_items, knowledge_articles;
        DROP FUNCTION IF EXISTS skchat_bump_corpus_version();
        """
    )
