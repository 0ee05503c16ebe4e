"""One symbol's refusal never stops another's sale or buy (issue 13, item 7).

A refused or skipped symbol is warned about once (per symbol and reason), and the runner goes
on to the next symbol; a symbol's `tradeSideType` is respected before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs
import pytest
from tests.unit.services.support import (
    NOW,
    AuditedExchange,
    World,
    buy_fill,
    flat_closes,
    make_market,
    rules_for,
)

from adapters.fake import FakeClock, RecordingNotifier
from adapters.fake.store import InMemoryStore
from mexcore.errors import InsufficientFunds, MexbotError, OrderRejected, SkipSymbol
from mexcore.policies import AltsMonitorPolicy, BalanceMonitorPolicy, PnlMonitorPolicy
from mexcore.services.alts_monitor import AltsMonitor
from mexcore.services.deps import ServiceDeps
from mexcore.services.pnl_monitor import PnlMonitor
from mexcore.values import Order, OrderRequest, Side, TradeSide

D = Decimal
CORE = ("BTCUSDC", "ETHUSDC", "USDCUSDT")
ALTS = ("ADAUSDT", "DOTUSDT", "BTCUSDC", "ETHUSDC", "USDCUSDT")
REFUSALS = [
    OrderRejected("Oversold", 30005),
    InsufficientFunds("Insufficient position", 30004),
    SkipSymbol("X", "trading is disabled on this symbol (30016)"),
]


class RefusingExchange(AuditedExchange):
    """An AuditedExchange that refuses the orders of chosen symbols and sides."""

    refusals: dict[tuple[str, Side], MexbotError]

    def refuse(self, symbol: str, error: MexbotError, *sides: Side) -> None:
        """Refuse every later order on `symbol` (on `sides`, else on both) with `error`."""
        self.refusals.update({(symbol, side): error for side in sides or tuple(Side)})

    async def place_order(self, request: OrderRequest) -> Order:
        refusal = self.refusals.get((request.symbol, request.side))
        if refusal is not None:
            raise refusal
        return await super().place_order(request)


def _world(symbols: tuple[str, ...], balances: Mapping[str, str],
           trade_sides: Mapping[str, TradeSide] | None = None) -> World:
    rules = rules_for(symbols)
    for symbol, side in (trade_sides or {}).items():
        rules[symbol] = attrs.evolve(rules[symbol], trade_side=side)
    clock = FakeClock(NOW)
    exchange = RefusingExchange(clock, make_market(flat_closes(symbols), rules), rules)
    exchange.refusals = {}
    for asset, amount in balances.items():
        exchange.deposit(asset, amount)
    store, notifier = InMemoryStore(), RecordingNotifier()
    exchange.store = store
    return World(clock, exchange, store, notifier,
                 ServiceDeps.build(exchange, store, notifier, clock))


def _holding_btc_and_eth(trade_sides: Mapping[str, TradeSide] | None = None) -> World:
    """Hold 0.001 BTC (bought at 29000) and 0.01 ETH (at 1900): both in profit."""
    w = _world(CORE, {"BTC": "0.001", "ETH": "0.01"}, trade_sides)
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29000", "1"),
                          buy_fill("ETHUSDC", "0.01", "1900", "2")])
    return w


def _pnl(w: World, post_sale_rebalance: bool = False) -> PnlMonitor:
    bm = BalanceMonitorPolicy()
    policy = PnlMonitorPolicy(post_sale_rebalance=post_sale_rebalance)
    return PnlMonitor(w.deps, policy, dict(bm.targets), bm.reserve)


def _refusing(w: World) -> RefusingExchange:
    assert isinstance(w.exchange, RefusingExchange)
    return w.exchange


def _sent(w: World, side: Side) -> list[str]:
    return [o.request.symbol for o in w.exchange.sent if o.request.side is side]


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda e: type(e).__name__)
async def test_a_refused_btc_sale_does_not_stop_the_eth_sale_and_warns_once(
    refusal: MexbotError
) -> None:
    w = _holding_btc_and_eth()
    _refusing(w).refuse("BTCUSDC", refusal)
    monitor = _pnl(w)

    await monitor.tick()
    w.at(60)
    await monitor.tick()

    assert _sent(w, Side.SELL) == ["ETHUSDC"]
    assert w.texts("sale.ETHUSDC")
    [warning] = w.texts("warning.pnl_monitor")
    assert "BTCUSDC" in warning


async def test_the_pnl_monitor_sends_no_sale_on_a_buy_only_symbol() -> None:
    w = _holding_btc_and_eth({"BTCUSDC": TradeSide.BUY_ONLY})
    monitor = _pnl(w)

    await monitor.tick()
    w.at(60)
    await monitor.tick()

    assert _sent(w, Side.SELL) == ["ETHUSDC"]
    assert len(w.texts("warning.pnl_monitor")) == 1


async def test_the_post_sale_rebalance_skips_a_sell_only_symbol_and_buys_the_other() -> None:
    w = _holding_btc_and_eth({"BTCUSDC": TradeSide.SELL_ONLY})
    w.exchange.deposit("USDC", "20")

    await _pnl(w, post_sale_rebalance=True).tick()

    assert sorted(_sent(w, Side.SELL)) == ["BTCUSDC", "ETHUSDC"]
    assert "ETHUSDC" in _sent(w, Side.BUY)
    assert "BTCUSDC" not in _sent(w, Side.BUY)


async def test_a_refused_post_sale_buy_does_not_stop_the_next_buy() -> None:
    w = _holding_btc_and_eth({"ETHUSDC": TradeSide.BUY_ONLY})  # only BTC is sold
    w.exchange.deposit("USDC", "20")
    _refusing(w).refuse("BTCUSDC", OrderRejected("Oversold", 30005), Side.BUY)

    await _pnl(w, post_sale_rebalance=True).tick()

    buys = [i.symbol for i in w.intents("pnl_monitor") if i.side is Side.BUY]
    assert _sent(w, Side.SELL) == ["BTCUSDC"]
    assert buys == ["BTCUSDC", "ETHUSDC"]  # the refused BTC buy, then the ETH one
    assert _sent(w, Side.BUY) == ["ETHUSDC"]
    assert len(w.texts("warning.pnl_monitor")) == 2  # ETH not sellable, BTC buy refused


def _holding_ada_and_dot(trade_sides: Mapping[str, TradeSide] | None = None) -> World:
    """Hold 100 ADA (bought at 0.39) and 10 DOT (at 5.8): both over $0.15 in profit."""
    w = _world(ALTS, {"ADA": "100", "DOT": "10"}, trade_sides)
    w.store.record_fills([buy_fill("ADAUSDT", "100", "0.39", "1"),
                          buy_fill("DOTUSDT", "10", "5.8", "2")])
    return w


def _alts(w: World) -> AltsMonitor:
    return AltsMonitor(w.deps, AltsMonitorPolicy(), PnlMonitorPolicy())


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda e: type(e).__name__)
async def test_a_refused_alt_sale_does_not_stop_the_next_alt_and_warns_once(
    refusal: MexbotError
) -> None:
    w = _holding_ada_and_dot()
    _refusing(w).refuse("ADAUSDT", refusal)
    monitor = _alts(w)

    sales = await monitor.tick()
    w.at(60)
    await monitor.tick()

    assert sales == 1
    assert _sent(w, Side.SELL) == ["DOTUSDT"]
    [warning] = w.texts("warning.alts_monitor")
    assert "ADAUSDT" in warning


@pytest.mark.parametrize("side", [TradeSide.BUY_ONLY, TradeSide.NONE])
async def test_the_alts_monitor_sends_no_sale_where_selling_is_not_allowed(
    side: TradeSide
) -> None:
    w = _holding_ada_and_dot({"ADAUSDT": side})

    assert await _alts(w).tick() == 1

    assert _sent(w, Side.SELL) == ["DOTUSDT"]
