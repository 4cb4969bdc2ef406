"""`skchat listen --forward-to`: events of the key's tenant arrive at a local URL, signed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
from standardwebhooks import Webhook

from tests.conftest import Tenant
from tests.webhooks.receiver import Receiver


def test_listen_prints_and_forwards_signed_events(base_url: str, client: httpx.Client, tenant: Tenant) -> None:
    client.post("/chat/v1/conversations", json={}, headers=tenant.headers())  # before: not forwarded
    receiver = Receiver()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKCHAT_")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "skchat.cli",
            "listen",
            "--key",
            tenant.test_key,
            "--api",
            base_url,
            "--forward-to",
            receiver.url + "/local",
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("Ready.")
        secret = proc.stdout.readline().strip().rsplit(" ", 1)[1]
        assert secret.startswith("whsec_")
        conversation = client.post(
            "/chat/v1/conversations", json={"message": {"text": "hello"}}, headers=tenant.headers()
        ).json()
        got = receiver.wait_for(2, "/local", timeout=15)
        bodies = [Webhook(secret).verify(r.body, r.headers) for r in got]
        assert [b["type"] for b in bodies] == ["chat.conversation.created", "chat.message.received"]
        assert {b["conversation_id"] for b in bodies} == {conversation["id"]}
        line = proc.stdout.readline()
        assert "chat.conversation.created" in line and "-> 200" in line
        time.sleep(1.0)
        assert len(receiver.requests()) == 2  # nothing forwarded twice, nothing from before
        assert json.loads(got[0].body)["id"] == got[0].headers["webhook-id"]
    finally:
        proc.terminate()
        proc.wait(10)
        receiver.close()
