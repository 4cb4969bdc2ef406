"""The one Settings object. Nothing else in the code reads the environment."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
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

    # `skchat serve` also runs the worker (webhooks, agent replies). Off: API-only nodes, with the
    # work done by separate `skchat worker` processes (docs/scaling.md).
    serve_worker: bool = True
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

    # Webhook delivery (docs/webhooks.md). The schedule is the delay before each attempt:
    # the first is immediate; after the last one fails the delivery is `failed`.
    webhook_retry_schedule_s: list[float] = [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    webhook_jitter: float = 0.1
    webhook_timeout_s: float = 15.0
    webhook_max_retry_after_s: float = 86400.0
    webhook_disable_after_s: float = 5 * 86400.0
    webhook_concurrency: int = 256
    webhook_per_endpoint_concurrency: int = 32
    webhook_poll_interval_s: float = 1.0
    # A claimed delivery whose worker died is due again after this (default: 2 x timeout + 60 s). A
    # delivery may wait for its endpoint's slot up to one timeout and then take one: the lease must
    # outlast both, or a live worker's delivery would be claimed and sent again.
    webhook_lease_s: float | None = None
    # Live-mode endpoints must not resolve to private, loopback or link-local addresses (SSRF).
    # A self-hosted install that delivers to its own intranet may turn this off.
    webhook_block_private_live: bool = True

    # Annotation of customer messages (language, intent, sentiment, handoff signals): a name registered in
    # skchat.agent.nlu.registry; `offline` (the default) runs in-process from packaged models and lexicons.
    nlu_provider: str = "offline"

    # The agent's replies: `offline` (the default) needs no network; `openai` speaks the OpenAI chat API to
    # OpenAI or any compatible server (vLLM, Ollama, a gateway: set llm_base_url, e.g. http://host:8000/v1);
    # `anthropic` speaks Anthropic's Messages API (llm_base_url without /v1). A hosted model that fails or
    # takes longer than llm_timeout_s is replaced by the offline composer for that reply.
    llm_provider: Literal["offline", "openai", "anthropic"] = "offline"
    llm_base_url: str | None = None  # unset: the provider's public endpoint
    llm_api_key: SecretStr | None = None  # never logged; optional for a keyless local server
    llm_model: str | None = None  # required for a hosted provider
    llm_timeout_s: float = 8.0

    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    def resolved_webhook_lease_s(self) -> float:
        return self.webhook_lease_s or 2 * self.webhook_timeout_s + 60.0

    @model_validator(mode="after")
    def _lease_outlasts_a_delivery(self) -> Settings:
        if self.webhook_lease_s is not None and self.webhook_lease_s < 2 * self.webhook_timeout_s:
            raise ValueError(
                f"webhook_lease_s ({self.webhook_lease_s:g}) must be at least twice webhook_timeout_s"
                f" ({self.webhook_timeout_s:g}): a leased delivery may wait one timeout for its endpoint's"
                " slot and take another to send"
            )
        return self

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
