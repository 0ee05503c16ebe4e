"""429 and 418 honour Retry-After in every form and pause every request of the process."""

import asyncio

import httpx
import pytest
from tests.unit.mexc.support import (
    START_MS,
    SteppingClock,
    StubMexc,
    make_exchange,
    params_of,
    recorded,
    reply,
)

from adapters.mexc.errors import parse_retry_after
from adapters.mexc.ratelimit import RateLimited

TICKERS = "/api/v3/ticker/24hr"
THREE_DAYS_S = 3 * 24 * 3600.0


@pytest.fixture
def stub() -> StubMexc:
    return StubMexc(SteppingClock())


def test_retry_after_as_an_http_date_is_the_time_until_that_date() -> None:
    # START_MS is 2025-12-31 19:59:10 UTC
    assert parse_retry_after("Wed, 31 Dec 2025 20:00:00 GMT", START_MS) == 50.0


def test_retry_after_as_an_epoch_in_milliseconds_or_seconds_is_the_time_until_then() -> None:
    assert parse_retry_after(str(START_MS + 7_500), START_MS) == 7.5
    assert parse_retry_after(str(START_MS // 1000 + 20), START_MS) == 20.0


def test_retry_after_in_the_past_means_no_wait_and_a_huge_one_is_capped_at_three_days() -> None:
    assert parse_retry_after("Wed, 31 Dec 2025 19:00:00 GMT", START_MS) == 0.0
    assert parse_retry_after("99999999", START_MS) == THREE_DAYS_S


async def test_a_418_without_retry_after_pauses_at_least_the_shortest_mexc_ban(
        stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/depth", lambda r: reply({"code": 418, "msg": "banned"}, 418))
    exchange = make_exchange(stub, read_attempts=1)
    with pytest.raises(RateLimited) as caught:
        await exchange.order_book("BTCUSDT")
    assert caught.value.retry_after_s is not None
    assert caught.value.retry_after_s >= 120
    assert exchange.http.limiter.paused_for_s >= 120


async def test_a_429_with_an_http_date_pauses_until_that_date(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/depth",
            lambda r: reply({}, 429, {"Retry-After": "Wed, 31 Dec 2025 19:59:30 GMT"}))
    exchange = make_exchange(stub, read_attempts=1)
    with pytest.raises(RateLimited):
        await exchange.order_book("BTCUSDT")
    assert exchange.http.limiter.paused_for_s == pytest.approx(20, abs=0.01)


async def test_a_request_already_let_through_waits_out_a_429_that_arrives_before_it_is_sent(
        stub: StubMexc) -> None:
    """A signed read waiting for its server-time sync must not go out during the pause."""
    gate = asyncio.Event()
    sent_at: dict[str, int] = {}

    async def slow_time(request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return reply({"serverTime": stub.clock.now})

    def account(request: httpx.Request) -> httpx.Response:
        sent_at["account"] = stub.clock.now
        sent_at["timestamp"] = int(params_of(request)["timestamp"])
        return reply({"balances": [], "canTrade": True, "canWithdraw": True,
                      "permissions": ["SPOT"]})

    stub.on("GET", "/api/v3/time", slow_time)  # type: ignore[arg-type]
    stub.on("GET", "/api/v3/account", account)
    stub.on("GET", TICKERS, lambda r: reply({}, 429, {"Retry-After": "5"}))
    exchange = make_exchange(stub, read_attempts=1)
    balances = asyncio.ensure_future(exchange.balances())
    while not stub.calls("GET", "/api/v3/time"):
        await asyncio.sleep(0)
    with pytest.raises(RateLimited):
        await exchange.tickers_24h()
    limited_at = stub.clock.now
    gate.set()
    await balances
    assert sent_at["account"] - limited_at >= 5_000
    assert sent_at["timestamp"] == sent_at["account"]  # stamped after the pause, not before


async def test_a_429_pauses_the_next_call_to_another_endpoint(stub: StubMexc) -> None:
    stub.on("GET", TICKERS, lambda r: reply({}, 429, {"Retry-After": "4"}))
    stub.on("GET", "/api/v3/depth", lambda r: reply(recorded(
        "/api/v3/depth", "limit=10&symbol=BTCUSDT")))
    exchange = make_exchange(stub, read_attempts=1)
    with pytest.raises(RateLimited):
        await exchange.tickers_24h()
    start = stub.clock.now
    await exchange.order_book("BTCUSDT", 10)
    assert stub.clock.now - start >= 4_000
