"""Order prices and their decisions: maker buys, requotes, profit sells (SPEC §1.3, §1.8).

Worked examples (BTCUSDC, tick 0.01, band 0.5 %):
- book bid 64999.00 / ask 65001.00 → maker buy at 64999.01 (one tick inside the spread);
  bid 64999.99 / ask 65000.00 (one tick wide) → 64999.99 (the best bid).
- placed at t=0, requote_after 30 s, max 3 requotes: t=10 s keep; t=31 s with a new best
  price → requote; t=121 s → cancel (30 s × (3 + 1) is the whole lifetime).
- position 0.001 BTC costing 60.00, last 65000: unrealised 5.00 > 0.07 → sell 0.001 at
  65000 × 0.999 = 64935.00 (rounded up to the tick, inside the band).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import attrs

from mexcore.lots import BelowMinimum, clamp_to_band, round_price, size_limit_order
from mexcore.money import ZERO, format_decimal, format_step
from mexcore.policies import BalanceMonitorPolicy
from mexcore.positions import Position
from mexcore.values import OrderBook, OrderType, Side, SymbolRules, money, optional_money

MAKER_BOOK_LEVELS = 5  # maker pricing reads only the best bid and ask; a short book is cheaper
PNL_STEP = Decimal("0.0001")  # a profit decision compares cents of PnL: shown to 1/100 cent


def maker_buy_price(
    book: OrderBook, rules: SymbolRules, ref_price: Decimal | None = None
) -> Decimal | None:
    """Return a post-only buy price: bid + one tick if the spread allows, else the best bid.

    Never at or above the best ask; inside the band around `ref_price` (default: the mid).
    An empty bid side gives ask − one tick; an empty book gives None.
    """
    bid, ask, tick = book.best_bid, book.best_ask, rules.price_tick
    if bid is None:
        if ask is None:
            return None
        price = ask - tick
    elif ask is None or ask - bid <= tick:
        price = bid
    else:
        price = bid + tick
    price = round_price(price, Side.BUY, rules)
    if ask is not None and price >= ask:
        price = round_price(ask - tick, Side.BUY, rules)
    ref = ref_price if ref_price is not None else _mid(bid, ask)
    price = clamp_to_band(price, Side.BUY, ref, rules)
    return price if price > ZERO else None


def _mid(bid: Decimal | None, ask: Decimal | None) -> Decimal:
    if bid is None or ask is None:
        return bid if bid is not None else ask or ZERO
    return (bid + ask) / 2


class RequoteAction(StrEnum):
    KEEP = "keep"
    REQUOTE = "requote"
    CANCEL = "cancel"


@attrs.frozen
class RequoteDecision:
    """What to do with a resting maker order, at which price, and why."""

    action: RequoteAction
    reason: str
    price: Decimal | None = optional_money()


def requote_decision(
    placed_ms: int,
    now_ms: int,
    requotes_done: int,
    current_price: Decimal,
    new_price: Decimal | None,
    policy: BalanceMonitorPolicy,
) -> RequoteDecision:
    """Decide keep / requote / cancel for an unfilled maker order first placed at `placed_ms`.

    A requote falls due every `requote_after_s`; a due requote at an unchanged (or unknown)
    price is skipped. After `(max_requotes + 1) × requote_after_s` the order is cancelled,
    so an order lives at most 120 s and is re-priced at most 3 times with the defaults.
    """
    period_ms = max(1, policy.requote_after_s * 1000)
    elapsed = now_ms - placed_ms
    if elapsed >= period_ms * (policy.max_requotes + 1):
        return RequoteDecision(RequoteAction.CANCEL, f"unfilled after {elapsed // 1000} s")
    if elapsed // period_ms <= requotes_done or requotes_done >= policy.max_requotes:
        return RequoteDecision(RequoteAction.KEEP, "no requote due")
    if new_price is None or new_price == current_price:
        return RequoteDecision(RequoteAction.KEEP, "still at the best maker price")
    return RequoteDecision(
        RequoteAction.REQUOTE,
        f"requote {requotes_done + 1}/{policy.max_requotes}: {current_price} → {new_price}",
        new_price,
    )


@attrs.frozen
class ProfitSell:
    """Sell `quantity` at limit `price`: the unrealised PnL passed the threshold."""

    quantity: Decimal = money()
    price: Decimal = money()
    unrealised: Decimal = money()
    reason: str = ""
    type: OrderType = OrderType.LIMIT


@attrs.frozen
class Hold:
    """Do not sell, and why."""

    reason: str
    unrealised: Decimal = money(default=ZERO)


def profit_sell_decision(
    position: Position,
    price: Decimal,
    free_qty: Decimal,
    rules: SymbolRules,
    threshold: Decimal,
    factor: Decimal,
) -> ProfitSell | Hold:
    """Sell the free quantity at `price × factor` when unrealised PnL exceeds `threshold`.

    The quantity rounds DOWN to the lot, the price UP to the tick and inside the band around
    `price`; an order under the exchange minimums is a Hold with the minimum as the reason.
    """
    unrealised = position.unrealised(price)
    if position.quantity <= ZERO:
        return Hold("nothing held", unrealised)
    if unrealised <= threshold:
        return Hold(f"unrealised PnL {unrealised:.4f} ≤ threshold {threshold}", unrealised)
    sized = size_limit_order(rules, Side.SELL, free_qty, price * factor, band_ref=price)
    if isinstance(sized, BelowMinimum):
        return Hold(str(sized), unrealised)
    assert sized.quantity is not None
    assert sized.price is not None
    reason = (f"unrealised PnL {format_step(unrealised, PNL_STEP)} > threshold "
              f"{format_decimal(threshold)}; average cost "
              f"{format_step(position.avg_cost, rules.price_tick)}, last {format_decimal(price)}")
    return ProfitSell(sized.quantity, sized.price, unrealised, reason)


def profit_sell_level(position: Position, threshold: Decimal) -> Decimal | None:
    """Return the last price up to which `profit_sell_decision` holds, whatever else is true.

    Unrealised PnL `quantity × price − cost basis` must pass `threshold`, so below
    `(threshold + cost basis) / quantity` the decision is a Hold; None when nothing is held
    (no price sells). Example: 0.01 BTC costing 300 with a 7 USDC threshold → 30700.
    """
    if position.quantity <= ZERO:
        return None
    return (threshold + position.cost_basis) / position.quantity
