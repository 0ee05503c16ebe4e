"""The start a running bot is compared with: saved once, then valued at today's prices."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from mexcore.money import ZERO
from mexcore.panel import VsHolding
from mexcore.services.market import MarketView
from mexcore.state import Cursors, JsonValue
from runners.benchmarks import buy_quantities, holding_value, targets_label

KEY = "start"


def _prices(view: MarketView, assets: set[str]) -> dict[str, Decimal]:
    prices = {a: view.usdt_price(a) for a in sorted(assets)}
    return {a: p for a, p in prices.items() if p is not None}


def _weights(targets: Mapping[str, Decimal]) -> dict[str, Decimal]:
    return {s.removesuffix("USDC").removesuffix("USDT"): w for s, w in targets.items()}


def _decimals(raw: JsonValue) -> dict[str, Decimal]:
    return {a: Decimal(str(q)) for a, q in raw.items()} if isinstance(raw, dict) else {}


def _start(
    cursors: Cursors, view: MarketView, now_ms: int, assets: set[str]
) -> dict[str, JsonValue]:
    """Return the saved start; save the balances and prices now as the start when none is."""
    start = cursors.get(KEY)
    if isinstance(start, dict):
        return start
    held: dict[str, JsonValue] = {a: str(b.total) for a, b in view.balances.items() if b.total > 0}
    prices: dict[str, JsonValue] = {a: str(p) for a, p in _prices(view, {*held, *assets}).items()}
    saved: dict[str, JsonValue] = {"time_ms": now_ms, "quantities": held, "prices": prices,
                                   "total": str(sum(view.values_usdt().values(), ZERO))}
    cursors.set(KEY, saved)
    return saved


def vs_holding(cursors: Cursors, view: MarketView, now_ms: int,
               targets: Mapping[str, Decimal]) -> VsHolding:
    """Return the bot against holding its start; the first call saves now as the start."""
    weights = _weights(targets)
    start = _start(cursors, view, now_ms, set(weights))
    quantities, start_prices = _decimals(start["quantities"]), _decimals(start["prices"])
    total = Decimal(str(start["total"]))
    now_prices = _prices(view, {*quantities, *weights})
    try:
        bought = buy_quantities(total, weights, start_prices, {}) if weights else None
    except ValueError:
        bought = None
    return VsHolding(int(str(start["time_ms"])), total, holding_value(quantities, now_prices),
                     None if bought is None else holding_value(bought, now_prices),
                     targets_label(weights) if weights else "")
