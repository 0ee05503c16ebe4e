"""What MEXC's market streams told us: best bid/ask, last price, 1-minute candles, a local book.

Every read answers only while the symbol is fresh (a push arrived within `stale_after_s` and
its connection has not dropped since); otherwise it answers None and the caller asks REST.
The book follows MEXC's recipe (facts sheet §5): buffer the aggregated depth pushes, load a
REST snapshot, apply pushes whose versions run on without a gap; a gap asks for a new snapshot.
"""

from __future__ import annotations

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

MINUTE_MS = 60_000
MAX_CANDLES = 1000  # as many as one REST klines call returns
MAX_BUFFERED = 500  # depth pushes kept while waiting for a snapshot


def market_channels(symbols: Iterable[str], speed: str = "100ms") -> list[str]:
    """Return the channels the cache reads for `symbols`: book ticker, deals, Min1, depth."""
    channels = []
    for symbol in symbols:
        channels += [f"spot@public.aggre.bookTicker.v3.api.pb@{speed}@{symbol}",
                     f"spot@public.aggre.deals.v3.api.pb@{speed}@{symbol}",
                     f"spot@public.kline.v3.api.pb@{symbol}@Min1",
                     f"spot@public.aggre.depth.v3.api.pb@{speed}@{symbol}"]
    return channels


class LocalBook:
    """One symbol's book from a REST snapshot and the aggregated depth pushes after it."""

    def __init__(self) -> None:
        self.version: int | None = None  # None: not in sync, a snapshot is wanted
        self.time_ms = 0  # server time of the last snapshot or push applied
        self.gaps = 0
        self._bids: dict[Decimal, Decimal] = {}
        self._asks: dict[Decimal, Decimal] = {}
        self._buffer: deque[DepthDiffPush] = deque(maxlen=MAX_BUFFERED)

    @property
    def synced(self) -> bool:
        return self.version is not None

    def on_diff(self, push: DepthDiffPush) -> None:
        """Apply a push in sequence; out of sequence: drop the book and wait for a snapshot."""
        if self.version is None:
            self._buffer.append(push)
        elif push.to_version <= self.version:
            return  # already in the book
        elif push.from_version == self.version + 1:
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
        if self._buffer and last_update_id < self._buffer[0].from_version:
            return False  # the snapshot is older than the first buffered push
        if buffered and buffered[0].from_version > last_update_id + 1:
            return False  # versions between the snapshot and the buffer are missing
        self._bids = {level.price: level.qty for level in snapshot.bids}
        self._asks = {level.price: level.qty for level in snapshot.asks}
        self.version, self.time_ms = last_update_id, snapshot.time_ms
        self._buffer.clear()
        if buffered:
            self._apply(buffered[0])  # may overlap the snapshot: its sizes are absolute
        for push in buffered[1:]:
            self.on_diff(push)
        return self.synced

    def top(self, levels: int) -> tuple[tuple[BookLevel, ...], tuple[BookLevel, ...]]:
        """Return the best `levels` bids (highest first) and asks (lowest first)."""
        bids = sorted(self._bids.items(), reverse=True)[:levels]
        asks = sorted(self._asks.items())[:levels]
        return (tuple(BookLevel(p, q) for p, q in bids), tuple(BookLevel(p, q) for p, q in asks))

    def _apply(self, push: DepthDiffPush) -> None:
        for side, levels in ((self._bids, push.bids), (self._asks, push.asks)):
            for level in levels:
                if level.qty == 0:
                    side.pop(level.price, None)
                else:
                    side[level.price] = level.qty
        self.version, self.time_ms = push.to_version, max(self.time_ms, push.time_ms)


@attrs.define
class _Symbol:
    seen_ms: int | None = None  # receipt time of the last push; None: expired
    bid: BookTickerPush | None = None
    last_price: Decimal | None = None
    last_deal_ms: int = -1
    forming: Candle | None = None
    completed: deque[Candle] = attrs.Factory(lambda: deque(maxlen=MAX_CANDLES))
    seeded: bool = False  # the completed candles start from a REST history
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
                state.seen_ms, state.seeded, state.bid = None, False, None
                state.last_price, state.last_deal_ms = None, -1
                state.book.unsync()
        self._notify()

    def seed_candles(self, symbol: str, history: Sequence[Candle]) -> None:
        """Start the 1-minute candles from a REST history (oldest first, last maybe forming)."""
        state = self._symbols.setdefault(symbol, _Symbol())
        merged = {c.open_time_ms: c for c in history}
        for candle in (*state.completed, *([state.forming] if state.forming else [])):
            known = merged.get(candle.open_time_ms)
            if known is None or candle.volume > known.volume:  # a candle's volume only grows
                merged[candle.open_time_ms] = candle
        ordered = [merged[t] for t in sorted(merged)]
        state.completed.clear()
        state.completed.extend(ordered[:-1])
        state.forming = ordered[-1] if ordered else None
        state.seeded = True

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
        if not self.fresh(symbol) or not self._symbols[symbol].book.synced:
            return None
        book = self._symbols[symbol].book
        bids, asks = book.top(limit)
        return OrderBook(symbol, bids, asks, book.time_ms)

    def candles(self, symbol: str, limit: int) -> list[Candle] | None:
        """Return the last `limit` 1-minute candles, the forming one last, if all are known."""
        state = self._symbols.get(symbol)
        if state is None or not self.fresh(symbol) or not state.seeded or state.forming is None:
            return None
        if self.clock.now_ms() >= state.forming.open_time_ms + MINUTE_MS:
            return None  # the minute rolled over and no push of the new one came yet
        history = [*state.completed, state.forming]
        return history[-limit:] if len(history) >= limit else None

    def _notify(self) -> None:
        for callback in list(self._listeners):
            callback()


def _take_deals(state: _Symbol, push: DealsPush) -> None:
    for deal in push.deals:
        if deal.time_ms >= state.last_deal_ms:
            state.last_price, state.last_deal_ms = deal.price, deal.time_ms


def _take_kline(state: _Symbol, push: KlinePush) -> None:
    if push.interval != "Min1":
        return
    candle, forming = push.candle, state.forming
    if forming is not None and candle.open_time_ms < forming.open_time_ms:
        return  # late push of an older minute
    if forming is not None and candle.open_time_ms > forming.open_time_ms:
        # Completed as of its last push; MEXC pushes about every second (unverified that the
        # final push of a minute holds all its trades).
        state.completed.append(forming)
    state.forming = candle
    if state.last_deal_ms < 0:
        state.last_price = candle.close
