"""Helpers the migration files share: the app role's name and the RLS boilerplate, written once."""

from __future__ import annotations

from alembic import context, op


def app_role() -> str:
    role: str = context.config.attributes.get("app_role", "skchat_app")
    return '"' + role.replace('"', '""') + '"'


def tenant_rls(table: str) -> None:
    """ENABLE and FORCE row-level security with the one tenant+mode policy, and grant DML to the app role.

    FORCE makes the policy bind the table's owner too; the app role owns nothing and has no
    BYPASSRLS, so the policy is the wall for every query the service makes.
    """
    op.execute(
        f"""
        ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON {table}
            USING (tenant_id = skchat_tenant() AND livemode = skchat_livemode())
            WITH CHECK (tenant_id = skchat_tenant() AND livemode = skchat_livemode());
        GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {app_role()};
        """
    )
