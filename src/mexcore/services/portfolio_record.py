"""What the bot held: at its start (to compare with holding) and at its last snapshot.

Both are kept in the Store as state values, so a reader of the journal alone (`mexbot status`)
and a panel opened long after the start see the same facts as the running bot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from mexcore.money import ZERO
from mexcore.ports import Store
from mexcore.services.market import STABLES, MarketView
from mexcore.state import Cursors, JsonValue
from mexcore.values import Balance

START, LAST = ("vs_holding", "start"), ("portfolio", "last")


@attrs.frozen
class HeldPortfolio:
    """Balances with the USDT price of each asset and the last price of their markets."""

    time_ms: int
    balances: Mapping[str, Balance]
    asset_prices: Mapping[str, Decimal]  # USDT per unit
    symbol_prices: Mapping[str, Decimal]  # last price of BTCUSDC, ADAUSDT, …
    total_usdt: Decimal

    def value_usdt(self, asset: str) -> Decimal:
        """Return the USDT value of the held `asset` (0 without a price)."""
        balance, price = self.balances.get(asset), self.asset_prices.get(asset)
        return balance.total * price if balance is not None and price is not None else ZERO


def target_bases(targets: Mapping[str, Decimal]) -> list[str]:
    """Return the base assets of the balance target markets: BTCUSDC, ETHUSDC → BTC, ETH."""
    return [s.removesuffix("USDC").removesuffix("USDT") for s in targets]


def held_portfolio(view: MarketView, now_ms: int, assets: Iterable[str] = ()) -> HeldPortfolio:
    """Return what `view` holds now, with prices of the held assets and of `assets`."""
    held = {a: b for a, b in sorted(view.balances.items()) if b.total > 0}
    prices = {a: view.usdt_price(a) for a in sorted({*held, *assets})}
    symbols = {s: view.price(s) for a in held if a not in STABLES
               for s in (f"{a}USDT", f"{a}USDC")}
    return HeldPortfolio(now_ms, held, {a: p for a, p in prices.items() if p is not None},
                         {s: p for s, p in symbols.items() if p is not None},
                         sum(view.values_usdt().values(), ZERO))


def record_portfolio(store: Store, view: MarketView, now_ms: int, assets: Iterable[str]) -> None:
    """Save what is held now as the last portfolio, and as the start when none is saved."""
    held = held_portfolio(view, now_ms, assets)
    Cursors(store, LAST[0]).set(LAST[1], _json(held))
    start = Cursors(store, START[0])
    if start.get(START[1]) is None:
        start.set(START[1], _json(held))


def saved_start(store: Store) -> HeldPortfolio | None:
    """Return the portfolio the bot started with, or None before its first snapshot."""
    return _parsed(Cursors(store, START[0]).get(START[1]))


def saved_last(store: Store) -> HeldPortfolio | None:
    """Return the portfolio of the last snapshot, or None before the first."""
    return _parsed(Cursors(store, LAST[0]).get(LAST[1]))


def save_start(store: Store, held: HeldPortfolio) -> None:
    """Save `held` as the start (a panel read before any snapshot of an older journal)."""
    Cursors(store, START[0]).set(START[1], _json(held))


def _json(held: HeldPortfolio) -> dict[str, JsonValue]:
    return {
        "time_ms": held.time_ms, "total": str(held.total_usdt),
        "quantities": {a: str(b.total) for a, b in held.balances.items()},
        "balances": {a: [str(b.free), str(b.locked)] for a, b in held.balances.items()},
        "prices": {a: str(p) for a, p in held.asset_prices.items()},
        "symbol_prices": {s: str(p) for s, p in held.symbol_prices.items()},
    }


def _decimals(raw: JsonValue) -> dict[str, Decimal]:
    return {k: Decimal(str(v)) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _balances(raw: dict[str, JsonValue]) -> dict[str, Balance]:
    pairs = raw.get("balances")
    if isinstance(pairs, dict):  # free and locked; older records saved the totals only
        return {a: Balance(a, Decimal(str(v[0])), Decimal(str(v[1])))
                for a, v in pairs.items() if isinstance(v, list) and len(v) == 2}
    return {a: Balance(a, q) for a, q in _decimals(raw.get("quantities")).items()}


def _parsed(raw: JsonValue) -> HeldPortfolio | None:
    if not isinstance(raw, dict):
        return None
    return HeldPortfolio(int(str(raw["time_ms"])), _balances(raw), _decimals(raw.get("prices")),
                         _decimals(raw.get("symbol_prices")), Decimal(str(raw["total"])))
