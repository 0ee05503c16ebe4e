"""Two limiters on one usage file at the same time (a CLI command beside the bot)."""

from pathlib import Path

from tests.unit.mexc.support import SteppingClock

from adapters.mexc.ratelimit import RateLimiter
from adapters.mexc.usage import UsageFile

TICKERS = "GET /api/v3/ticker/24hr"


def _limiter(clock: SteppingClock, state_dir: Path, compact_every: int = 2_000) -> RateLimiter:
    usage = UsageFile(state_dir / "mexc-usage.log", clock, compact_every=compact_every)
    return RateLimiter(clock=clock, usage=usage, requests_per_s=1_000)


async def _calls(limiter: RateLimiter, count: int) -> None:
    for _ in range(count):
        limiter.settle(await limiter.acquire(TICKERS, 40))


async def test_a_limiter_counts_what_another_one_on_its_file_spends_meanwhile(
        tmp_path: Path) -> None:
    clock = SteppingClock()
    bot, command = _limiter(clock, tmp_path), _limiter(clock, tmp_path)
    await _calls(command, 1)  # both running, each has read the file once
    await _calls(bot, 1)
    start = clock.now
    await _calls(bot, 8)  # 400 weight now spent between them
    assert clock.now == start
    await _calls(command, 1)
    assert clock.now - start >= 10_000


async def test_another_limiter_rewriting_the_file_is_not_counted_twice(tmp_path: Path) -> None:
    clock = SteppingClock()
    bot, command = _limiter(clock, tmp_path, compact_every=3), _limiter(clock, tmp_path)
    await _calls(command, 1)
    await _calls(bot, 2)
    await _calls(command, 1)  # has read the bot's two calls
    await _calls(bot, 3)  # the bot rewrites the file at its third call: all five in it
    start = clock.now
    await _calls(command, 3)  # 2 + 5 + 3 = 10 calls, 400 weight: still fits
    assert clock.now == start
    await _calls(command, 1)
    assert clock.now - start >= 10_000


async def test_a_pause_another_limiter_got_pauses_this_one(tmp_path: Path) -> None:
    clock = SteppingClock()
    bot, command = _limiter(clock, tmp_path), _limiter(clock, tmp_path)
    await _calls(command, 1)
    bot.backoff(6.0)
    start = clock.now
    await _calls(command, 1)
    assert clock.now - start >= 6_000
