"""The one Settings object. Nothing else in the code reads the environment."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SKCHAT_", env_file=".env", extra="ignore")

    # Unset: `skchat serve` starts an embedded PostgreSQL under data_dir.
    database_url: str | None = None
    data_dir: Path = Path("~/.skchat")
    # The role the service's queries run as. It owns nothing and cannot bypass RLS;
    # the migrations create it and grant it to the URL's (owner) role, which SET ROLEs to it.
    app_role: str = "skchat_app"
    # Keys are stored as HMAC-SHA256(secret_key, key). Unset: a random one is kept in data_dir.
    secret_key: str | None = None

    host: str = "127.0.0.1"
    port: int = 8080
    log_level: str = "info"
    log_json: bool = True
    db_pool_min: int = 2
    db_pool_max: int = 20

    max_body_bytes: int = 256 * 1024
    # Per API key, per process: a token bucket (see docs/operations.md).
    rate_limit_per_second: float = 100.0
    rate_limit_burst: int = 200
    # An in-progress idempotency claim older than this is taken as abandoned (a crashed request).
    idempotency_lock_timeout_s: float = 60.0
    idempotency_retention_s: float = 24 * 3600

    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    def resolved_secret_key(self) -> bytes:
        """The key-hashing secret: configured, or created once in the data dir and reused."""
        if self.secret_key:
            return self.secret_key.encode()
        path = self.resolved_data_dir() / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(secrets.token_urlsafe(48))
            tmp.chmod(0o600)
            tmp.replace(path)
        return path.read_text().strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
