"""The per-asker rate limit shared by Telegram's /ask and the dashboard's Ask page."""

from __future__ import annotations

from adapters.fake.clock import FakeClock
from mexcore.asking import AskLimiter

START_MS = 1_764_000_000_000


def test_an_asker_waits_the_rest_of_the_interval_and_others_do_not() -> None:
    clock = FakeClock(START_MS)
    limiter = AskLimiter(clock, interval_s=30)
    limiter.record("a")
    clock.advance_to(START_MS + 12_500)
    assert limiter.wait_ms("a") == 17_500
    assert limiter.wait_ms("b") <= 0
    clock.advance_to(START_MS + 30_000)
    assert limiter.wait_ms("a") <= 0


def test_only_the_askers_of_the_last_interval_are_remembered() -> None:
    clock = FakeClock(START_MS)
    limiter = AskLimiter(clock, interval_s=30)
    for second in range(1000):  # a new session every second, e.g. a browser without cookies
        clock.advance_to(START_MS + second * 1000)
        limiter.record(f"session-{second}")
    assert len(limiter) == 30
    assert limiter.wait_ms("session-999") == 30_000
    assert limiter.wait_ms("session-969") <= 0


def test_asking_again_moves_the_asker_to_the_newest() -> None:
    clock = FakeClock(START_MS)
    limiter = AskLimiter(clock, interval_s=30)
    limiter.record("a")
    clock.advance_to(START_MS + 20_000)
    limiter.record("b")
    clock.advance_to(START_MS + 40_000)
    limiter.record("a")
    clock.advance_to(START_MS + 45_000)
    limiter.record("c")
    assert len(limiter) == 3
    assert limiter.wait_ms("a") == 25_000
