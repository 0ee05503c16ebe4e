"""Purchase planning: the scanner's amount and the balance monitor's plan (SPEC §1.1, §1.2).

The 50/50 operation and the USDC top-up are in `mexcore.planning_5050`.

Scanner amount, worked (defaults: small balance 20, 60 % below it, else min(30 %, 50),
never below 6): 15 USDT → 9; 20 → 6; 100 → 30; 500 → 50; 8 → 6 (raised to the minimum);
5 → None (6 is unaffordable).

Balance monitor, worked (defaults: min balance 10, max 100, reserve 2, targets 0.6 / 0.4):
free 52 USDC, no holdings → safe = min(100, 52 − 2) = 50 → BTCUSDC 30, ETHUSDC 20 (each then
rounded down to the lot at its price). With an anti-hype ×2 on BTC: 60 + 20 = 80 > 50 →
both scaled by 50 / 80 → 37.5 + 12.5; the caps and the reserve hold after the multiplier.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

import attrs

from mexcore.allocation import AllocationState, allocation_state
from mexcore.lots import BelowMinimum, size_limit_order
from mexcore.money import ZERO
from mexcore.policies import BalanceMonitorPolicy, ScannerPolicy
from mexcore.values import OrderType, Side, SymbolRules, money


@attrs.frozen
class Skip:
    """Nothing to do, and why."""

    reason: str


def scanner_buy_amount(free_usdt: Decimal, policy: ScannerPolicy) -> Decimal | None:
    """Return the scanner's quote amount for one buy, or None when it is unaffordable.

    60 % of USDT under 20, else min(30 % of USDT, 50); never below 6: 15 → 9, 100 → 30.
    """
    if free_usdt < policy.small_balance:
        amount = free_usdt * policy.small_balance_fraction
    else:
        amount = min(free_usdt * policy.fraction, policy.max_buy)
    amount = max(amount, policy.min_buy)
    return amount if amount <= free_usdt else None


def scanner_min_free(policy: ScannerPolicy) -> Decimal:
    """Return the least free USDT for which `scanner_buy_amount` gives an amount: `min_buy`.

    Any share (a fraction of at most 1) of at least `min_buy` USDT, raised to `min_buy`, fits
    in it; under `min_buy` nothing does: 5.99 → None, 6 → 6 (default policy).
    """
    return policy.min_buy


class FilterVerdict(Protocol):
    """What an anti-hype filter says about a symbol: a multiplier (0 = blocked) and why."""

    @property
    def multiplier(self) -> Decimal: ...

    @property
    def reason(self) -> str: ...


@attrs.frozen
class Verdict:
    """A plain `FilterVerdict` (the default when a symbol has none: ×1)."""

    multiplier: Decimal = money(default=Decimal(1))
    reason: str = "no filter verdict"


@attrs.frozen
class PlannedBuy:
    """One purchase of the plan: `amount` = quantity × price, in `currency`."""

    symbol: str
    amount: Decimal = money()
    quantity: Decimal = money()
    price: Decimal = money()
    currency: str = attrs.field(default="USDC", kw_only=True)
    filter_reason: str = attrs.field(default="", kw_only=True)
    multiplier: Decimal = money(default=Decimal(1), kw_only=True)


@attrs.frozen
class PurchasePlan:
    """The balance monitor's decision: buys, skipped symbols with reasons, and the context."""

    buys: tuple[PlannedBuy, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    safe_amount: Decimal = money(default=ZERO)
    rebalance_mode: bool = False
    lagging: str | None = None
    reason: str = ""

    @property
    def total(self) -> Decimal:
        """Return the sum of the planned amounts."""
        return sum((b.amount for b in self.buys), ZERO)


@attrs.frozen
class MarketInputs:
    """What the plan needs per symbol: prices to buy at and the exchange's rules."""

    prices: Mapping[str, Decimal]
    rules: Mapping[str, SymbolRules]
    verdicts: Mapping[str, FilterVerdict] = attrs.field(factory=dict)


def safe_amount(free: Decimal, minimum: Decimal, cap: Decimal, reserve: Decimal) -> Skip | Decimal:
    """Return min(cap, free − reserve), or a Skip under `minimum` free or nothing spendable.

    free 52, minimum 10, cap 100, reserve 2 → 50; free 9 → Skip; free 10, reserve 20 → Skip.
    """
    if free < minimum:
        return Skip(f"free {free} under the minimum balance {minimum}")
    amount = min(cap, free - reserve)
    if amount <= ZERO:
        return Skip(f"free {free} would not leave the reserve {reserve}")
    return amount


def plan_balance_purchase(
    free_usdc: Decimal,
    held_values: Mapping[str, Decimal],
    market: MarketInputs,
    policy: BalanceMonitorPolicy,
) -> PurchasePlan:
    """Plan the balance monitor's BTC/ETH purchase (see the module docstring).

    `held_values` are the current values per target symbol; multipliers scale before the
    caps and the reserve apply again; if not every symbol reaches its minimums, only the
    lagging one is bought with the whole amount.
    """
    safe = safe_amount(free_usdc, policy.min_balance, policy.max_purchase, policy.reserve)
    if isinstance(safe, Skip):
        return PurchasePlan(reason=safe.reason)
    state = allocation_state(held_values, policy.targets, policy.rebalance_deviation)
    lagging = state.lagging if state.rebalance_mode else None
    shares = {lagging: Decimal(1)} if lagging else dict(policy.targets)
    buys, skipped = _sized_buys(shares, safe, market, policy)
    open_ = [s for s in shares if _verdict(s, market).multiplier > ZERO]
    if len(open_) > 1 and len(buys) < len(open_):
        buys, skipped = _only_lagging(state, open_, safe, market, policy, skipped)
    return PurchasePlan(tuple(buys), tuple(skipped), safe, state.rebalance_mode, state.lagging,
                        "" if buys else "nothing to buy")


def _verdict(symbol: str, market: MarketInputs) -> FilterVerdict:
    return market.verdicts.get(symbol) or Verdict()


def _only_lagging(
    state: AllocationState,
    open_: list[str],
    safe: Decimal,
    market: MarketInputs,
    policy: BalanceMonitorPolicy,
    skipped: list[tuple[str, str]],
) -> tuple[list[PlannedBuy], list[tuple[str, str]]]:
    blocked = [(s, why) for s, why in skipped if s not in open_]
    by_lag = sorted(open_, key=lambda s: state.deviations.get(s, ZERO))
    for one in by_lag:
        buys, more = _sized_buys({one: Decimal(1)}, safe, market, policy)
        if buys:
            note = f"amount covers only one; buying the most lagging that fits, {one}"
            return buys, [*blocked, *more, *((s, note) for s in open_ if s != one)]
    return [], skipped


def scaled_amounts(
    shares: Mapping[str, Decimal], safe: Decimal, multipliers: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Return safe × share × multiplier per symbol, scaled down so the total stays ≤ safe.

    safe 50, shares 0.6 / 0.4, BTC ×2 → 60 + 20 = 80 → × 50/80 → 37.5 + 12.5. Blocked (×0)
    symbols are left out.
    """
    raw = {s: safe * share * multipliers.get(s, Decimal(1)) for s, share in shares.items()}
    raw = {s: a for s, a in raw.items() if a > ZERO}
    total = sum(raw.values(), ZERO)
    scale = min(Decimal(1), safe / total) if total > ZERO else ZERO
    return {s: a * scale for s, a in raw.items()}


def _sized_buys(
    shares: Mapping[str, Decimal],
    safe: Decimal,
    market: MarketInputs,
    policy: BalanceMonitorPolicy,
) -> tuple[list[PlannedBuy], list[tuple[str, str]]]:
    mults = {s: _verdict(s, market).multiplier for s in shares}
    amounts = scaled_amounts(shares, safe, mults)
    skipped = [(s, f"blocked: {_verdict(s, market).reason}") for s in shares if s not in amounts]
    buys: list[PlannedBuy] = []
    for symbol, amount in amounts.items():
        planned = _size_one(symbol, amount, market, policy)
        if isinstance(planned, PlannedBuy):
            buys.append(planned)
        else:
            skipped.append((symbol, planned.reason))
    return buys, skipped


def _size_one(
    symbol: str, amount: Decimal, market: MarketInputs, policy: BalanceMonitorPolicy
) -> PlannedBuy | Skip:
    price, rules = market.prices.get(symbol), market.rules.get(symbol)
    if price is None or rules is None or price <= ZERO:
        return Skip("no price or rules")
    minimum = policy.min_qty.get(symbol, ZERO)
    sized = size_limit_order(rules, Side.BUY, amount / price, price, OrderType.LIMIT_MAKER)
    if isinstance(sized, BelowMinimum):
        return Skip(str(sized))
    assert sized.quantity is not None
    assert sized.price is not None
    if sized.quantity < minimum:
        return Skip(f"quantity {sized.quantity} under the minimum {minimum}")
    verdict = _verdict(symbol, market)
    return PlannedBuy(symbol, sized.quantity * sized.price, sized.quantity, sized.price,
                      currency=rules.quote, filter_reason=verdict.reason,
                      multiplier=verdict.multiplier)
