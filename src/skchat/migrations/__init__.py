"""Alembic migrations: the schema, the service's role and the row-level-security policies."""
