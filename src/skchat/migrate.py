"""Applying migrations: `skchat migrate`, and `skchat serve` before it starts."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from skchat.kit.db import asyncpg_dsn

MIGRATIONS = Path(__file__).parent / "migrations"


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + asyncpg_dsn(url).split("://", 1)[1]


def alembic_config(url: str, app_role: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = sqlalchemy_url(url)
    cfg.attributes["app_role"] = app_role
    return cfg


def upgrade(url: str, app_role: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url, app_role), revision)
