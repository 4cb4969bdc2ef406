"""Standard Webhooks signatures (HMAC-SHA256), made by the reference `standardwebhooks` library.

A delivery carries `webhook-id` (the event id), `webhook-timestamp` (this attempt, Unix
seconds) and `webhook-signature`: `v1,<base64>` once per active secret, space-separated, so a
receiver still on the previous secret keeps verifying during a rotation's overlap.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(os.urandom(24)).decode()


@lru_cache(maxsize=4096)
def _webhook(secret: str) -> Webhook:
    return Webhook(secret)


def signature_header(secrets: Iterable[str], msg_id: str, timestamp: int, body: bytes) -> str:
    when = datetime.fromtimestamp(timestamp, UTC)
    text = body.decode()
    return " ".join(_webhook(s).sign(msg_id, when, text) for s in secrets)


def headers(secrets: Iterable[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
    }
