import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.mexc.support import SteppingClock

from adapters.mexc.ratelimit import RateLimited, RateLimiter


def _count_in(times: list[int], start: int, span_ms: int) -> int:
    return sum(1 for t in times if start <= t < start + span_ms)


async def _scan(limiter: RateLimiter, clock: SteppingClock, calls: int,
                endpoint: str = "GET /api/v3/klines", weight: int = 1) -> list[int]:
    times = []
    for _ in range(calls):
        await limiter.acquire(endpoint, weight)
        times.append(clock.now)
    return times


async def test_a_200_pair_scan_never_exceeds_the_overall_rate() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, requests_per_s=18)
    times = await _scan(limiter, clock, 200)
    assert max(_count_in(times, t, 1000) for t in times) <= 18
    assert times[-1] - times[0] >= 10_000  # 200 calls at 18/s take at least 11 windows


async def test_an_endpoint_weight_budget_of_500_per_10_s_holds() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, requests_per_s=1000)
    times = await _scan(limiter, clock, 30, "GET /api/v3/ticker/24hr", weight=40)
    assert max(40 * _count_in(times, t, 10_000) for t in times) <= 500


async def test_orders_share_their_own_lower_rate() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, requests_per_s=18, orders_per_s=10)
    times = []
    for _ in range(40):
        await limiter.acquire("POST /api/v3/order", 1, is_order=True)
        times.append(clock.now)
    assert max(_count_in(times, t, 1000) for t in times) <= 10


async def test_a_per_second_cap_limits_the_account_endpoint_to_two_a_second() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock)
    limiter.set_per_second_cap("GET /api/v3/account", 2)
    times = await _scan(limiter, clock, 10, "GET /api/v3/account", weight=10)
    assert max(_count_in(times, t, 1000) for t in times) <= 2


async def test_calls_within_budget_do_not_wait() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, requests_per_s=18)
    await _scan(limiter, clock, 5)
    assert clock.sleeps == []


async def test_calls_are_spread_at_most_a_quarter_of_the_rate_per_250_ms() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, requests_per_s=18)
    times = await _scan(limiter, clock, 60)
    assert max(_count_in(times, t, 250) for t in times) <= 5


async def test_after_a_429_every_call_waits_for_retry_after() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock)
    limiter.backoff(2.5)
    start = clock.now
    await limiter.acquire("GET /api/v3/depth")
    assert clock.now - start >= 2500


async def test_a_long_ban_is_refused_without_sending() -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, max_wait_s=30)
    limiter.backoff(120)
    with pytest.raises(RateLimited) as caught:
        await limiter.acquire("GET /api/v3/depth")
    assert caught.value.retry_after_s == pytest.approx(120)
    assert clock.sleeps == []


def test_429s_without_retry_after_escalate_and_a_success_resets() -> None:
    limiter = RateLimiter(clock=SteppingClock())
    assert [limiter.backoff(None) for _ in range(3)] == [10.0, 20.0, 40.0]
    limiter.succeeded()
    assert limiter.backoff(None) == 10.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([("GET /api/v3/klines", 1), ("GET /api/v3/exchangeInfo", 10),
                                 ("GET /api/v3/myTrades", 10), ("GET /api/v3/order", 2)]),
                min_size=1, max_size=120))
async def test_any_mix_of_calls_stays_inside_every_budget(
        calls: list[tuple[str, int]]) -> None:
    clock = SteppingClock()
    limiter = RateLimiter(clock=clock, requests_per_s=18)
    log: list[tuple[int, str, int]] = []
    for endpoint, weight in calls:
        await limiter.acquire(endpoint, weight)
        log.append((clock.now, endpoint, weight))
    for t, endpoint, _ in log:
        assert sum(1 for u, _, _ in log if t <= u < t + 1000) <= 18
        assert sum(w for u, e, w in log if e == endpoint and t <= u < t + 10_000) <= 500
