"""Fees paid in MX are priced in the position's quote through USDT when no direct market exists."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from tests.strategies import money
from tests.unit.services.support import NOW, World, buy_fill, flat, flat_closes, world

from adapters.fake import make_rules
from mexcore.policies import BalanceMonitorPolicy, PnlMonitorPolicy, PortfolioRebalancePolicy
from mexcore.positions import position_from_fills
from mexcore.services.market import MarketView
from mexcore.services.pnl_monitor import PnlMonitor
from mexcore.services.portfolio_rebalance import PortfolioRebalancer
from mexcore.values import Fill, Side, SymbolRules, Ticker24h
from runners.summary import positions_by_symbol

D = Decimal


def _view(prices: dict[str, Decimal]) -> MarketView:
    tickers = {s: Ticker24h(s, p, p, p, p, D(1), D(1)) for s, p in prices.items()}
    rules: dict[str, SymbolRules] = {}
    return MarketView(rules=rules, tickers=tickers, balances={})


def test_the_docstring_example_prices_mx_in_usdc_through_usdt() -> None:
    view = _view({"MXUSDT": D("2.5"), "USDCUSDT": D("0.9990")})
    assert view.price_in("MX", "USDC") == D("2.5") / D("0.9990")
    assert view.price_in("USDC", "USDC") == 1
    assert view.price_in("FOO", "USDC") is None


@given(money("0.0001", "1000", 4), money("0.9", "1.1", 4), money("0.0001", "1000", 4))
def test_a_direct_market_wins_and_the_cross_is_the_ratio_of_usdt_prices(
    mx_usdt: Decimal, usdc_usdt: Decimal, mx_usdc: Decimal
) -> None:
    cross = _view({"MXUSDT": mx_usdt, "USDCUSDT": usdc_usdt})
    direct = _view({"MXUSDT": mx_usdt, "USDCUSDT": usdc_usdt, "MXUSDC": mx_usdc})

    assert cross.price_in("MX", "USDC") == mx_usdt / usdc_usdt
    assert direct.price_in("MX", "USDC") == mx_usdc
    assert cross.fee_prices("USDT") == {"MX": mx_usdt, "USDT": 1, "USDC": usdc_usdt}


def _mx_world(btc_held: str) -> World:
    """BTCUSDC bought with a fee paid in MX; MEXC lists MXUSDT, not MXUSDC."""
    closes = {**flat_closes(("BTCUSDC", "ETHUSDC", "USDCUSDT")), "MXUSDT": flat(2.5)}
    w = world(closes, {"BTC": btc_held}, extra_rules=[make_rules("MX", "USDT", 2, 4)])
    w.store.record_fills([Fill("BTCUSDC", "9", "o9", Side.BUY, D(29000), D("0.0028"), D("81.2"),
                               D("0.01"), fee_asset="MX", is_maker=True,
                               time_ms=NOW - 60_000)])
    return w


async def test_the_pnl_monitor_prices_an_mx_fee_through_usdt_and_sells_at_profit() -> None:
    w = _mx_world("0.0028")
    bm = BalanceMonitorPolicy()
    monitor = PnlMonitor(w.deps, PnlMonitorPolicy(), dict(bm.targets), bm.reserve)

    assert await monitor.tick() >= 1  # a sale: 84.00 − (81.20 + 0.025) ≫ 0.07

    sales = [i for i in w.intents("pnl_monitor") if i.side is Side.SELL]
    assert [(i.symbol, i.quantity) for i in sales] == [("BTCUSDC", D("0.0028"))]


async def test_the_rebalance_and_the_pnl_panel_count_an_mx_fee_at_its_usdt_price() -> None:
    w = _mx_world("0.0028")
    w.exchange.deposit("ETH", "0.008")
    w.store.record_fills([buy_fill("ETHUSDC", "0.008", "1900", trade_id="2")])
    rebalancer = PortfolioRebalancer(w.deps, PortfolioRebalancePolicy(), BalanceMonitorPolicy())

    assert await rebalancer.tick() >= 1  # total PnL known (positive): it rebalances 84/16

    view = await MarketView.load(w.exchange)  # USDCUSDT is 1: MX costs 2.5 USDC
    btc = positions_by_symbol(list(w.store.fills()), view)["BTCUSDC"]
    assert btc == position_from_fills(w.store.fills("BTCUSDC"), "BTC", "USDC", {"MX": D("2.5")})
    assert btc.spent == D("81.225")  # 81.20 and the 0.01 MX fee at 2.5
