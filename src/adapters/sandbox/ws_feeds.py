"""What each subscribed channel pushes: the fake market and account, compared with last time.

A feed is asked for its frames at every push cycle (100 ms) and answers only what changed
since it last answered, as MEXC's aggregated streams do. Versions of the book are a function
of the market's state (`book_version`), so `GET /api/v3/depth` and the diffs agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from adapters.fake import FakeExchange
from adapters.sandbox import ws_pushes as pushes
from adapters.sandbox.ws_channels import KLINE_INTERVALS, Channel
from adapters.sandbox.ws_pushes import ZERO
from mexcore.values import Balance, BookLevel, Candle, Fill, OrderBook, Side

DIFF_LEVELS = 20  # the aggregated depth diffs cover the top 20 levels a side
KLINE_EVERY_S = 1.0  # the forming candle is pushed about every second even when unchanged
_INTERVAL_MS = {"Min1": 60_000, "Min5": 300_000, "Min15": 900_000, "Min30": 1_800_000,
                "Min60": 3_600_000, "Hour4": 14_400_000, "Day1": 86_400_000,
                "Week1": 604_800_000, "Month1": 2_592_000_000}

Feed = Callable[[], list[bytes]]


def book_version(fake: FakeExchange, symbol: str) -> int:
    """Return the version of `symbol`'s book now: it grows with every change of the book."""
    return fake.market.completed(fake.clock.now_ms()) * 1_000_000 + fake.engine.moves


def book_now(fake: FakeExchange, symbol: str, levels: int) -> OrderBook:
    """Return the synthetic book now, read past the port (no request faults fire)."""
    fake.sync()
    return fake.engine.book(symbol, fake.market.completed(fake.clock.now_ms()), levels)


def _sides(book: OrderBook) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
    return {lv.price: lv.qty for lv in book.bids}, {lv.price: lv.qty for lv in book.asks}


def _changed(old: dict[Decimal, Decimal], new: dict[Decimal, Decimal]) -> dict[Decimal, Decimal]:
    gone = {price: ZERO for price in old if price not in new}
    return {**gone, **{p: q for p, q in new.items() if old.get(p) != q}}


class DepthFeed:
    """Aggregated depth diffs with `fromVersion`/`toVersion`; `skip` drops the next N diffs."""

    def __init__(self, fake: FakeExchange, channel: Channel) -> None:
        self._fake, self._channel = fake, channel
        self._book = _sides(book_now(fake, channel.symbol, DIFF_LEVELS))
        self._version = book_version(fake, channel.symbol)
        self.skip = 0

    def __call__(self) -> list[bytes]:
        fake, symbol = self._fake, self._channel.symbol
        version = book_version(fake, symbol)
        if version == self._version:
            return []
        book = _sides(book_now(fake, symbol, DIFF_LEVELS))
        changes = (_changed(self._book[0], book[0]), _changed(self._book[1], book[1]))
        if not (changes[0] or changes[1]):
            return []  # the version moved (another symbol's book): the next diff covers it
        first = self._version + 1
        self._book, self._version = book, version
        if self.skip > 0:  # the fault: this diff is lost, the next one leaves a gap
            self.skip -= 1
            return []
        return [pushes.depth_diff(self._channel.name, symbol, changes, (first, version),
                                  fake.clock.now_ms())]


def book_ticker_feed(fake: FakeExchange, channel: Channel) -> Feed:
    """Push the best bid and ask whenever either changes (at once on subscribing)."""
    last: list[tuple[BookLevel, BookLevel]] = []

    def frames() -> list[bytes]:
        book = book_now(fake, channel.symbol, 1)
        if not (book.bids and book.asks):
            return []
        best = (book.bids[0], book.asks[0])
        if last and last[0] == best:
            return []
        last[:] = [best]
        return [pushes.book_ticker(channel.name, channel.symbol, *best, fake.clock.now_ms())]

    return frames


def limit_depth_feed(fake: FakeExchange, channel: Channel) -> Feed:
    """Push the top N levels, whole, whenever they change (at once on subscribing)."""
    last: list[OrderBook] = []

    def frames() -> list[bytes]:
        book = book_now(fake, channel.symbol, int(channel.param))
        if last and (last[0].bids, last[0].asks) == (book.bids, book.asks):
            return []
        last[:] = [book]
        return [pushes.limit_depth(channel.name, channel.symbol, (book.bids, book.asks),
                                   book_version(fake, channel.symbol), fake.clock.now_ms())]

    return frames


def deals_feed(fake: FakeExchange, channel: Channel) -> Feed:
    """Push a trade at the new last price whenever it moves (buys up, sells down)."""
    symbol = channel.symbol
    last = [fake.last_price(symbol)]

    def frames() -> list[bytes]:
        fake.sync()
        price = fake.last_price(symbol)
        if price == last[0]:
            return []
        side = Side.BUY if price > last[0] else Side.SELL
        last[0] = price
        now = fake.clock.now_ms()
        newest = fake.market.candles(symbol, "1m", 1, fake.market.completed(now))
        qty = newest[-1].volume if newest and newest[-1].volume > ZERO else Decimal(1)
        return [pushes.deals(channel.name, symbol, [(price, qty, side, now)], now)]

    return frames


class KlineFeed:
    """Push the forming candle when it changes, and about every second anyway."""

    def __init__(self, fake: FakeExchange, channel: Channel,
                 timer: Callable[[], float]) -> None:
        self._fake, self._channel, self._timer = fake, channel, timer
        self._interval = (channel.param, _INTERVAL_MS[channel.param])
        self._candle: Candle | None = None
        self._pushed_s = -KLINE_EVERY_S

    def __call__(self) -> list[bytes]:
        fake, channel = self._fake, self._channel
        now = fake.clock.now_ms()
        candles = fake.market.candles(channel.symbol, KLINE_INTERVALS[channel.param], 1,
                                      fake.market.completed(now))
        if not candles:
            return []
        candle, real = candles[-1], self._timer()
        if candle == self._candle and real - self._pushed_s < KLINE_EVERY_S:
            return []
        self._candle, self._pushed_s = candle, real
        return [pushes.kline(channel.name, channel.symbol, candle, self._interval, now)]


def public_feed(fake: FakeExchange, channel: Channel,
                timer: Callable[[], float] = time.monotonic) -> Feed:
    """Return the feed of a public channel."""
    if channel.kind == "depth":
        return DepthFeed(fake, channel)
    if channel.kind == "kline":
        return KlineFeed(fake, channel, timer)
    makers = {"book_ticker": book_ticker_feed, "limit_depth": limit_depth_feed,
              "public_deals": deals_feed}
    return makers[channel.kind](fake, channel)


class AccountFeeds:
    """The private channels of one account: orders, own fills and balances as they change."""

    def __init__(self, fake: FakeExchange) -> None:
        self._fake = fake
        fake.sync()
        self._orders = {cid: (s.status, s.executed_qty) for cid, s in fake.engine.orders.items()}
        self._fills = len(fake.engine.fills)
        self._balances = dict(fake.engine.account.balances())

    def frames(self, channels: dict[str, str]) -> list[bytes]:
        """Return the pushes of what changed, for the subscribed kinds → channel names."""
        fake = self._fake
        fake.sync()
        now = fake.clock.now_ms()
        fills = fake.engine.fills[self._fills:]
        self._fills = len(fake.engine.fills)
        out = [pushes.own_deal(channels["deals"], f, now) for f in fills if "deals" in channels]
        out += self._order_frames(channels.get("orders"), now)
        out += self._account_frames(channels.get("account"), fills, now)
        return out

    def _order_frames(self, channel: str | None, now: int) -> list[bytes]:
        out = []
        for cid, state in self._fake.engine.orders.items():
            seen = (state.status, state.executed_qty)
            if self._orders.get(cid) != seen:
                self._orders[cid] = seen
                if channel is not None:
                    out.append(pushes.order(channel, state.to_order(), now))
        return out

    def _account_frames(self, channel: str | None, fills: list[Fill], now: int) -> list[bytes]:
        balances = dict(self._fake.engine.account.balances())
        before, self._balances = self._balances, balances
        if channel is None:
            return []
        out = []
        for asset in sorted(set(before) | set(balances)):
            old, new = before.get(asset), balances.get(asset, Balance(asset, ZERO, ZERO))
            if old is None or (old.free, old.locked) != (new.free, new.locked):
                change = _change_type(old, new, bool(fills))
                out.append(pushes.account(channel, old, new, change, now))
        return out


def _change_type(old: Balance | None, new: Balance, filled: bool) -> str:
    if filled:
        return "ENTRUST"
    old_locked = ZERO if old is None else old.locked
    if new.locked > old_locked:
        return "ENTRUST_PLACE"
    if new.locked < old_locked:
        return "ENTRUST_CANCEL"
    return "DEPOSIT"
