"""StreamingExchange: the same answers from the streams as from REST, for one market state."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.mexc.support import SteppingClock, StubMexc, make_exchange, params_of, reply

from adapters.mexc.market_cache import MarketCache
from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.streaming_exchange import StreamingExchange
from adapters.mexc.ws_frames import parse_wrapper
from adapters.sandbox import render
from mexcore.errors import ExchangeDataError
from mexcore.values import BookLevel, Candle, OrderBook, Ticker24h

S = "BTCUSDT"
MINUTE = 60_000


class Market:
    """One market's state, told both ways: REST answers (the stub) and stream pushes."""

    def __init__(self, clock: SteppingClock) -> None:
        self.clock = clock
        self.bids: dict[Decimal, Decimal] = {Decimal(99): Decimal(1), Decimal(98): Decimal(2)}
        self.asks: dict[Decimal, Decimal] = {Decimal(101): Decimal(1), Decimal(102): Decimal(3)}
        self.version = 1_000
        self.last = Decimal(100)
        self.candles = [Candle(m * MINUTE, "100", "101", "99", "100", "2", "200")
                        for m in range(clock.now // MINUTE - 2, clock.now // MINUTE + 1)]

    def book(self, limit: int) -> OrderBook:
        bids = sorted(self.bids.items(), reverse=True)[:limit]
        asks = sorted(self.asks.items())[:limit]
        return OrderBook(S, tuple(BookLevel(p, q) for p, q in bids),
                         tuple(BookLevel(p, q) for p, q in asks), self.clock.now)

    def serve(self, stub: StubMexc) -> None:
        stub.on("GET", "/api/v3/depth", lambda r: reply(
            render.depth(self.book(int(params_of(r)["limit"])), self.version)))
        stub.on("GET", "/api/v3/ticker/24hr", lambda r: reply([render.ticker(self.ticker(), 0)]))
        stub.on("GET", "/api/v3/klines", lambda r: reply(
            [render.kline(c, "1m") for c in self.candles[-int(params_of(r)["limit"]):]]))

    def ticker(self) -> Ticker24h:
        book = self.book(1)
        return Ticker24h(S, self.last, "90", max(self.last, Decimal(110)),
                         min(self.last, Decimal(80)), "5", "500", book.best_bid, book.best_ask)

    def change(self, bids: dict[Decimal, Decimal], asks: dict[Decimal, Decimal],
               skip: int = 0) -> PushDataV3ApiWrapper:
        """Change levels (qty 0 removes) and return the depth push saying so."""
        wrapper = self._wrapper("spot@public.aggre.depth.v3.api.pb@100ms@BTCUSDT")
        for side, changes, items in ((self.bids, bids, wrapper.publicAggreDepths.bids),
                                     (self.asks, asks, wrapper.publicAggreDepths.asks)):
            for price, qty in changes.items():
                items.add(price=str(price), quantity=str(qty))
                if qty == 0:
                    side.pop(price, None)
                else:
                    side[price] = qty
        wrapper.publicAggreDepths.fromVersion = str(self.version + 1 + skip)
        self.version += 2 + skip
        wrapper.publicAggreDepths.toVersion = str(self.version)
        return wrapper

    def trade(self, price: str) -> list[PushDataV3ApiWrapper]:
        """Trade at `price`: the deal, the forming candle and the best bid/ask pushes."""
        self.last = Decimal(price)
        c = self.candles[-1]
        self.candles[-1] = Candle(c.open_time_ms, c.open, max(c.high, self.last),
                                  min(c.low, self.last), self.last, c.volume + 1, c.quote_volume)
        deals = self._wrapper("spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT")
        deals.publicAggreDeals.deals.add(price=price, quantity="1", tradeType=1,
                                         time=self.clock.now)
        return [deals, self.kline(), self.best()]

    def kline(self) -> PushDataV3ApiWrapper:
        wrapper, c = self._wrapper("spot@public.kline.v3.api.pb@BTCUSDT@Min1"), self.candles[-1]
        k = wrapper.publicSpotKline
        k.interval, k.windowStart = "Min1", c.open_time_ms // 1000
        k.windowEnd = k.windowStart + 60
        k.openingPrice, k.closingPrice = str(c.open), str(c.close)
        k.highestPrice, k.lowestPrice = str(c.high), str(c.low)
        k.volume, k.amount = str(c.volume), str(c.quote_volume)
        return wrapper

    def best(self) -> PushDataV3ApiWrapper:
        wrapper, book = self._wrapper("spot@public.aggre.bookTicker.v3.api.pb@100ms@BTCUSDT"), \
            self.book(1)
        t = wrapper.publicAggreBookTicker
        t.bidPrice, t.bidQuantity = str(book.bids[0].price), str(book.bids[0].qty)
        t.askPrice, t.askQuantity = str(book.asks[0].price), str(book.asks[0].qty)
        return wrapper

    def _wrapper(self, channel: str) -> PushDataV3ApiWrapper:
        return PushDataV3ApiWrapper(channel=channel, symbol=S, sendTime=self.clock.now)


def world() -> tuple[Market, StubMexc, MarketCache, StreamingExchange]:
    clock = SteppingClock(start_ms=1_767_211_140_000)  # a minute's start
    stub = StubMexc(clock)
    market = Market(clock)
    market.serve(stub)
    cache = MarketCache(clock, stale_after_s=5)
    return market, stub, cache, StreamingExchange(make_exchange(stub, keys=False), cache)


def send(cache: MarketCache, *wrappers: PushDataV3ApiWrapper) -> None:
    for wrapper in wrappers:
        cache.on_push(parse_wrapper(wrapper.SerializeToString()))  # over the wire format


def depth_calls(stub: StubMexc) -> list[str]:
    return [params_of(r)["limit"] for r in stub.calls("GET", "/api/v3/depth")]


levels = st.dictionaries(st.integers(90, 110).map(Decimal),
                         st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(4)]), max_size=4)


def sides(book: OrderBook) -> tuple[tuple[BookLevel, ...], tuple[BookLevel, ...]]:
    return book.bids, book.asks


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(levels, levels), min_size=1, max_size=6))
def test_the_local_book_follows_every_change_of_the_market(
        changes: list[tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]]) -> None:
    async def scenario() -> None:
        market, _stub, cache, exchange = world()
        send(cache, market.change({Decimal(97): Decimal(1)}, {}))  # buffered: no book yet
        await exchange.order_book(S, 5)  # the snapshot
        for bids, asks in changes:
            send(cache, market.change({p: q for p, q in bids.items() if p < 100},
                                      {p: q for p, q in asks.items() if p > 100}))
            assert sides(await exchange.order_book(S, 5)) == sides(market.book(5))
        assert exchange.served["rest:snapshot"] == 1
        assert exchange.served["cache:book"] == len(changes)

    asyncio.run(scenario())


async def test_the_local_book_equals_the_rest_book_of_the_same_state() -> None:
    market, _stub, cache, exchange = world()
    send(cache, market.change({Decimal(97): Decimal(1)}, {}))
    assert sides(await exchange.order_book(S, 5)) == sides(await exchange.rest.order_book(S, 5))
    send(cache, market.change({Decimal("98.5"): Decimal(1), Decimal(99): Decimal(0)},
                              {Decimal(101): Decimal("0.25")}))
    streamed = await exchange.order_book(S, 5)
    assert sides(streamed) == sides(await exchange.rest.order_book(S, 5))
    assert exchange.served["cache:book"] == 1


async def test_a_version_gap_makes_the_next_read_snapshot_again() -> None:
    market, stub, cache, exchange = world()
    send(cache, market.change({Decimal(97): Decimal(1)}, {}))
    await exchange.order_book(S, 5)
    send(cache, market.change({Decimal(96): Decimal(1)}, {}, skip=3))  # 3 versions lost
    assert cache.wants_snapshot(S)
    assert sides(await exchange.order_book(S, 5)) == sides(market.book(5))
    send(cache, market.change({Decimal(99): Decimal(0)}, {}))
    assert sides(await exchange.order_book(S, 5)) == sides(market.book(5))
    assert depth_calls(stub) == ["1000", "1000"]
    assert exchange.served["cache:book"] == 1


async def test_a_stale_cache_sends_the_reads_to_rest() -> None:
    market, stub, cache, exchange = world()
    send(cache, market.change({}, {}))
    await exchange.order_book(S, 5)
    send(cache, *market.trade("100.5"))
    market.clock.now += 5_001  # no push for more than stale_after_s
    market.last = Decimal("100.7")
    assert sides(await exchange.order_book(S, 5)) == sides(market.book(5))
    assert (await exchange.tickers_24h())[S] == market.ticker()
    assert depth_calls(stub) == ["1000", "5"]


async def test_stream_tickers_equal_rest_tickers_of_the_same_state() -> None:
    market, stub, cache, exchange = world()
    await exchange.tickers_24h()  # the REST statistics, kept for 30 s
    send(cache, market.change({Decimal("99.5"): Decimal(2)}, {}), *market.trade("99.6"))
    streamed = (await exchange.tickers_24h())[S]
    rest = (await exchange.rest.tickers_24h())[S]
    assert (streamed.last_price, streamed.bid, streamed.ask) == (
        rest.last_price, rest.bid, rest.ask) == (Decimal("99.6"), Decimal("99.5"), Decimal(101))
    assert len(stub.calls("GET", "/api/v3/ticker/24hr")) == 2  # the second by the test
    assert exchange.served == {"rest:tickers": 1, "cache:tickers": 1}


async def test_stream_candles_equal_rest_candles_after_one_seed() -> None:
    market, _stub, cache, exchange = world()
    send(cache, market.kline())
    assert await exchange.candles(S, "1m", 3) == await exchange.rest.candles(S, "1m", 3)
    send(cache, *market.trade("100.9"))
    assert await exchange.candles(S, "1m", 3) == await exchange.rest.candles(S, "1m", 3)
    assert exchange.served == {"rest:candles": 1, "cache:candles": 1}


async def test_other_intervals_and_deep_books_go_to_rest() -> None:
    market, _stub, cache, exchange = world()
    send(cache, market.change({}, {}), market.kline())
    await exchange.order_book(S, 5)
    await exchange.candles(S, "15m", 3)
    assert sides(await exchange.order_book(S, 100)) == sides(market.book(100))
    assert exchange.served["rest:candles"] == 1
    assert exchange.served["rest:book"] == 1


async def test_a_depth_snapshot_without_its_version_is_an_exchange_data_error() -> None:
    market, stub, cache, exchange = world()
    stub.on("GET", "/api/v3/depth", lambda r: httpx.Response(200, json={"bids": [], "asks": []}))
    send(cache, market.change({}, {}))
    with pytest.raises(ExchangeDataError, match="lastUpdateId"):
        await exchange.order_book(S, 5)


async def test_tickers_are_read_from_rest_again_as_soon_as_a_stream_goes_stale() -> None:
    market, stub, cache, exchange = world()
    send(cache, *market.trade("100.5"))
    await exchange.tickers_24h()
    market.clock.now += 5_001  # the stream went quiet: its prices may be old
    market.last = Decimal("100.8")
    assert (await exchange.tickers_24h())[S].last_price == Decimal("100.8")
    assert len(stub.calls("GET", "/api/v3/ticker/24hr")) == 2
