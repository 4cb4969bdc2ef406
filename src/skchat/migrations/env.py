"""Alembic environment. Migrations are plain SQL run as the database owner (never as the app role)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
url: str = config.attributes["url"]

engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
