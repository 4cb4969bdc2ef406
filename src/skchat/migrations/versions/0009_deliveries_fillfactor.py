"""webhook_deliveries pages keep room for the claim's lease, so that update is HOT.

Every delivery row is updated twice: the claim sets `lease_until`, the outcome sets `state`.
`lease_until` is in no index, so the claim's update can be a heap-only tuple (no index entry
written) when the row's page has room for the new version; with the default fillfactor of 100,
rows inserted in bulk fill their pages and every claim wrote a new entry into all three indexes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE webhook_deliveries SET (fillfactor = 70)")


def downgrade() -> None:
    op.execute("ALTER TABLE webhook_deliveries RESET (fillfactor)")
