"""Helpers for the service tests: hand-made markets, a wired world of fakes, journal fills.

A market here is a few symbols of 1-minute candles whose closes the test chooses, so a test can
force exactly the decision it checks (a flat price for exact values, a late drop for a buy
signal, a steady rise for an unfilled maker order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs
import numpy as np

from adapters.fake import FakeClock, MarketData, RecordingNotifier, default_rules
from adapters.fake.series import Floats
from adapters.fake.store import InMemoryStore
from adapters.fake.testing import invariants
from adapters.fake.testing.audit import AuditedExchange as AuditedExchange  # moved to the kit
from adapters.fake.testing.audit import SentOrder as SentOrder
from adapters.fake.testing.audit import is_requote as is_requote
from adapters.fake.testing.audit import request_value as request_value
from adapters.fake.testing.markets import market_from_ohlcv
from mexcore.services.deps import ServiceDeps
from mexcore.values import Fill, OrderIntent, OrderType, Side, SymbolRules

D = Decimal
T0 = 1_700_006_400_000  # a 15-minute boundary
MINUTE_MS = 60_000
MINUTES = 1620  # 27 h: enough 15m candles (100) for every indicator, plus room to move on
NOW_MINUTE = 1560  # the tests start here (a 15-minute boundary), 60 minutes before the end
NOW = T0 + NOW_MINUTE * MINUTE_MS
PRICES = {
    "BTCUSDC": 30000.0, "ETHUSDC": 2000.0, "USDCUSDT": 1.0, "BTCUSDT": 30000.0,
    "ETHUSDT": 2000.0, "ADAUSDT": 0.4, "ADAUSDC": 0.4, "DOTUSDT": 6.0, "DOTUSDC": 6.0,
    "LINKUSDT": 7.0, "LINKUSDC": 7.0, "AVAXUSDT": 18.0, "AVAXUSDC": 18.0, "MATICUSDC": 1.0,
    "SOLUSDT": 22.0, "XRPUSDT": 0.5,
}
VOLUME_QUOTE = 2000.0  # quote units traded per minute (2.88 M a day: liquid)
RESERVES = {"balance_monitor": D(2), "balancer_5050": D(20)}


def flat(price: float, minutes: int = MINUTES) -> Floats:
    """Return closes that never move: exact values, RSI undefined or neutral, no signal."""
    return np.full(minutes, price)


def wiggle(price: float, tick: float, minutes: int = MINUTES) -> Floats:
    """Return closes alternating between `price` and `price + tick` (RSI about 50)."""
    return np.asarray(price + tick * (np.arange(minutes) % 2), dtype=np.float64)


def late_drop(price: float, tick: float, drop: float, minutes: int = MINUTES) -> Floats:
    """Return a wiggle that falls by `drop` (0.03 = 3 %) over the 15 minutes before NOW.

    On 15m candles this reads as RSI oversold and a close under the lower Bollinger band.
    """
    closes = wiggle(price, tick, minutes)
    fall = np.linspace(0.0, drop, 15)
    closes[NOW_MINUTE - 15:NOW_MINUTE] = price * (1 - fall)
    closes[NOW_MINUTE:] = price * (1 - drop)
    return closes


def rising(price: float, step: float, from_minute: int, minutes: int = MINUTES) -> Floats:
    """Return flat closes that rise by `step` every minute from `from_minute` on."""
    closes = flat(price, minutes)
    closes[from_minute:] = price + step * np.arange(1, minutes - from_minute + 1)
    return closes


def rows(closes: Floats, volumes: Floats) -> Floats:
    """Return (n, 6) candle rows: each opens at the previous close, no wicks."""
    opens = np.concatenate(([closes[0]], closes[:-1]))
    return np.column_stack((opens, np.maximum(opens, closes), np.minimum(opens, closes),
                            closes, volumes, np.full(len(closes), np.nan)))


def rules_for(symbols: Iterable[str], extra: Sequence[SymbolRules] = ()) -> dict[str, SymbolRules]:
    """Return the default rules of `symbols`, plus `extra` rules of made-up markets."""
    table = default_rules()
    chosen = {s: table[s] for s in symbols if s in table}
    chosen.update({r.symbol: r for r in extra})
    return chosen


def make_market(
    closes: Mapping[str, Floats],
    rules: Mapping[str, SymbolRules],
    volumes: Mapping[str, Floats] | None = None,
) -> MarketData:
    """Build MarketData from closes per symbol (volume: VOLUME_QUOTE a minute unless given)."""
    volumes = volumes or {}
    table = {s: rows(c, volumes.get(s, VOLUME_QUOTE / c)).tolist() for s, c in closes.items()}
    return market_from_ohlcv(table, T0, rules)


def flat_closes(symbols: Iterable[str]) -> dict[str, Floats]:
    """Return flat closes at the PRICES of `symbols`."""
    return {s: flat(PRICES[s]) for s in symbols}


@attrs.define
class World:
    """One bot's fakes, wired: clock, exchange, store, notifier and the service deps."""

    clock: FakeClock
    exchange: AuditedExchange
    store: InMemoryStore
    notifier: RecordingNotifier
    deps: ServiceDeps

    def at(self, seconds_after_now: float) -> None:
        """Move the clock to NOW + `seconds_after_now`."""
        self.clock.advance_to(NOW + round(seconds_after_now * 1000))

    def intents(self, runner: str | None = None) -> list[OrderIntent]:
        """Return the journaled intents (of one runner), oldest first."""
        return [i for i in self.store.intents() if runner is None or i.runner == runner]

    def free(self, asset: str) -> Decimal:
        """Return the free balance of `asset` on the exchange now."""
        self.exchange.sync()
        return self.exchange.engine.account.free(asset)

    def texts(self, topic: str) -> list[str]:
        """Return the notifications sent on `topic`."""
        return self.notifier.texts(topic)


def world(
    closes: Mapping[str, Floats],
    balances: Mapping[str, str | int] | None = None,
    extra_rules: Sequence[SymbolRules] = (),
    volumes: Mapping[str, Floats] | None = None,
    exchange_class: type[AuditedExchange] = AuditedExchange,
) -> World:
    """Wire fakes over a hand-made market, at NOW, with `balances` deposited."""
    rules = rules_for(closes, extra_rules)
    clock = FakeClock(NOW)
    exchange = exchange_class(clock, make_market(closes, rules, volumes), rules)
    for asset, amount in (balances or {}).items():
        exchange.deposit(asset, amount)
    store, notifier = InMemoryStore(), RecordingNotifier()
    exchange.store = store
    return World(clock, exchange, store, notifier,
                 ServiceDeps.build(exchange, store, notifier, clock))


def buy_fill(symbol: str, qty: str, price: str, trade_id: str = "1", fee: str = "0") -> Fill:
    """Return a taker BUY fill journaled an hour before NOW, fee in the quote (USDC/USDT)."""
    quote = symbol[-4:]
    return Fill(symbol, trade_id, f"o{trade_id}", Side.BUY, D(price), D(qty),
                D(price) * D(qty), D(fee), fee_asset=quote, is_maker=False,
                time_ms=NOW - 3_600_000)


def order_value(intent: OrderIntent) -> Decimal:
    """Return what an order may spend: its quote amount, or quantity × limit price."""
    if intent.quote_qty is not None:
        return intent.quote_qty
    assert intent.quantity is not None
    assert intent.price is not None
    return intent.quantity * intent.price


def buys(intents: Iterable[OrderIntent], symbol: str | None = None) -> list[OrderIntent]:
    """Return the BUY intents (of one symbol)."""
    return [i for i in intents if i.side is Side.BUY and symbol in (None, i.symbol)]


def broken_reserves(
    sent: Iterable[SentOrder], reserves: Mapping[str, Decimal] = RESERVES
) -> list[str]:
    """Return each purchase decision whose USDC orders left less than its runner's reserve."""
    return invariants.broken_reserves(sent, reserves, "USDC")


def is_maker(intent: OrderIntent) -> bool:
    """Tell whether an intent was a post-only LIMIT_MAKER order."""
    return intent.type is OrderType.LIMIT_MAKER
