import logging
from decimal import Decimal

import httpx
import pytest
from tests.unit.mexc.support import (
    KEY,
    SECRET,
    SteppingClock,
    StubMexc,
    make_exchange,
    params_of,
    recorded,
    reply,
    sample,
    timeout,
)

from adapters.mexc.errors import FirewallBlocked, NetworkError, ServerError
from adapters.mexc.ratelimit import RateLimited
from adapters.mexc.signing import sign
from mexcore.errors import ExchangeDataError, MexbotError, SkipSymbol, StopForHuman

ACCOUNT = "/api/v3/account"


@pytest.fixture
def stub() -> StubMexc:
    return StubMexc(SteppingClock())


async def test_signed_call_sends_key_header_and_a_signature_of_the_exact_query(
        stub: StubMexc) -> None:
    stub.on("GET", ACCOUNT, lambda r: reply(sample("account")))
    await make_exchange(stub).balances()
    (request,) = stub.calls("GET", ACCOUNT)
    query = request.url.query.decode()
    unsigned, signature = query.rsplit("&signature=", 1)
    assert request.headers["X-MEXC-APIKEY"] == KEY
    assert signature == sign(SECRET, unsigned)
    assert params_of(request)["recvWindow"] == "5000"


async def test_timestamp_follows_the_server_clock_not_the_local_one(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/time", lambda r: reply({"serverTime": stub.clock.now + 90_000}))
    stub.on("GET", ACCOUNT, lambda r: reply(sample("account")))
    await make_exchange(stub).balances()
    (request,) = stub.calls("GET", ACCOUNT)
    assert int(params_of(request)["timestamp"]) == stub.clock.now + 90_000


async def test_a_700003_answer_resyncs_the_clock_and_the_read_succeeds(stub: StubMexc) -> None:
    skew = {"ms": 0}
    stub.on("GET", "/api/v3/time",
            lambda r: reply({"serverTime": stub.clock.now + skew["ms"]}))

    def account(request: httpx.Request) -> httpx.Response:
        if abs(int(params_of(request)["timestamp"]) - stub.clock.now - skew["ms"]) > 1000:
            return reply(sample("errors.timestamp"), 400)
        return reply(sample("account"))

    stub.on("GET", ACCOUNT, account)
    exchange = make_exchange(stub)
    await exchange.balances()
    skew["ms"] = -20_000
    balances = await exchange.balances()
    assert balances["USDT"].free == Decimal("25789.44")
    assert len(stub.calls("GET", "/api/v3/time")) == 2
    assert exchange.http.offset_ms == -20_000


async def test_reads_are_retried_on_5xx_and_network_errors(stub: StubMexc) -> None:
    good = recorded("/api/v3/depth", "limit=10&symbol=BTCUSDT")
    stub.on("GET", "/api/v3/depth", lambda r: httpx.Response(502, text="<html>Bad Gateway"),
            timeout, lambda r: reply(good))
    book = await make_exchange(stub).order_book("BTCUSDT", 10)
    assert book.best_bid == Decimal("87900.00")
    assert len(stub.calls("GET", "/api/v3/depth")) == 3
    assert len(stub.clock.sleeps) == 2


async def test_reads_give_up_after_the_configured_attempts(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/depth", lambda r: httpx.Response(503))
    with pytest.raises(ServerError):
        await make_exchange(stub, read_attempts=3).order_book("BTCUSDT")
    assert len(stub.calls("GET", "/api/v3/depth")) == 3


async def test_a_429_with_retry_after_pauses_then_retries(stub: StubMexc) -> None:
    good = recorded("/api/v3/depth", "limit=10&symbol=BTCUSDT")
    stub.on("GET", "/api/v3/depth", lambda r: reply({}, 429, {"Retry-After": "3"}),
            lambda r: reply(good))
    await make_exchange(stub).order_book("BTCUSDT")
    first, second = stub.requests[0], stub.requests[1]
    assert (first.url.path, second.url.path) == ("/api/v3/depth", "/api/v3/depth")
    assert sum(stub.clock.sleeps) >= 3


async def test_a_long_ban_stops_every_call_without_sending(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/depth", lambda r: reply({}, 429, {"Retry-After": "600"}))
    exchange = make_exchange(stub)
    with pytest.raises(RateLimited):
        await exchange.order_book("BTCUSDT")
    with pytest.raises(RateLimited) as caught:
        await exchange.candles("BTCUSDT", "5m", 10)
    assert len(stub.requests) == 1
    assert caught.value.retry_after_s is not None
    assert caught.value.retry_after_s > 500


async def test_firewall_html_page_is_a_clear_retry_later_not_retried(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/ticker/24hr",
            lambda r: httpx.Response(403, text="<HTML><HEAD><TITLE>Access Denied</TITLE>"))
    with pytest.raises(FirewallBlocked, match="firewall"):
        await make_exchange(stub).tickers_24h()
    assert len(stub.requests) == 1


async def test_a_non_json_success_body_is_a_data_error(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/klines", lambda r: httpx.Response(200, text="<html>maintenance"))
    with pytest.raises(ExchangeDataError, match="HTTP 200"):
        await make_exchange(stub).candles("BTCUSDT", "15m", 100)


async def test_a_missing_field_is_a_data_error_naming_it(stub: StubMexc) -> None:
    stub.on("GET", ACCOUNT, lambda r: reply({"canTrade": True}))
    with pytest.raises(ExchangeDataError, match="balances"):
        await make_exchange(stub).balances()


async def test_klines_limit_is_capped_at_1000(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/klines", lambda r: reply([]))
    await make_exchange(stub).candles("BTCUSDC", "60m", 5000)
    params = params_of(stub.calls("GET", "/api/v3/klines")[0])
    assert (params["interval"], params["limit"]) == ("60m", "1000")


async def test_invalid_symbol_on_market_data_is_skip_symbol(stub: StubMexc) -> None:
    stub.on("GET", "/api/v3/klines", lambda r: reply(sample("errors.invalid_interval"), 400))
    with pytest.raises(SkipSymbol) as caught:
        await make_exchange(stub).candles("NOPEUSDT", "15m", 10)
    assert caught.value.symbol == "NOPEUSDT"


async def test_signed_call_without_keys_is_refused_locally(stub: StubMexc) -> None:
    with pytest.raises(MexbotError, match="MEXC_API_KEY"):
        await make_exchange(stub, keys=False).balances()
    assert stub.calls("GET", ACCOUNT) == []


async def test_secrets_never_reach_exceptions_or_logs(
        stub: StubMexc, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stub.on("GET", ACCOUNT, lambda r: reply(sample("errors.signature"), 400))
    stub.on("GET", "/api/v3/openOrders", timeout)
    stub.on("GET", "/api/v3/myTrades",
            lambda r: reply({"code": 700008, "msg": f"bad param {r.url.query.decode()}"}, 400))
    exchange = make_exchange(stub)
    errors: list[Exception] = []
    for call in (exchange.balances(), exchange.open_orders("ADAUSDT"),
                 exchange.my_fills("ADAUSDT")):
        with pytest.raises(MexbotError) as caught:
            await call
        errors.append(caught.value)
    assert [type(e) for e in errors] == [StopForHuman, NetworkError, ExchangeDataError]
    signatures = [r.url.query.decode().rsplit("=", 1)[1] for r in stub.requests
                  if b"signature=" in r.url.query]
    texts = [str(e) for e in errors] + [repr(e) for e in errors] + [caplog.text]
    for secret in (KEY, SECRET, *signatures):
        assert all(secret not in text for text in texts)
