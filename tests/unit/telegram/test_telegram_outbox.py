"""The outbound queue's rules, driven by explicit times (no network, no sleeping)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.telegram.outbox import Envelope, Outbox, OutboxLimits
from mexcore.ports import Level

T0 = 1_000_000


def env(chat: int = 1, topic: str = "t", level: Level = Level.INFO, text: str = "x") -> Envelope:
    return Envelope(chat, topic, level, text)


def drain(outbox: Outbox, now_ms: int) -> list[Envelope]:
    taken = []
    while (item := outbox.next_due(now_ms)[0]) is not None:
        taken.append(item)
        outbox.sent(item, now_ms)
    return taken


def test_info_of_a_topic_goes_once_per_interval() -> None:
    outbox = Outbox(OutboxLimits(summary_min_interval_s=600))

    decisions = [
        outbox.accept("summary", Level.INFO, T0),
        outbox.accept("summary", Level.INFO, T0 + 599_999),
        outbox.accept("other", Level.INFO, T0 + 1),
        outbox.accept("summary", Level.INFO, T0 + 600_000),
    ]

    assert decisions == [True, False, True, True]
    assert outbox.throttled == 1


def test_alerts_and_errors_are_never_throttled() -> None:
    outbox = Outbox(OutboxLimits())

    assert all(outbox.accept("x", level, T0) for level in [Level.ALERT, Level.ERROR] * 5)


def test_one_chat_gets_at_most_one_message_per_second() -> None:
    outbox = Outbox(OutboxLimits())
    outbox.put(env(text="a"))
    outbox.put(env(text="b"))

    first, _ = outbox.next_due(T0)
    assert first is not None
    outbox.sent(first, T0)

    assert outbox.next_due(T0 + 999) == (None, 1)
    second, wait = outbox.next_due(T0 + 1000)
    assert (second.text if second else None, wait) == ("b", 0)


def test_other_chats_go_while_one_chat_waits() -> None:
    outbox = Outbox(OutboxLimits())
    for text, chat in [("a", 1), ("b", 1), ("c", 2)]:
        outbox.put(env(chat=chat, text=text))

    assert [e.text for e in drain(outbox, T0)] == ["a", "c"]


def test_no_more_than_thirty_messages_a_second_overall() -> None:
    outbox = Outbox(OutboxLimits())
    for chat in range(40):
        outbox.put(env(chat=chat))

    sent_now = drain(outbox, T0)

    assert len(sent_now) == 30
    assert outbox.next_due(T0 + 10) == (None, 990)
    assert len(drain(outbox, T0 + 1000)) == 10


def test_alerts_jump_ahead_of_info() -> None:
    outbox = Outbox(OutboxLimits())
    outbox.put(env(text="report"))
    outbox.put(env(text="sold", level=Level.ALERT))

    assert [e.text for e in drain(outbox, T0)] == ["sold"]


def test_waiting_errors_of_a_topic_collapse_with_a_count() -> None:
    outbox = Outbox(OutboxLimits())
    for i in range(5):
        outbox.put(env(topic="scanner", level=Level.ERROR, text=f"boom {i}"))
    outbox.put(env(topic="pnl", level=Level.ERROR, text="other"))

    waiting = outbox.pending()

    assert [(e.topic, e.count, e.text) for e in waiting] == [
        ("scanner", 5, "boom 4"), ("pnl", 1, "other"),
    ]  # fmt: skip


def test_retry_after_holds_everything_then_resends_first() -> None:
    outbox = Outbox(OutboxLimits())
    outbox.put(env(text="a"))
    outbox.put(env(chat=2, text="b"))
    first, _ = outbox.next_due(T0)
    assert first is not None

    outbox.retry_after(first, 3, T0)

    assert outbox.next_due(T0 + 2999) == (None, 1)
    again, _ = outbox.next_due(T0 + 3000)
    assert again is first


def test_network_failures_back_off_exponentially_up_to_the_cap() -> None:
    outbox = Outbox(OutboxLimits(backoff_initial_s=1, backoff_max_s=30))
    outbox.put(env())
    delays = []
    now = T0
    for _ in range(8):
        item, _ = outbox.next_due(now)
        assert item is not None
        delays.append(outbox.failed(item, now))
        now += delays[-1]

    assert delays == [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]


def test_a_full_queue_drops_the_oldest_info_first_and_keeps_alerts() -> None:
    outbox = Outbox(OutboxLimits(max_queue=3))
    outbox.put(env(text="info 1"))
    outbox.put(env(text="alert 1", level=Level.ALERT))
    outbox.put(env(text="info 2"))
    outbox.put(env(text="alert 2", level=Level.ALERT))
    outbox.put(env(text="alert 3", level=Level.ALERT))

    assert [e.text for e in outbox.pending()] == ["alert 1", "alert 2", "alert 3"]
    assert outbox.dropped == 2


puts = st.lists(
    st.tuples(st.sampled_from(list(Level)), st.integers(1, 3), st.sampled_from("abc")),
    max_size=80,
)


@settings(max_examples=100)
@given(puts)
def test_queue_stays_bounded_and_never_loses_an_alert_below_the_alert_cap(
    items: list[tuple[Level, int, str]],
) -> None:
    outbox = Outbox(OutboxLimits(max_queue=10, max_alerts=1000))
    alerts = 0
    for level, chat, topic in items:
        outbox.put(env(chat=chat, topic=topic, level=level))
        alerts += level is Level.ALERT

    waiting = outbox.pending()
    assert sum(e.level is Level.ALERT for e in waiting) == alerts
    assert len(waiting) <= max(10, alerts + sum(e.level is Level.ERROR for e in waiting))
    assert {(e.chat_id, e.topic) for e in waiting if e.level is Level.ERROR} == {
        (c, t) for lv, c, t in items if lv is Level.ERROR
    }
