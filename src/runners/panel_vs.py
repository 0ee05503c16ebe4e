"""The portfolio read model: what is held, its weights, and the bot next to holding its start."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from mexcore.money import ZERO
from mexcore.panel import Holding, PortfolioView, VsHolding
from mexcore.ports import Store
from mexcore.services.portfolio_record import HeldPortfolio, save_start, saved_start
from mexcore.values import SymbolRules
from runners.benchmarks import buy_quantities, holding_value, target_assets, targets_label


def start_of(store: Store, now: HeldPortfolio) -> HeldPortfolio:
    """Return the saved start; an older journal without one starts `now` (and saves it)."""
    start = saved_start(store)
    if start is None:
        save_start(store, now)
        return now
    return start


def vs_holding(
    start: HeldPortfolio, prices_now: Mapping[str, Decimal], targets: Mapping[str, Decimal],
    rules: Mapping[str, SymbolRules],
) -> VsHolding:
    """Return the bot's start against holding it and against buying the targets with it.

    Buying the targets pays each market's taker fee, as a holder buying at market would.
    """
    weights, fees = target_assets(targets, rules)
    quantities = {a: b.total for a, b in start.balances.items()}
    try:
        bought = (buy_quantities(start.total_usdt, weights, start.asset_prices, fees)
                  if weights else None)
    except ValueError:  # no start price of a target
        bought = None
    return VsHolding(start.time_ms, start.total_usdt, holding_value(quantities, prices_now),
                     None if bought is None else holding_value(bought, prices_now),
                     targets_label(weights) if weights else "")


def portfolio_view(
    now: HeldPortfolio, store: Store, targets: Mapping[str, Decimal],
    rules: Mapping[str, SymbolRules],
) -> PortfolioView:
    """Return the holdings of `now` with their weights and targets, and the bot vs holding."""
    weights = {symbol.removesuffix("USDC"): weight for symbol, weight in targets.items()}
    total = now.total_usdt
    holdings = [Holding(asset, b.free, b.locked, now.value_usdt(asset),
                        now.value_usdt(asset) / total if total else ZERO, weights.get(asset))
                for asset, b in sorted(now.balances.items())]
    return PortfolioView(holdings, total,
                         vs_holding(start_of(store, now), now.asset_prices, targets, rules))
