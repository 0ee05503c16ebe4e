"""The command bot's rate limiter over a callback that stands in for the Bot API (no network)."""

from __future__ import annotations

import asyncio
import datetime as dtm
from typing import Any

import pytest
from telegram.error import RetryAfter

from adapters.fake.clock import FakeClock
from adapters.telegram.outbox import Envelope, Outbox, OutboxLimits, RateGate
from adapters.telegram.ratelimit import BotStopping, GateRateLimiter
from mexcore.ports import Level

T0 = 1_000_000


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


class _Api:
    """Answer each call in order; a number in `refusals` is a 429 with that retry_after."""

    def __init__(self, clock: FakeClock, refusals: list[int] | None = None) -> None:
        self.clock = clock
        self.refusals = list(refusals or [])
        self.sent: list[tuple[str, int]] = []

    async def call(self, text: str) -> dict[str, Any]:
        await asyncio.sleep(0)
        if self.refusals:
            raise RetryAfter(dtm.timedelta(seconds=self.refusals.pop(0)))
        self.sent.append((text, self.clock.now_ms()))
        return {"text": text}


async def _send(limiter: GateRateLimiter, api: _Api, text: str, chat_id: int = 1,
                endpoint: str = "sendMessage") -> Any:  # fmt: skip
    data = {"chat_id": chat_id, "text": text}
    return await limiter.process_request(api.call, (text,), {}, endpoint, data, None)


async def test_a_request_refused_with_429_is_sent_again_after_retry_after() -> None:
    clock = FakeClock(T0)
    api = _Api(clock, refusals=[3])
    limiter = GateRateLimiter(RateGate(), clock)

    result = await _send(limiter, api, "hello")

    assert result == {"text": "hello"}
    assert api.sent == [("hello", T0 + 3000)]
    assert limiter.retries == 1


async def test_requests_to_one_chat_go_in_the_order_they_were_made_when_the_first_is_refused(
) -> None:  # fmt: skip
    clock = FakeClock(T0)
    api = _Api(clock, refusals=[2, 1])
    limiter = GateRateLimiter(RateGate(per_chat_interval_s=0), clock)

    await asyncio.gather(*(_send(limiter, api, text) for text in "abcd"))

    assert [text for text, _ in api.sent] == list("abcd")


async def test_one_chat_gets_one_request_a_second_while_another_chat_goes_at_once() -> None:
    clock = FakeClock(T0)
    api = _Api(clock)
    limiter = GateRateLimiter(RateGate(), clock)

    await _send(limiter, api, "a1", chat_id=1)
    await _send(limiter, api, "a2", chat_id=1)
    await _send(limiter, api, "b1", chat_id=2)

    assert api.sent == [("a1", T0), ("a2", T0 + 1000), ("b1", T0 + 1000)]


async def test_a_button_answer_is_not_held_by_its_chats_interval() -> None:
    clock = FakeClock(T0)
    api = _Api(clock)
    limiter = GateRateLimiter(RateGate(), clock)
    await _send(limiter, api, "prompt", chat_id=1)

    await _send(limiter, api, "toast", chat_id=1, endpoint="answerCallbackQuery")

    assert api.sent == [("prompt", T0), ("toast", T0)]


async def test_a_429_the_notifier_got_holds_the_commands_too() -> None:
    clock = FakeClock(T0)
    outbox = Outbox(OutboxLimits())
    outbox.put(Envelope(7, "pnl", Level.ALERT, "sold"))
    envelope, _ = outbox.next_due(T0)
    assert envelope is not None
    outbox.retry_after(envelope, 10, T0)
    api = _Api(clock)
    limiter = GateRateLimiter(outbox.gate, clock)

    await _send(limiter, api, "status", chat_id=1)

    assert api.sent == [("status", T0 + 10_000)]


def test_a_command_reply_counts_in_the_notifiers_overall_budget() -> None:
    gate = RateGate(global_per_second=2)
    outbox = Outbox(OutboxLimits(global_per_second=2), gate)
    gate.take(1, T0)
    gate.take(2, T0)
    outbox.put(Envelope(3, "pnl", Level.ALERT, "sold"))

    assert outbox.next_due(T0) == (None, 1000)


async def test_after_max_retries_the_last_429_is_raised() -> None:
    clock = FakeClock(T0)
    api = _Api(clock, refusals=[1, 1, 1])
    limiter = GateRateLimiter(RateGate(), clock, max_retries=2)

    with pytest.raises(RetryAfter):
        await _send(limiter, api, "hello")
    assert api.sent == []


class _StuckClock(FakeClock):
    async def sleep(self, seconds: float) -> None:
        await asyncio.Event().wait()


async def test_closing_makes_a_waiting_request_give_up_unsent() -> None:
    clock = _StuckClock(T0)
    api = _Api(clock, refusals=[600])
    limiter = GateRateLimiter(RateGate(), clock)
    waiting = asyncio.create_task(_send(limiter, api, "late"))
    await asyncio.sleep(0.01)

    limiter.close()

    with pytest.raises(BotStopping):
        await waiting
    assert api.sent == []


def test_notifications_to_a_chat_step_aside_while_a_command_reply_waits_for_it() -> None:
    outbox = Outbox(OutboxLimits())
    outbox.put(Envelope(1, "pnl", Level.ALERT, "to the busy chat"))
    outbox.put(Envelope(2, "pnl", Level.ALERT, "to another chat"))
    outbox.gate.claim(1)

    taken, _ = outbox.next_due(T0)
    waiting = outbox.next_due(T0)
    outbox.gate.release(1)
    after, _ = outbox.next_due(T0 + 1000)

    assert (taken.chat_id if taken else None) == 2
    assert waiting == (None, 1000)
    assert (after.chat_id if after else None) == 1
