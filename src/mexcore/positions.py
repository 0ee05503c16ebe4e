"""Average-cost positions from the account's own fills (SPEC §1.3).

Rules, in the order a fill is applied:
- a BUY adds its quantity and its cost `price × qty + fee` (fee converted to the quote);
- a fee in the BASE asset reduces the quantity instead (on a buy it is taken from what was
  bought; on a sell it leaves the account on top of the sold quantity); the cost stays, so
  the average cost of what remains rises;
- a fee in a THIRD asset (MX) is converted into the quote at `fee_prices[asset]`; a missing
  price raises `MissingFeePrice` (a PnL silently missing a fee would be wrong);
- a SELL realises `proceeds − cost × sold / held` (proceeds net of the fee) and removes that
  share of the cost;
- a SELL of more than is held (the journal starts after older buys) is matched against what is
  held; the excess has no known cost, so it realises nothing: its quantity and proceeds are
  kept apart in `untracked_qty` / `untracked_proceeds`, and the position never goes negative.

Worked example (BTCUSDC, fees in USDC):
    buy 0.010 @ 60000, fee 0.6   → qty 0.010, cost 600.6, avg 60060
    buy 0.010 @ 62000, fee 0.62  → qty 0.020, cost 1221.22, avg 61061
    sell 0.015 @ 65000, fee 0.975 → proceeds 974.025, cost out 915.915, realised 58.11
    left: qty 0.005, cost 305.305; unrealised at 64000 = 320 − 305.305 = 14.695.

Identity (checked by a property test): realised + unrealised(p) = proceeds + value(p) − spent,
where proceeds and spent are the tracked quote flows net of fees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs

from mexcore.errors import MexbotError
from mexcore.money import ZERO
from mexcore.values import Fill, Side, Symbol, money

_NO_PRICES: Mapping[str, Decimal] = MappingProxyType({})


class MissingFeePrice(MexbotError, LookupError):
    """A fee was paid in an asset whose price in the quote currency was not given."""

    def __init__(self, asset: str, quote: str, trade_id: str) -> None:
        super().__init__(f"fee in {asset} (trade {trade_id}) needs a price of {asset} in {quote}")
        self.asset = asset
        self.quote = quote


@attrs.frozen
class Position:
    """One symbol's holding by the average-cost method; money in the quote currency."""

    base: str
    quote: str
    quantity: Decimal = money(default=ZERO)
    cost_basis: Decimal = money(default=ZERO)
    realised_pnl: Decimal = money(default=ZERO)
    fees_paid: Decimal = money(default=ZERO)
    spent: Decimal = money(default=ZERO)
    proceeds: Decimal = money(default=ZERO)
    untracked_qty: Decimal = money(default=ZERO)
    untracked_proceeds: Decimal = money(default=ZERO)

    @property
    def avg_cost(self) -> Decimal:
        """Return cost basis per unit held (0 when nothing is held): 1221.22 / 0.02 = 61061."""
        return self.cost_basis / self.quantity if self.quantity > ZERO else ZERO

    def value(self, price: Decimal) -> Decimal:
        """Return the market value of the held quantity at `price`."""
        return self.quantity * price

    def unrealised(self, price: Decimal) -> Decimal:
        """Return value minus cost basis at `price`: 0.005 × 64000 − 305.305 = 14.695."""
        return self.value(price) - self.cost_basis

    def total_pnl(self, price: Decimal) -> Decimal:
        """Return realised plus unrealised PnL at `price`."""
        return self.realised_pnl + self.unrealised(price)


def third_asset_fee(fill: Fill, base: str, quote: str) -> bool:
    """Tell whether `fill` paid a fee in neither its base nor its quote (MX): it needs a price."""
    return bool(fill.fee) and fill.fee_asset not in (base, quote)


def fee_in_quote(
    fill: Fill, base: str, quote: str, fee_prices: Mapping[str, Decimal] = _NO_PRICES
) -> Decimal:
    """Return the fee of `fill` in the quote currency (a base fee at the fill price).

    0.5 MX at an MX price of 2.4 USDC → 1.2 USDC; 0.00001 BTC on a 60000 fill → 0.6.
    """
    if fill.fee == ZERO or fill.fee_asset == quote:
        return fill.fee
    if fill.fee_asset == base:
        return fill.fee * fill.price
    price = fee_prices.get(fill.fee_asset)
    if price is None:
        raise MissingFeePrice(fill.fee_asset, quote, fill.trade_id)
    return fill.fee * price


def apply_fill(
    position: Position, fill: Fill, fee_prices: Mapping[str, Decimal] = _NO_PRICES
) -> Position:
    """Return `position` after one fill (see the module docstring for the rules)."""
    return apply_fills(position, (fill,), fee_prices)


def apply_fills(
    position: Position, fills: Iterable[Fill], fee_prices: Mapping[str, Decimal] = _NO_PRICES
) -> Position:
    """Return `position` after `fills`, applied in the order given (oldest first).

    Folding a journal in two parts gives exactly the position of folding it at once.
    """
    running = _Running(*attrs.astuple(position, recurse=False))
    for fill in fills:
        running.apply(fill, fee_prices)
    return running.position()


class _Running:
    """A Position being folded: plain attributes, one Position built at the end (fast)."""

    __slots__ = ("base", "cost_basis", "fees_paid", "proceeds", "quantity", "quote",
                 "realised_pnl", "spent", "untracked_proceeds", "untracked_qty")

    def __init__(self, base: str, quote: str, *money_fields: Decimal) -> None:
        self.base, self.quote = base, quote
        (self.quantity, self.cost_basis, self.realised_pnl, self.fees_paid, self.spent,
         self.proceeds, self.untracked_qty, self.untracked_proceeds) = money_fields or (ZERO,) * 8

    def position(self) -> Position:
        return Position(self.base, self.quote, self.quantity, self.cost_basis,
                        self.realised_pnl, self.fees_paid, self.spent, self.proceeds,
                        self.untracked_qty, self.untracked_proceeds)

    def apply(self, fill: Fill, fee_prices: Mapping[str, Decimal]) -> None:
        fee = fee_in_quote(fill, self.base, self.quote, fee_prices)
        base_fee = fill.fee if fill.fee_asset == self.base else ZERO
        self.fees_paid += fee
        if fill.side is Side.BUY:
            self._buy(fill, fee, base_fee)
        else:
            self._sell(fill, fee, base_fee)

    def _buy(self, fill: Fill, fee: Decimal, base_fee: Decimal) -> None:
        cost = fill.price * fill.qty + (ZERO if base_fee else fee)
        self.quantity = max(ZERO, self.quantity + fill.qty - base_fee)
        self.cost_basis += cost
        self.spent += cost

    def _sell(self, fill: Fill, fee: Decimal, base_fee: Decimal) -> None:
        out = fill.qty + base_fee
        matched = min(out, self.quantity)
        net = fill.price * fill.qty - (ZERO if base_fee else fee)
        tracked = net * matched / out if out > ZERO else ZERO
        cost_out = self.cost_basis
        if matched < self.quantity:
            cost_out = self.cost_basis * matched / self.quantity
        self.quantity -= matched
        self.cost_basis -= cost_out
        self.realised_pnl = self.realised_pnl + tracked - cost_out  # same rounding order
        self.proceeds += tracked
        self.untracked_qty = self.untracked_qty + out - matched
        self.untracked_proceeds = self.untracked_proceeds + net - tracked


def position_from_fills(
    fills: Iterable[Fill],
    base: str,
    quote: str,
    fee_prices: Mapping[str, Decimal] = _NO_PRICES,
) -> Position:
    """Return the position built from one symbol's fills, applied oldest first (stable)."""
    running = _Running(base, quote)
    for fill in sorted(fills, key=lambda f: f.time_ms):
        running.apply(fill, fee_prices)
    return running.position()


def positions_from_fills(
    symbols: Iterable[Symbol],
    fills: Iterable[Fill],
    fee_prices: Mapping[str, Mapping[str, Decimal]] | None = None,
) -> dict[str, Position]:
    """Return a position per symbol name; `fee_prices` is keyed by quote, then by fee asset.

    Fills of symbols not listed are ignored; a listed symbol without fills is a flat position.
    """
    by_symbol: dict[str, list[Fill]] = {}
    for fill in fills:
        by_symbol.setdefault(fill.symbol, []).append(fill)
    prices = fee_prices or {}
    return {
        s.name: position_from_fills(by_symbol.get(s.name, ()), s.base, s.quote,
                                    prices.get(s.quote, _NO_PRICES))
        for s in symbols
    }


def merge_fills(journal: Iterable[Fill], exchange: Iterable[Fill]) -> list[Fill]:
    """Return the union of two fill lists without duplicates, oldest first.

    A fill is identified by (symbol, trade_id); the journal's copy wins. Ties in time keep the
    journal's order, then the exchange's.
    """
    seen: dict[tuple[str, str], Fill] = {}
    for fill in (*journal, *exchange):
        seen.setdefault((fill.symbol, fill.trade_id), fill)
    return sorted(seen.values(), key=lambda f: f.time_ms)


def total_unrealised(
    positions: Mapping[str, Position], prices: Mapping[str, Decimal]
) -> Decimal:
    """Return the sum of unrealised PnL over positions whose symbol has a price."""
    return sum(
        (p.unrealised(prices[name]) for name, p in positions.items() if name in prices), ZERO
    )


def total_pnl(positions: Mapping[str, Position], prices: Mapping[str, Decimal]) -> Decimal:
    """Return realised PnL of every position plus unrealised PnL of those with a price."""
    realised = sum((p.realised_pnl for p in positions.values()), ZERO)
    return realised + total_unrealised(positions, prices)


__all__ = [
    "MissingFeePrice", "Position", "apply_fill", "fee_in_quote", "merge_fills",
    "position_from_fills", "positions_from_fills", "total_pnl", "total_unrealised",
]
