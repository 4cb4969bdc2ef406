"""Webhook settings that would break at-least-once-without-duplicates are refused at start-up."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from skchat.config import Settings


def test_the_default_lease_outlasts_a_wait_for_the_slot_and_a_send() -> None:
    settings = Settings(webhook_timeout_s=15.0)
    assert settings.resolved_webhook_lease_s() == 90.0
    assert Settings(webhook_timeout_s=120.0).resolved_webhook_lease_s() == 300.0


def test_a_lease_shorter_than_two_timeouts_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least twice webhook_timeout_s"):
        Settings(webhook_timeout_s=15.0, webhook_lease_s=20.0)
    assert Settings(webhook_timeout_s=1.0, webhook_lease_s=2.0).resolved_webhook_lease_s() == 2.0
