"""`skchat_enter(key_hash)`: a request's transaction authenticated and scoped by its first statement.

The service opens every authenticated request's transaction with one simple-protocol round
trip, `BEGIN; SELECT skchat_enter('<hash>')`: the key is looked up again inside the
transaction (so a revoked key is refused on its next request, whichever process serves it)
and the transaction's tenant and mode are set from the key's own row. An unknown or revoked
key raises SQLSTATE 28000 (invalid_authorization_specification), which aborts the transaction.

Before, that was two round trips (`BEGIN`, then `skchat_authenticate` with `set_config`);
the caller's id, tenant and scopes, which never change for a key, now come from a
per-process memo of earlier look-ups (kit/context.py).

SECURITY INVOKER: the caller's role applies, RLS included (the `key_lookup` policy of 0001).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from alembic import op

from skchat.migrations.sql import app_role

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    role = app_role()
    op.execute(
        f"""
        CREATE FUNCTION skchat_enter(p_key_hash text) RETURNS void
            LANGUAGE plpgsql VOLATILE SECURITY INVOKER
        AS $f$
        DECLARE
            k record;
        BEGIN
            PERFORM set_config('skchat.key_hash', p_key_hash, true);
            SELECT a.tenant_id, a.livemode INTO k
                FROM api_keys a WHERE a.key_hash = p_key_hash AND a.revoked_at IS NULL;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'invalid or revoked API key' USING ERRCODE = '28000';
            END IF;
            PERFORM set_config('skchat.key_hash', '', true);
            PERFORM set_config('skchat.tenant_id', k.tenant_id, true);
            PERFORM set_config('skchat.livemode', k.livemode::text, true);
        END
        $f$;
        REVOKE ALL ON FUNCTION skchat_enter(text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION skchat_enter(text) TO {role};
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS skchat_enter(text)")
