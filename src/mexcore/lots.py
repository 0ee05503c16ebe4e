"""Lot sizing: round quantities, prices and quote amounts to a symbol's rules (SPEC §1.9).

Rules of thumb, each with the reason it is safe:
- quantities round DOWN to `qty_step` (never sell or buy more than decided);
- prices round to `price_tick`: buys DOWN, sells UP (never pay more, never take less);
- quote amounts round DOWN to `rules.quote_amount_step` (never spend more than decided);
- an order under a minimum is a typed `BelowMinimum`, never a silent zero;
- an order over the maximum notional is CAPPED to the largest order the exchange accepts
  (it only ever spends or sells less than asked) and flagged `capped=True`.

Worked example, BTCUSDC (qty step 0.000001, tick 0.01, min notional 5):
`size_limit_order(rules, Side.BUY, Decimal("0.0012345678"), Decimal("65000.129"))` →
quantity 0.001234, price 65000.12, notional 80.21014808.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import attrs

from mexcore.money import ZERO
from mexcore.values import OrderRequest, OrderType, Side, SymbolRules, money, optional_money

ZERO_AFTER_ROUNDING = "zero after rounding"
UNDER_MIN_QTY = "under the minimum quantity"
UNDER_MIN_NOTIONAL = "under the minimum order value (limit)"
UNDER_MIN_NOTIONAL_MARKET = "under the minimum order value (market)"
NO_PRICE = "no positive price"


@attrs.frozen
class SizedOrder:
    """An order sized to the rules, ready to send (market buys carry `quote_qty`)."""

    symbol: str
    side: Side
    type: OrderType
    quantity: Decimal | None = optional_money()
    price: Decimal | None = optional_money()
    quote_qty: Decimal | None = optional_money()
    ref_price: Decimal | None = optional_money()
    capped: bool = False

    @property
    def notional(self) -> Decimal:
        """Return the order's value in quote: quote_qty, or quantity × (price or ref price)."""
        if self.quote_qty is not None:
            return self.quote_qty
        price = self.price if self.price is not None else self.ref_price
        return (self.quantity or ZERO) * (price or ZERO)

    def request(self, client_order_id: str) -> OrderRequest:
        """Return the `OrderRequest` to send under `client_order_id`."""
        return OrderRequest(
            symbol=self.symbol, side=self.side, type=self.type,
            client_order_id=client_order_id, quantity=self.quantity,
            quote_qty=self.quote_qty, price=self.price,
        )


@attrs.frozen
class BelowMinimum:
    """An order that must not be sent: `reason` says which rule, `required` vs `got`."""

    symbol: str
    reason: str
    required: Decimal = money(default=ZERO)
    got: Decimal = money(default=ZERO)

    def __str__(self) -> str:
        return f"{self.symbol}: {self.reason} (need {self.required}, got {self.got})"


Sized = SizedOrder | BelowMinimum


def floor_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Round `value` down to a multiple of `step`: floor_to_step(1.23456, 0.001) = 1.234."""
    if step <= ZERO:
        raise ValueError(f"step must be positive, got {step}")
    return (value / step).to_integral_value(ROUND_FLOOR) * step


def ceil_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Round `value` up to a multiple of `step`: ceil_to_step(1.23401, 0.001) = 1.235."""
    if step <= ZERO:
        raise ValueError(f"step must be positive, got {step}")
    return (value / step).to_integral_value(ROUND_CEILING) * step


def round_qty(qty: Decimal, rules: SymbolRules) -> Decimal:
    """Round a base quantity DOWN to `qty_step` (0.0012345678 BTC → 0.001234)."""
    return floor_to_step(qty, rules.qty_step)


def round_price(price: Decimal, side: Side, rules: SymbolRules) -> Decimal:
    """Round a price to `price_tick`: a buy DOWN (65000.129 → 65000.12), a sell UP (→ 65000.13)."""
    if side is Side.BUY:
        return floor_to_step(price, rules.price_tick)
    return ceil_to_step(price, rules.price_tick)


def round_quote(amount: Decimal, rules: SymbolRules) -> Decimal:
    """Round a quote amount DOWN to the quote step (12.3456 USDT at 0.01 → 12.34)."""
    return floor_to_step(amount, rules.quote_amount_step)


def band_limit(side: Side, ref_price: Decimal, rules: SymbolRules) -> Decimal | None:
    """Return the worst allowed price on the tick inside the band, or None without a band.

    PERCENT_PRICE_BY_SIDE: a buy ≤ ref × (1 + bid_multiplier_up), a sell ≥ ref × (1 −
    ask_multiplier_down). Ref 100, multipliers 0.005, tick 0.01: buy ≤ 100.5, sell ≥ 99.5.
    """
    if side is Side.BUY:
        if rules.bid_multiplier_up is None:
            return None
        return floor_to_step(ref_price * (1 + rules.bid_multiplier_up), rules.price_tick)
    if rules.ask_multiplier_down is None:
        return None
    return ceil_to_step(ref_price * (1 - rules.ask_multiplier_down), rules.price_tick)


def within_band(price: Decimal, side: Side, ref_price: Decimal, rules: SymbolRules) -> bool:
    """Tell whether the exchange's price band accepts `price` for `side` around `ref_price`."""
    if side is Side.BUY:
        up = rules.bid_multiplier_up
        return up is None or price <= ref_price * (1 + up)
    down = rules.ask_multiplier_down
    return down is None or price >= ref_price * (1 - down)


def clamp_to_band(price: Decimal, side: Side, ref_price: Decimal, rules: SymbolRules) -> Decimal:
    """Round `price` to the tick for `side`, then pull it inside the band, on a tick.

    Ref 100, band 0.005, tick 0.01: a buy at 101 → 100.5; a sell at 99 → 99.5; 100.2 stays.
    """
    rounded = round_price(price, side, rules)
    limit = band_limit(side, ref_price, rules)
    if limit is None:
        return rounded
    return min(rounded, limit) if side is Side.BUY else max(rounded, limit)


def _cap_qty(qty: Decimal, price: Decimal, cap: Decimal | None, rules: SymbolRules) -> Decimal:
    if cap is None or qty * price <= cap:
        return qty
    return floor_to_step(cap / price, rules.qty_step)


def _check_qty(symbol: str, qty: Decimal, rules: SymbolRules) -> BelowMinimum | None:
    if qty <= ZERO:
        return BelowMinimum(symbol, ZERO_AFTER_ROUNDING, rules.qty_step, qty)
    if qty < rules.min_qty:
        return BelowMinimum(symbol, UNDER_MIN_QTY, rules.min_qty, qty)
    return None


def size_limit_order(
    rules: SymbolRules,
    side: Side,
    qty: Decimal,
    price: Decimal,
    order_type: OrderType = OrderType.LIMIT,
    band_ref: Decimal | None = None,
) -> Sized:
    """Size a LIMIT (or LIMIT_MAKER) order: qty down, price by side, minimums, max cap.

    With `band_ref` the price is also pulled inside the price band (`clamp_to_band`).
    BTCUSDC (step 0.000001, tick 0.01, min 5): BUY 0.00005 @ 65000 → BelowMinimum
    (notional 3.25 < 5).
    """
    if band_ref is None:
        price = round_price(price, side, rules)
    else:
        price = clamp_to_band(price, side, band_ref, rules)
    if price <= ZERO:
        return BelowMinimum(rules.symbol, NO_PRICE, rules.price_tick, price)
    rounded = round_qty(qty, rules)
    capped = _cap_qty(rounded, price, rules.max_notional, rules)
    if problem := _check_qty(rules.symbol, capped, rules):
        return problem
    if capped * price < rules.min_notional:
        return BelowMinimum(rules.symbol, UNDER_MIN_NOTIONAL, rules.min_notional, capped * price)
    return SizedOrder(rules.symbol, side, order_type, quantity=capped, price=price,
                      ref_price=band_ref or price, capped=capped < rounded)


def size_market_buy(
    rules: SymbolRules, quote_qty: Decimal, ref_price: Decimal | None = None
) -> Sized:
    """Size a MARKET buy by quote amount: round down, check the market minimum, cap the max.

    USDT step 0.01, market minimum 1: 12.3456 → quote_qty 12.34; 0.999 → BelowMinimum.
    With `ref_price`, the expected quantity (quote / ref) must reach `min_qty` too.
    """
    rounded = round_quote(quote_qty, rules)
    cap = rules.max_notional_market
    amount = rounded if cap is None else min(rounded, round_quote(cap, rules))
    if amount <= ZERO:
        return BelowMinimum(rules.symbol, ZERO_AFTER_ROUNDING, rules.quote_amount_step, amount)
    if amount < rules.min_notional_market:
        return BelowMinimum(rules.symbol, UNDER_MIN_NOTIONAL_MARKET, rules.min_notional_market,
                            amount)
    if ref_price is not None and amount / ref_price < rules.min_qty:
        return BelowMinimum(rules.symbol, UNDER_MIN_QTY, rules.min_qty, amount / ref_price)
    return SizedOrder(rules.symbol, Side.BUY, OrderType.MARKET, quote_qty=amount,
                      ref_price=ref_price, capped=amount < rounded)


def size_market_sell(rules: SymbolRules, qty: Decimal, ref_price: Decimal) -> Sized:
    """Size a MARKET sell by quantity; `ref_price` estimates the notional for the minimums.

    ETHUSDC (step 0.00001, market minimum 5) at 3000: 0.0016666 → 0.00166 (4.98) → BelowMinimum.
    """
    if ref_price <= ZERO:
        return BelowMinimum(rules.symbol, NO_PRICE, rules.price_tick, ref_price)
    rounded = round_qty(qty, rules)
    capped = _cap_qty(rounded, ref_price, rules.max_notional_market, rules)
    if problem := _check_qty(rules.symbol, capped, rules):
        return problem
    if capped * ref_price < rules.min_notional_market:
        return BelowMinimum(rules.symbol, UNDER_MIN_NOTIONAL_MARKET, rules.min_notional_market,
                            capped * ref_price)
    return SizedOrder(rules.symbol, Side.SELL, OrderType.MARKET, quantity=capped,
                      ref_price=ref_price, capped=capped < rounded)


def coarser_rules(rules: SymbolRules, order: SizedOrder) -> SymbolRules:
    """Return `rules` with one decimal place fewer on what `order` carries (quote or quantity)."""
    if order.quote_qty is not None:
        return attrs.evolve(rules, price_tick=rules.price_tick * 10)
    return attrs.evolve(rules, qty_step=rules.qty_step * 10)


def resize_coarser(order: SizedOrder, rules: SymbolRules) -> Sized:
    """Re-derive an order with one decimal place fewer, for the one retry after a precision error.

    A market buy of 12.34 USDT becomes 12.3; a quantity of 0.001234 BTC becomes 0.00123 (the
    price is kept). The result is checked against the minimums again.
    """
    coarse = coarser_rules(rules, order)
    if order.quote_qty is not None:
        return size_market_buy(coarse, order.quote_qty, order.ref_price)
    qty = order.quantity or ZERO
    if order.type is OrderType.MARKET:
        return size_market_sell(coarse, qty, order.ref_price or ZERO)
    return size_limit_order(coarse, order.side, qty, order.price or ZERO, order.type)
