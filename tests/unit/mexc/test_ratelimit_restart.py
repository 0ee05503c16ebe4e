"""The limiter keeps a margin, counts a call until its answer, and survives a restart."""

from pathlib import Path

import pytest
from tests.unit.mexc.support import SteppingClock

from adapters.mexc import MexcSettings, limiter_for
from adapters.mexc.ratelimit import RateLimited, RateLimiter
from adapters.mexc.usage import UsageFile
from mexcore.errors import ConfigError

TICKERS = "GET /api/v3/ticker/24hr"


def _limiter(clock: SteppingClock, state_dir: Path, **budgets: float) -> RateLimiter:
    return RateLimiter(clock=clock, usage=UsageFile.in_dir(state_dir, clock), **budgets)


async def _calls(limiter: RateLimiter, count: int, endpoint: str = TICKERS,
                 weight: int = 40) -> None:
    for _ in range(count):
        limiter.settle(await limiter.acquire(endpoint, weight))


async def test_the_default_budgets_keep_a_margin_below_mexc_limits() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock)
    times = []
    for _ in range(40):
        limiter.settle(await limiter.acquire(TICKERS, 40))
        times.append(clock.now)
    assert max(40 * sum(1 for u in times if t <= u < t + 10_000) for t in times) <= 400
    assert limiter.requests_per_s <= 15
    assert limiter.orders_per_s <= 10


async def test_a_call_counts_from_its_answer_so_a_slow_answer_delays_the_next_window() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, endpoint_weight=40)
    first = await limiter.acquire(TICKERS, 40)
    clock.now += 3_000  # the first answer takes 3 s: MEXC may have counted it only now
    limiter.settle(first)
    clock.now += 7_500  # 10.5 s after it was let through, 7.5 s after its answer
    start = clock.now
    await limiter.acquire(TICKERS, 40)
    assert clock.now - start >= 2_500


async def test_a_call_in_flight_counts_against_the_budget_before_its_answer() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, endpoint_weight=80)
    await limiter.acquire(TICKERS, 40)
    await limiter.acquire(TICKERS, 40)  # neither answered yet
    start = clock.now
    await limiter.acquire(TICKERS, 40)
    assert clock.now - start >= 10_000


async def test_slow_answers_do_not_hold_back_the_quarter_second_smoothing() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, requests_per_s=16)  # 4 per 250 ms
    permits = [await limiter.acquire("GET /api/v3/depth") for _ in range(4)]
    clock.now += 300
    for permit in permits:
        limiter.settle(permit)
    start = clock.now
    await limiter.acquire("GET /api/v3/depth")
    assert clock.now == start


async def test_a_restarted_limiter_on_the_same_file_starts_with_what_is_left(
        tmp_path: Path) -> None:
    clock = SteppingClock()
    first = clock.now
    await _calls(_limiter(clock, tmp_path), 10)  # 400 weight: the whole budget
    clock.now += 2_000
    restarted = _limiter(clock, tmp_path)
    await _calls(restarted, 1)
    assert clock.now - first >= 10_000  # until the first of the old calls leaves the window


async def test_usage_older_than_the_window_is_forgotten_and_the_file_stays_small(
        tmp_path: Path) -> None:
    clock = SteppingClock()
    await _calls(_limiter(clock, tmp_path), 10)
    clock.now += 10_001
    clock.sleeps.clear()
    restarted = _limiter(clock, tmp_path)
    await _calls(restarted, 1)
    assert clock.sleeps == []
    assert len((tmp_path / "mexc-usage.log").read_text().splitlines()) == 1


async def test_a_429_pause_outlives_the_process(tmp_path: Path) -> None:
    clock = SteppingClock()
    _limiter(clock, tmp_path).backoff(20.0)
    clock.now += 5_000
    restarted = _limiter(clock, tmp_path)
    start = clock.now
    await _calls(restarted, 1, "GET /api/v3/depth", 1)
    assert clock.now - start >= 15_000


async def test_a_long_ban_from_before_the_restart_is_refused_without_sending(
        tmp_path: Path) -> None:
    clock = SteppingClock()
    _limiter(clock, tmp_path).backoff(None, banned=True)
    with pytest.raises(RateLimited) as caught:
        await _limiter(clock, tmp_path, max_wait_s=30).acquire("GET /api/v3/depth")
    assert caught.value.retry_after_s == pytest.approx(120)


async def test_a_torn_or_foreign_usage_file_is_read_as_far_as_it_makes_sense(
        tmp_path: Path) -> None:
    clock = SteppingClock()
    (tmp_path / "mexc-usage.log").write_text(
        f"garbage\nU {clock.now} 400 0 other {TICKERS}\nU 12 x 0 w GET /x\nP\nU {clock.now}")
    start = clock.now
    await _calls(_limiter(clock, tmp_path), 1)
    assert clock.now - start >= 10_000


async def test_an_unwritable_state_dir_does_not_stop_requests(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    clock = SteppingClock()
    limiter = _limiter(clock, blocker / "state")
    await _calls(limiter, 3, "GET /api/v3/depth", 1)
    assert clock.sleeps == []


@pytest.mark.parametrize(("key", "value"), [
    ("max_requests_per_s", 25), ("max_orders_per_s", 13), ("max_endpoint_weight", 501)])
def test_budgets_above_mexc_limits_are_refused_naming_the_key(key: str, value: int) -> None:
    with pytest.raises(ConfigError) as caught:
        MexcSettings.from_mapping({key: value})
    assert caught.value.key == f"mexc.{key}"
    assert "MEXC" in str(caught.value)


def test_the_process_limiter_keeps_its_usage_in_the_state_dir(tmp_path: Path) -> None:
    limiter = limiter_for(MexcSettings(), tmp_path)
    assert limiter.usage is not None
    assert limiter.usage.path.parent == tmp_path
    assert limiter.endpoint_weight == 400
