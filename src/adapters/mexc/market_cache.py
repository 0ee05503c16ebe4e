"""What MEXC's market streams told us: best bid/ask, last price, 1-minute candles, a local book.

Every read answers only while the symbol is fresh (a push arrived within `stale_after_s` and
its connection has not dropped since); otherwise it answers None and the caller asks REST.
The book follows MEXC's recipe (facts sheet §5): buffer the aggregated depth pushes, load a
REST snapshot, apply pushes whose versions run on without a gap; a gap asks for a new snapshot.
"""

from __future__ import annotations

import heapq
import logging
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

import attrs

from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.ws_frames import (
    BookTickerPush,
    DealsPush,
    DepthDiffPush,
    FrameError,
    KlinePush,
    Push,
    decode_push,
)
from mexcore.ports import Clock
from mexcore.values import BookLevel, Candle, OrderBook

log = logging.getLogger("adapters.mexc.ws")

# REST kline intervals and the stream's names for them.
STREAM_INTERVALS = {"1m": "Min1", "5m": "Min5", "15m": "Min15", "30m": "Min30", "60m": "Min60",
                    "4h": "Hour4", "1d": "Day1", "1W": "Week1", "1M": "Month1"}
MAX_CANDLES = 1000  # as many as one REST klines call returns
MAX_BUFFERED = 500  # depth pushes kept while waiting for a snapshot


def market_channels(symbols: Iterable[str], intervals: Sequence[str] = ("1m",),
                    speed: str = "100ms") -> list[str]:
    """Return the channels the cache reads for `symbols`: book ticker, deals, klines, depth.

    `intervals` are REST names (`1m`, `15m`, `60m`, ...); each adds a kline channel.
    """
    unknown = [i for i in intervals if i not in STREAM_INTERVALS]
    if unknown:
        raise ValueError(f"no kline stream for {unknown}; intervals: {' '.join(STREAM_INTERVALS)}")
    channels = []
    for symbol in symbols:
        channels += [f"spot@public.aggre.bookTicker.v3.api.pb@{speed}@{symbol}",
                     f"spot@public.aggre.deals.v3.api.pb@{speed}@{symbol}",
                     *(f"spot@public.kline.v3.api.pb@{symbol}@{STREAM_INTERVALS[i]}"
                       for i in intervals),
                     f"spot@public.aggre.depth.v3.api.pb@{speed}@{symbol}"]
    return channels


class LocalBook:
    """One symbol's book from a REST snapshot and the aggregated depth pushes after it."""

    def __init__(self) -> None:
        self.version: int | None = None  # None: not in sync, a snapshot is wanted
        self.time_ms = 0  # server time of the last snapshot or push applied
        self.gaps = 0
        self.crossed = 0  # times the best bid was found at or above the best ask
        self._bids: dict[Decimal, Decimal] = {}
        self._asks: dict[Decimal, Decimal] = {}
        self._buffer: deque[DepthDiffPush] = deque(maxlen=MAX_BUFFERED)
        self._overlap_ok = False  # the first push after a snapshot may start before it

    @property
    def synced(self) -> bool:
        return self.version is not None

    def on_diff(self, push: DepthDiffPush) -> None:
        """Apply a push in sequence; out of sequence: drop the book and wait for a snapshot."""
        if self.version is None:
            self._buffer.append(push)
        elif push.to_version <= self.version:
            return  # already in the book
        elif push.from_version == self.version + 1 or (
                self._overlap_ok and push.from_version <= self.version + 1):
            self._apply(push)
        else:
            log.info("depth gap on %s: book at %d, push from %d", push.symbol, self.version,
                     push.from_version)
            self.gaps += 1
            self.unsync()
            self._buffer.append(push)

    def unsync(self) -> None:
        """Forget the book (a gap or a dropped connection); the next snapshot rebuilds it."""
        self.version = None
        self._bids.clear()
        self._asks.clear()

    def load(self, last_update_id: int, snapshot: OrderBook) -> bool:
        """Load a snapshot and the buffered pushes after it; False: fetch another one."""
        buffered = [p for p in self._buffer if p.to_version > last_update_id]
        if buffered and buffered[0].from_version > last_update_id + 1:
            # The snapshot is older than the first buffered push, or pushes between them
            # are missing (§5 steps 3 and 5); one right before the first push fits.
            return False
        self._bids = {level.price: level.qty for level in snapshot.bids}
        self._asks = {level.price: level.qty for level in snapshot.asks}
        self.version, self.time_ms = last_update_id, snapshot.time_ms
        self._buffer.clear()
        self._overlap_ok = not buffered
        if buffered:
            self._apply(buffered[0])  # may overlap the snapshot: sizes are absolute
        for push in buffered[1:]:
            self.on_diff(push)
        return self.synced

    def top(self, levels: int) -> tuple[tuple[BookLevel, ...], tuple[BookLevel, ...]] | None:
        """Return the best `levels` bids (highest first) and asks (lowest first).

        None when the book is out of sync, or crossed: a spot book never stays crossed, so a
        change was missed; the book is dropped for a new snapshot.
        """
        if self.version is None:
            return None
        bids = heapq.nlargest(levels, self._bids)
        asks = heapq.nsmallest(levels, self._asks)
        if bids and asks and bids[0] >= asks[0]:
            log.info("depth crossed at version %s: %s >= %s", self.version, bids[0], asks[0])
            self.crossed += 1
            self.unsync()
            return None
        return (tuple(BookLevel(p, self._bids[p]) for p in bids),
                tuple(BookLevel(p, self._asks[p]) for p in asks))

    def _apply(self, push: DepthDiffPush) -> None:
        for side, levels in ((self._bids, push.bids), (self._asks, push.asks)):
            for level in levels:
                if level.qty == 0:
                    side.pop(level.price, None)
                else:
                    side[level.price] = level.qty
        self.version, self.time_ms = push.to_version, max(self.time_ms, push.time_ms)
        self._overlap_ok = False


@attrs.define
class _Candles:
    """One symbol's candles of one interval: completed ones and the forming one."""

    forming: Candle | None = None
    forming_end_ms: int | None = None  # from the push; None: not pushed yet
    completed: deque[Candle] = attrs.Factory(lambda: deque(maxlen=MAX_CANDLES))
    seeded: bool = False  # the completed candles start from a REST history

    def take(self, push: KlinePush) -> None:
        candle, forming = push.candle, self.forming
        if forming is not None and candle.open_time_ms < forming.open_time_ms:
            return  # late push of an older candle
        if forming is not None and candle.open_time_ms > forming.open_time_ms:
            # Completed as of its last push; MEXC pushes about every second (unverified that
            # the final push of a candle holds all its trades).
            self.completed.append(forming)
        self.forming, self.forming_end_ms = candle, push.close_time_ms

    def seed(self, history: Sequence[Candle]) -> None:
        merged = {c.open_time_ms: c for c in history}
        for candle in (*self.completed, *([self.forming] if self.forming else [])):
            known = merged.get(candle.open_time_ms)
            if known is None or candle.volume > known.volume:  # a candle's volume only grows
                merged[candle.open_time_ms] = candle
        ordered = [merged[t] for t in sorted(merged)]
        if self.forming is None or not ordered or ordered[-1].open_time_ms != \
                self.forming.open_time_ms:
            self.forming_end_ms = None  # REST's last candle: its end is not known here
        self.completed.clear()
        self.completed.extend(ordered[:-1])
        self.forming = ordered[-1] if ordered else None
        self.seeded = True

    def last(self, limit: int, server_now_ms: int) -> list[Candle] | None:
        if not self.seeded or self.forming is None or self.forming_end_ms is None:
            return None
        if server_now_ms >= self.forming_end_ms:
            return None  # the candle ended and no push of the next one came yet
        history = [*self.completed, self.forming]
        return history[-limit:] if len(history) >= limit else None


@attrs.define
class _Symbol:
    seen_ms: int | None = None  # receipt time of the last push; None: expired
    server_ms: int = 0  # the server's send time of the last push that had one
    server_seen_ms: int = 0  # receipt time of that push
    bid: BookTickerPush | None = None
    last_price: Decimal | None = None
    last_deal_ms: int = -1
    candles: dict[str, _Candles] = attrs.Factory(dict)  # by the stream's interval name
    book: LocalBook = attrs.Factory(LocalBook)


class MarketCache:
    """The market state the public streams push, read only while fresh."""

    def __init__(self, clock: Clock, stale_after_s: float = 10.0) -> None:
        self.clock = clock
        self.stale_after_ms = round(stale_after_s * 1000)
        self.malformed = 0
        self._symbols: dict[str, _Symbol] = {}
        self._listeners: list[Callable[[], None]] = []

    # --- writing ------------------------------------------------------------------------------

    def on_push(self, wrapper: PushDataV3ApiWrapper) -> None:
        """Take a wrapper from a StreamConnection (unreadable values are counted, skipped)."""
        try:
            push = decode_push(wrapper)
        except FrameError as e:
            self.malformed += 1
            log.warning("market cache skipped a push: %s", e)
            return
        self.apply(push)

    def apply(self, push: Push) -> None:
        """Record one push; tell the listeners when a price changed."""
        symbol = getattr(push, "symbol", None)
        if not isinstance(push, BookTickerPush | DealsPush | KlinePush | DepthDiffPush) \
                or symbol is None:
            return
        state = self._symbols.setdefault(symbol, _Symbol())
        state.seen_ms = self.clock.now_ms()
        if push.time_ms > 0:
            state.server_ms, state.server_seen_ms = push.time_ms, state.seen_ms
        before = (state.last_price, state.bid and (state.bid.bid, state.bid.ask))
        if isinstance(push, BookTickerPush):
            state.bid = push
        elif isinstance(push, DealsPush):
            _take_deals(state, push)
        elif isinstance(push, KlinePush):
            _take_kline(state, push)
        else:
            state.book.on_diff(push)
        if (state.last_price, state.bid and (state.bid.bid, state.bid.ask)) != before:
            self._notify()

    def expire(self, symbols: Iterable[str]) -> None:
        """Stop answering for `symbols` until pushes come again (their connection dropped)."""
        for symbol in symbols:
            state = self._symbols.get(symbol)
            if state is not None:
                state.seen_ms, state.bid = None, None
                state.candles.clear()
                state.last_price, state.last_deal_ms = None, -1
                state.book.unsync()
        self._notify()

    def seed_candles(self, symbol: str, history: Sequence[Candle], interval: str = "1m") -> None:
        """Start the candles of `interval` from a REST history (oldest first, last forming)."""
        state = self._symbols.setdefault(symbol, _Symbol())
        state.candles.setdefault(STREAM_INTERVALS[interval], _Candles()).seed(history)

    def load_snapshot(self, symbol: str, last_update_id: int, snapshot: OrderBook) -> bool:
        """Load a REST depth snapshot into the local book; False: it did not fit, fetch again."""
        return self._symbols.setdefault(symbol, _Symbol()).book.load(last_update_id, snapshot)

    # --- reading ------------------------------------------------------------------------------

    def add_listener(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` after every push that changed a price; return the unsubscriber."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def fresh(self, symbol: str) -> bool:
        """Tell whether a push for `symbol` arrived within `stale_after_s`."""
        state = self._symbols.get(symbol)
        return (state is not None and state.seen_ms is not None
                and self.clock.now_ms() - state.seen_ms <= self.stale_after_ms)

    def all_fresh(self) -> bool:
        """Tell whether every symbol the streams have told of is fresh (and there is one)."""
        return bool(self._symbols) and all(self.fresh(symbol) for symbol in self._symbols)

    def best(self, symbol: str) -> BookTickerPush | None:
        """Return the latest best bid/ask of a fresh symbol."""
        return self._symbols[symbol].bid if self.fresh(symbol) else None

    def last_price(self, symbol: str) -> Decimal | None:
        """Return the last trade price of a fresh symbol (the forming candle's close before)."""
        return self._symbols[symbol].last_price if self.fresh(symbol) else None

    def wants_snapshot(self, symbol: str) -> bool:
        """Tell whether the book of a fresh symbol waits for a REST snapshot."""
        return self.fresh(symbol) and not self._symbols[symbol].book.synced

    def order_book(self, symbol: str, limit: int) -> OrderBook | None:
        """Return the best `limit` levels a side of a fresh, synced book."""
        if not self.fresh(symbol):
            return None
        book = self._symbols[symbol].book
        top = book.top(limit)
        return None if top is None else OrderBook(symbol, *top, book.time_ms)

    def candles(self, symbol: str, limit: int, interval: str = "1m") -> list[Candle] | None:
        """Return the last `limit` candles of `interval`, the forming one last, if all known."""
        state = self._symbols.get(symbol)
        if state is None or not self.fresh(symbol) or interval not in STREAM_INTERVALS:
            return None
        candles = state.candles.get(STREAM_INTERVALS[interval])
        return candles.last(limit, _server_now_ms(state, self.clock.now_ms())) if candles else None

    def _notify(self) -> None:
        for callback in list(self._listeners):
            callback()


def _server_now_ms(state: _Symbol, now_ms: int) -> int:
    """Estimate the server's clock from its last push (the local clock may be skewed)."""
    if state.server_ms <= 0:
        return now_ms
    return state.server_ms + now_ms - state.server_seen_ms


def _take_deals(state: _Symbol, push: DealsPush) -> None:
    for deal in push.deals:
        if deal.time_ms >= state.last_deal_ms:
            state.last_price, state.last_deal_ms = deal.price, deal.time_ms


def _take_kline(state: _Symbol, push: KlinePush) -> None:
    state.candles.setdefault(push.interval, _Candles()).take(push)
    if state.last_deal_ms < 0:
        state.last_price = push.candle.close
