from __future__ import annotations

import threading

from skchat.agent.nlu.language import primary_subtag
from skchat.agent.nlu.offline import OfflineNLU
from skchat.agent.types import IntentSpec
from tests.agent.nlu.samples import SAMPLES


def test_own_samples_on_demo_taxonomy(nlu: OfflineNLU, demo_intents: tuple[IntentSpec, ...]) -> None:
    misses = []
    for text, _, intent, _, _ in SAMPLES:
        got = nlu.annotate(text, demo_intents)
        if got.intent != intent:
            misses.append((text, intent, got.intent))
    assert len(misses) <= len(SAMPLES) * 0.12, misses


def test_cross_lingual_intents(nlu: OfflineNLU, demo_intents: tuple[IntentSpec, ...]) -> None:
    assert nlu.annotate("ऑर्डर रद्द करना है, गलती से हो गया", demo_intents).intent == "cancel_order"
    assert nlu.annotate("இந்த போர்வை விலை என்ன?", demo_intents).intent == "product_price"
    assert nlu.annotate("COD available hai kya?", demo_intents).intent == "payment_methods"
    assert nlu.annotate("ভাই, অর্ডার বাতিল করতে চাই", demo_intents).intent == "cancel_order"


def test_out_of_scope(nlu: OfflineNLU, demo_intents: tuple[IntentSpec, ...]) -> None:
    assert nlu.annotate("who is the prime minister of Japan?", demo_intents).intent == "out_of_scope"
    assert nlu.annotate("koi accha gaana sunao", demo_intents).intent == "out_of_scope"


def test_fits_nothing_without_out_of_scope_intent(nlu: OfflineNLU) -> None:
    intents = (
        IntentSpec(
            "book_appointment", "Booking a haircut or spa slot", ("I want to book a haircut", "any slot tomorrow?")
        ),
        IntentSpec("salon_hours", "When the salon is open", ("what time do you open?", "open on Sunday?")),
    )
    annotation = nlu.annotate("what is the capital of Peru?", intents)
    assert annotation.intent is None
    assert annotation.confidence <= 0.3


def test_other_tenant_taxonomy(nlu: OfflineNLU) -> None:
    intents = (
        IntentSpec(
            "book_appointment",
            "Booking a haircut, facial or spa slot",
            ("I want to book a haircut", "any slot tomorrow?", "can I come at 5pm today?"),
        ),
        IntentSpec("salon_hours", "Opening hours of the salon", ("what time do you open?", "are you open on Sunday?")),
        IntentSpec("service_price", "Prices of salon services", ("how much is a facial?", "haircut charges?")),
    )
    assert nlu.annotate("kal shaam 6 baje ka slot mil jayega?", intents).intent == "book_appointment"
    assert nlu.annotate("facial kitne ka hai?", intents).intent == "service_price"
    assert nlu.annotate("ஞாயிற்றுக்கிழமை திறந்திருக்குமா?", intents).intent == "salon_hours"


def test_no_intents_gives_none(nlu: OfflineNLU) -> None:
    annotation = nlu.annotate("where is my order?", ())
    assert annotation.intent is None
    assert annotation.confidence == 0.0
    assert annotation.lang == "en"


def test_annotation_fields(nlu: OfflineNLU, demo_intents: tuple[IntentSpec, ...]) -> None:
    annotation = nlu.annotate("mera order kab tak aayega?", demo_intents)
    assert annotation.lang == "hi-Latn"
    assert primary_subtag(annotation.lang) == "hi"
    assert annotation.intent in {"order_status", "delivery_time"}
    assert 0.0 < annotation.confidence <= 1.0
    assert -1.0 <= annotation.sentiment_score <= 1.0


def test_thread_safe_and_deterministic(nlu: OfflineNLU, demo_intents: tuple[IntentSpec, ...]) -> None:
    texts = [s[0] for s in SAMPLES[:24]]
    expected = [nlu.annotate(t, demo_intents) for t in texts]
    results: dict[int, list[object]] = {}

    def work(worker: int) -> None:
        results[worker] = [nlu.annotate(t, demo_intents) for t in reversed(texts)]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got in results.values():
        assert list(reversed(got)) == expected


def test_a_repeated_text_is_annotated_once_per_taxonomy(nlu: OfflineNLU, demo_intents: tuple[IntentSpec, ...]) -> None:
    text = "Do you deliver to Tiruppur by Friday?"
    first = nlu.annotate(text, demo_intents)
    assert nlu.is_quick(text)  # its embedding is cached now
    assert nlu.annotate(text, demo_intents) is first  # the memo answers
    assert nlu.annotate(text, list(demo_intents)) is first  # a list of the same intents is the same taxonomy

    # Another taxonomy is another question: same text, fresh answer from that taxonomy's model.
    salon = (
        IntentSpec("salon_hours", "When the salon is open", ("what time do you open?", "open on Sunday?")),
        IntentSpec("delivery", "Home visits and delivery of products", ("do you deliver?", "home service?")),
    )
    other = nlu.annotate(text, salon)
    assert other is not first and other.intent == "delivery"
    assert nlu.annotate(text, demo_intents) is first
