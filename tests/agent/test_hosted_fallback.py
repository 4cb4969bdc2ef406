"""A hosted model that fails: the customer still gets the offline, grounded answer, never silence."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from rich.console import Console

from skchat.embedded import with_database
from skchat.knowledge.importer import import_folder
from tests.agent.test_runtime import start, wait_for_replies
from tests.conftest import DATABASE, Pg, ServerThread, Tenant, make_settings
from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(api_key="sk-fake")
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def hosted_server(pg: Pg, fake_openai: FakeOpenAI) -> Iterator[ServerThread]:
    settings = make_settings(
        pg,
        webhook_poll_interval_s=0.2,
        llm_provider="openai",
        llm_base_url=fake_openai.base_url,
        llm_api_key="sk-fake",
        llm_model="gpt-fake",
        llm_timeout_s=1.0,
    )
    # Workers claim any tenant's jobs: start with none left over from earlier tests' worker-less servers,
    # or this worker would answer them too and spend the fake's scripted failures on them.
    with psycopg.connect(with_database(pg.admin_url, DATABASE), autocommit=True) as admin:
        admin.execute(
            "UPDATE agent_jobs SET state = 'failed', error = 'left by an earlier test' WHERE state = 'pending'"
        )
    with ServerThread(settings, pg.owner_url, run_worker=True) as running:
        yield running


@pytest.fixture(scope="module")
def hosted_store(make_tenant: Callable[[str], Tenant], hosted_server: ServerThread, demo_store: Path) -> Tenant:
    tenant = make_tenant("Kaveri Threads")
    summary = import_folder(demo_store, hosted_server.base_url, tenant.test_key, console=Console(quiet=True))
    assert summary.failed == 0
    return tenant


def test_a_failing_hosted_model_falls_back_to_the_offline_answer(
    hosted_server: ServerThread, hosted_store: Tenant, fake_openai: FakeOpenAI
) -> None:
    with httpx.Client(base_url=hosted_server.base_url, timeout=30) as client:
        fake_openai.fail(500)
        fake_openai.fail(500)  # the adapter retries once
        conversation = start(client, hosted_store, "Do you deliver to Chennai?")
        (reply,) = wait_for_replies(client, hosted_store, conversation["id"], 1)
        assert "Chennai" in reply["text"] and reply["sources"]
        assert len(fake_openai.requests()) == 2  # it did ask the hosted model first
        metrics = client.get("/metrics").text
        assert 'skchat_llm_fallbacks_total{provider="openai"' in metrics

        fake_openai.hang(5.0)  # slower than llm_timeout_s
        second = start(client, hosted_store, "Do you deliver to Chennai?")
        (late,) = wait_for_replies(client, hosted_store, second["id"], 1, timeout=15)
        assert "Chennai" in late["text"]


def test_a_working_hosted_model_answers_with_sources_it_was_given(
    hosted_server: ServerThread, hosted_store: Tenant, fake_openai: FakeOpenAI
) -> None:
    with httpx.Client(base_url=hosted_server.base_url, timeout=30) as client:

        def grounded(request: object) -> str:
            return (
                '{"answer": "Yes, we deliver across Chennai in 1-2 days.", '
                '"sources": ["kb_delivery_chennai", "kb_not_real"], "answered": true}'
            )

        fake_openai.answer(grounded)
        conversation = start(client, hosted_store, "Do you deliver to Chennai?")
        (reply,) = wait_for_replies(client, hosted_store, conversation["id"], 1)
        assert reply["text"] == "Yes, we deliver across Chennai in 1-2 days."
        assert reply["sources"] == [{"type": "article", "id": "kb_delivery_chennai"}]  # the invented id is dropped
