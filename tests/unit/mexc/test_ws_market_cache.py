from decimal import Decimal

import pytest
from tests.unit.mexc.support import SteppingClock

from adapters.mexc.market_cache import LocalBook, MarketCache, market_channels
from adapters.mexc.ws_connection import MAX_CHANNELS
from adapters.mexc.ws_frames import BookTickerPush, DealsPush, DepthDiffPush, KlinePush, PublicDeal
from adapters.mexc.ws_pool import chunks
from mexcore.values import BookLevel, Candle, OrderBook, Side

S = "BTCUSDT"


def diff(first: int, last: int, bids: dict[str, str] | None = None,
         asks: dict[str, str] | None = None) -> DepthDiffPush:
    return DepthDiffPush(S, tuple(BookLevel(p, q) for p, q in (bids or {}).items()),
                         tuple(BookLevel(p, q) for p, q in (asks or {}).items()), first, last, 0)


def snapshot(bids: dict[str, str], asks: dict[str, str]) -> OrderBook:
    return OrderBook(S, tuple(BookLevel(p, q) for p, q in bids.items()),
                     tuple(BookLevel(p, q) for p, q in asks.items()))


def prices(levels: tuple[BookLevel, ...]) -> list[tuple[str, str]]:
    return [(str(level.price), str(level.qty)) for level in levels]


def top_bids(book: LocalBook, levels: int) -> tuple[BookLevel, ...]:
    top = book.top(levels)
    assert top is not None
    return top[0]


def test_a_snapshot_then_contiguous_pushes_build_the_book() -> None:
    book = LocalBook()
    book.on_diff(diff(99, 100, bids={"9": "1"}))  # covered by the snapshot: dropped
    book.on_diff(diff(101, 102, bids={"10": "0", "9.5": "3"}, asks={"11": "4"}))
    assert book.load(100, snapshot({"10": "2", "9": "1"}, {"11": "1", "12": "1"}))
    book.on_diff(diff(103, 105, asks={"10.5": "1", "12": "0"}))
    top = book.top(5)
    assert top is not None
    bids, asks = top
    assert prices(bids) == [("9.5", "3"), ("9", "1")]
    assert prices(asks) == [("10.5", "1"), ("11", "4")]
    assert book.version == 105


def test_a_snapshot_older_than_the_first_buffered_push_is_refused() -> None:
    book = LocalBook()
    book.on_diff(diff(200, 201))
    assert not book.load(150, snapshot({"1": "1"}, {}))
    assert not book.synced


def test_a_snapshot_leaving_a_hole_before_the_buffer_is_refused() -> None:
    book = LocalBook()
    book.on_diff(diff(100, 101))
    book.on_diff(diff(105, 106))  # 102..104 never came
    assert not book.load(102, snapshot({"1": "1"}, {}))


def test_a_version_gap_drops_the_book_until_a_new_snapshot() -> None:
    book = LocalBook()
    assert book.load(10, snapshot({"1": "1"}, {"2": "1"}))
    book.on_diff(diff(11, 11, bids={"1.5": "1"}))
    book.on_diff(diff(13, 14, bids={"1.6": "1"}))  # 12 is missing
    assert not book.synced
    assert book.gaps == 1
    assert book.load(13, snapshot({"1.6": "1"}, {"2": "1"}))
    assert book.version == 14


def test_a_repeated_push_is_ignored() -> None:
    book = LocalBook()
    assert book.load(10, snapshot({"1": "1"}, {}))
    book.on_diff(diff(11, 12, bids={"1": "5"}))
    book.on_diff(diff(11, 12, bids={"1": "7"}))
    assert prices(top_bids(book, 1)) == [("1", "5")]
    assert book.synced


def ticker(bid: str, ask: str) -> BookTickerPush:
    return BookTickerPush(S, Decimal(bid), Decimal(1), Decimal(ask), Decimal(1), 0)


def test_reads_answer_only_while_the_symbol_is_fresh() -> None:
    clock = SteppingClock()
    cache = MarketCache(clock, stale_after_s=5)
    assert cache.best(S) is None
    cache.apply(ticker("100", "101"))
    assert cache.best(S) == ticker("100", "101")
    clock.now += 5_001
    assert cache.best(S) is None
    assert not cache.fresh(S)


def test_an_expired_symbol_forgets_prices_and_book_until_pushes_resume() -> None:
    clock = SteppingClock()
    cache = MarketCache(clock)
    cache.apply(DealsPush(S, (PublicDeal(Decimal(5), Decimal(1), Side.BUY, 10),), 0))
    assert cache.load_snapshot(S, 1, snapshot({"4": "1"}, {"6": "1"}))
    cache.expire([S])
    cache.apply(ticker("4", "6"))
    assert cache.fresh(S)
    assert cache.last_price(S) is None
    assert cache.order_book(S, 5) is None
    assert cache.wants_snapshot(S)


def test_the_last_price_is_the_newest_deal() -> None:
    cache = MarketCache(SteppingClock())
    cache.apply(DealsPush(S, (PublicDeal(Decimal(7), Decimal(1), Side.SELL, 20),
                              PublicDeal(Decimal(6), Decimal(1), Side.BUY, 10)), 0))
    cache.apply(DealsPush(S, (PublicDeal(Decimal(5), Decimal(1), Side.BUY, 15),), 0))
    assert cache.last_price(S) == Decimal(7)


def candle(minute: int, close: str, volume: str = "1") -> Candle:
    return Candle(minute * 60_000, close, close, close, close, volume)


def kline(minute: int, close: str, volume: str = "1") -> KlinePush:
    return KlinePush(S, "Min1", candle(minute, close, volume), (minute + 1) * 60_000, 0)


def test_candles_roll_over_and_serve_after_a_rest_seed() -> None:
    clock = SteppingClock(start_ms=12 * 60_000)
    cache = MarketCache(clock)
    cache.apply(kline(12, "5"))
    assert cache.candles(S, 3) is None  # not seeded
    cache.seed_candles(S, [candle(10, "3"), candle(11, "4"), candle(12, "4.5", "0.5")])
    cache.apply(kline(12, "5.5", "2"))
    clock.now = 13 * 60_000
    cache.apply(kline(13, "6"))
    history = cache.candles(S, 3)
    assert history is not None
    assert [(c.open_time_ms // 60_000, str(c.close)) for c in history] == [
        (11, "4"), (12, "5.5"), (13, "6")]
    assert cache.last_price(S) == Decimal(6)  # no deals yet: the forming close
    clock.now = 14 * 60_000
    assert cache.candles(S, 3) is None  # minute 14 began without a push


def test_seeding_keeps_the_fuller_copy_of_a_minute() -> None:
    clock = SteppingClock(start_ms=12 * 60_000)
    cache = MarketCache(clock)
    cache.apply(kline(12, "5", volume="3"))
    cache.seed_candles(S, [candle(11, "4"), candle(12, "4.5", volume="2")])
    history = cache.candles(S, 2)
    assert history is not None
    assert history[-1].volume == Decimal(3)


def test_listeners_hear_price_changes_only_until_they_unsubscribe() -> None:
    cache = MarketCache(SteppingClock())
    calls: list[int] = []
    unsubscribe = cache.add_listener(lambda: calls.append(1))
    cache.apply(ticker("1", "2"))
    cache.apply(ticker("1", "2"))  # unchanged: quiet
    cache.apply(diff(1, 2))  # depth alone moves no price
    unsubscribe()
    cache.apply(ticker("1", "3"))
    assert calls == [1]


def test_the_market_channels_of_thirty_symbols_need_four_connections() -> None:
    channels = market_channels([f"S{i}USDT" for i in range(30)])
    assert len(channels) == 120
    assert len(chunks(channels, MAX_CHANNELS)) == 4
    assert "spot@public.kline.v3.api.pb@S0USDT@Min1" in channels


def test_the_first_push_after_an_unbuffered_snapshot_may_overlap_it() -> None:
    book = LocalBook()
    assert book.load(100, snapshot({"1": "1"}, {"2": "1"}))  # no push buffered yet
    book.on_diff(diff(99, 101, bids={"1.5": "2"}))  # covers the snapshot's version and more
    assert book.synced
    assert book.version == 101
    assert prices(top_bids(book, 5)) == [("1.5", "2"), ("1", "1")]


def test_a_push_that_leaves_the_book_crossed_drops_it_for_a_new_snapshot() -> None:
    book = LocalBook()
    assert book.load(10, snapshot({"10": "1", "9": "1"}, {"11": "1", "12": "1"}))
    book.on_diff(diff(11, 11, bids={"11.5": "1"}))  # a bid above the best ask: a level missed
    assert book.top(5) is None
    assert not book.synced
    assert book.crossed == 1


def test_candles_roll_over_on_the_servers_time_not_the_local_clock() -> None:
    clock = SteppingClock(start_ms=99 * 60_000)  # the local clock runs 87 minutes ahead
    cache = MarketCache(clock)
    push = kline(12, "5")
    cache.apply(KlinePush(S, "Min1", push.candle, push.close_time_ms, 12 * 60_000 + 30_000))
    cache.seed_candles(S, [candle(11, "4"), candle(12, "5")])
    assert cache.candles(S, 2) is not None
    clock.now += 30_000  # the server's minute 13 begins without a push
    assert cache.candles(S, 2) is None


def test_each_streamed_interval_keeps_its_own_candles() -> None:
    quarter = 15 * 60_000
    clock = SteppingClock(start_ms=4 * quarter + 1)
    cache = MarketCache(clock)
    forming = Candle(4 * quarter, "5", "6", "4", "5.5", "10")
    cache.apply(KlinePush(S, "Min15", forming, 5 * quarter, 0))
    cache.seed_candles(S, [Candle(3 * quarter, "4", "5", "3", "5", "9"), forming], "15m")
    assert cache.candles(S, 2, "15m") == [Candle(3 * quarter, "4", "5", "3", "5", "9"), forming]
    assert cache.candles(S, 1, "1m") is None
    assert cache.candles(S, 1, "8h") is None  # no stream for it here


def test_market_channels_add_one_kline_channel_per_interval() -> None:
    channels = market_channels(["BTCUSDT"], intervals=("1m", "15m", "60m"))
    assert [c for c in channels if ".kline." in c] == [
        "spot@public.kline.v3.api.pb@BTCUSDT@Min1", "spot@public.kline.v3.api.pb@BTCUSDT@Min15",
        "spot@public.kline.v3.api.pb@BTCUSDT@Min60"]
    with pytest.raises(ValueError, match="no kline stream"):
        market_channels(["BTCUSDT"], intervals=("1h",))


def test_a_snapshot_just_before_the_first_buffered_push_is_loaded() -> None:
    book = LocalBook()
    book.on_diff(diff(101, 102, bids={"1.5": "1"}))
    assert book.load(100, snapshot({"1": "1"}, {"2": "1"}))
    assert book.version == 102
