"""Portfolio values, weights and the rebalancing decisions (SPEC §1.2, §1.3, §1.5).

Deviations are fractions of the portfolio: 0.10 means ten percentage points.

Worked examples:
- BTCUSDC 70, ETHUSDC 30 (targets 0.6 / 0.4): weights 0.7 / 0.3, deviations +0.1 / −0.1;
  not more than 0.10 → normal mode. BTC 75 / ETH 25 → ETH lags by 0.15 → rebalance mode,
  buy only ETHUSDC.
- 50/50: alts 80, BTC+ETH 20 (total 100, alts share 0.8 > 0.5 + 0.1), safe amount 100 →
  BUY_BTCETH_USDC for min(100, |80 − 50| × 0.5) = 15.
- Hourly rebalance: BTC 80, ETH 20 → sell 20 of BTCUSDC, buy 20 of ETHUSDC.
- Post-sale: 100 USDC freed, 103 free, reserve 2 → 100 split 60 / 40.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum

import attrs

from mexcore.money import ZERO
from mexcore.policies import PortfolioRebalancePolicy
from mexcore.values import Balance, Side, money, money_map

STABLE_AND_MAJORS = frozenset({"USDT", "USDC", "BTC", "ETH"})
HALF = Decimal("0.5")


def asset_values(
    balances: Mapping[str, Balance], prices: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Return total × price per asset; assets without a price are left out (give 1 for cash).

    {BTC: 0.002 total, USDC: 10} at {BTC: 65000, USDC: 1} → {BTC: 130, USDC: 10}.
    """
    return {a: b.total * prices[a] for a, b in balances.items() if a in prices}


def values_by_symbol(
    balances: Mapping[str, Balance], prices: Mapping[str, Decimal], bases: Mapping[str, str]
) -> dict[str, Decimal]:
    """Return the held value per symbol: balance of its base × the symbol's price.

    bases {BTCUSDC: BTC}, 0.002 BTC, price 65000 → {BTCUSDC: 130}; no balance → 0.
    """
    zero = Balance("", ZERO)
    return {
        symbol: balances.get(base, zero).total * prices[symbol]
        for symbol, base in bases.items() if symbol in prices
    }


def weights(values: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Return each value's share of the total (all 0 when the total is 0): 70/30 → 0.7/0.3."""
    total = sum(values.values(), ZERO)
    return {k: (v / total if total > ZERO else ZERO) for k, v in values.items()}


def deviations(values: Mapping[str, Decimal], targets: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Return weight − target per target key: 75/25 against 0.6/0.4 → +0.15 / −0.15."""
    shares = weights({k: values.get(k, ZERO) for k in targets})
    return {k: shares[k] - t for k, t in targets.items()}


@attrs.frozen
class AllocationState:
    """Values, weights and deviations of a target allocation, and whether to rebalance."""

    values: Mapping[str, Decimal] = money_map()
    weights: Mapping[str, Decimal] = money_map()
    deviations: Mapping[str, Decimal] = money_map()
    lagging: str | None = None
    rebalance_mode: bool = False


def allocation_state(
    values: Mapping[str, Decimal], targets: Mapping[str, Decimal], rebalance_deviation: Decimal
) -> AllocationState:
    """Return the allocation state; rebalance mode when some |deviation| > rebalance_deviation.

    An empty portfolio (total 0) is never in rebalance mode: it is bought by the targets.
    The lagging key is the one furthest under its target.
    """
    held = {k: values.get(k, ZERO) for k in targets}
    devs = deviations(held, targets)
    empty = sum((values.get(k, ZERO) for k in targets), ZERO) <= ZERO
    lagging = min(devs, key=lambda k: devs[k]) if devs else None
    mode = not empty and any(abs(d) > rebalance_deviation for d in devs.values())
    return AllocationState(held, weights(held), devs, lagging, mode)


class Action5050(StrEnum):
    BUY_BTCETH_USDC = "BUY_BTCETH_USDC"
    BUY_ALTS_USDC = "BUY_ALTS_USDC"


@attrs.frozen
class Decision5050:
    """Which side of the 50/50 split to buy, for how much, and how far off the split was."""

    action: Action5050
    amount: Decimal = money()
    alts_share: Decimal = money()
    deviation_value: Decimal = money()


def split_alts_majors(values: Mapping[str, Decimal]) -> tuple[Decimal, Decimal]:
    """Return (alts value, BTC+ETH value) from per-asset values; USDT/USDC count for neither."""
    alts = sum((v for a, v in values.items() if a not in STABLE_AND_MAJORS), ZERO)
    majors = values.get("BTC", ZERO) + values.get("ETH", ZERO)
    return alts, majors


def decide_5050(
    alts_value: Decimal, btceth_value: Decimal, safe_amount: Decimal, deviation: Decimal
) -> Decision5050 | None:
    """Decide the 50/50 operation, or None when the split is within `deviation` of 0.5.

    Amount = min(safe_amount, |alts − total / 2| × 0.5): alts 80, majors 20, safe 100 → 15.
    """
    total = alts_value + btceth_value
    if total <= ZERO:
        return None
    share = alts_value / total
    if abs(share - HALF) <= deviation:
        return None
    off = alts_value - total * HALF
    action = Action5050.BUY_BTCETH_USDC if off > ZERO else Action5050.BUY_ALTS_USDC
    amount = max(ZERO, min(safe_amount, abs(off) * HALF))
    return Decision5050(action, amount, share, off)


@attrs.frozen
class RebalanceLeg:
    """One market order of a rebalance: sell or buy `quote_amount` worth of `symbol`."""

    symbol: str
    side: Side
    quote_amount: Decimal = money()


def plan_portfolio_rebalance(
    values: Mapping[str, Decimal], targets: Mapping[str, Decimal], min_leg: Decimal = ZERO
) -> tuple[RebalanceLeg, ...]:
    """Return sells of the overweight excess, then buys of the shortfall, by quote amount.

    Legs under `min_leg` are dropped and buys never exceed what the sells free.
    BTC 80, ETH 20 at 0.6/0.4 → SELL BTCUSDC 20, BUY ETHUSDC 20.
    """
    total = sum((values.get(k, ZERO) for k in targets), ZERO)
    gaps = {k: values.get(k, ZERO) - t * total for k, t in targets.items()}
    sells = [RebalanceLeg(k, Side.SELL, g) for k, g in gaps.items() if g > ZERO and g >= min_leg]
    freed = sum((leg.quote_amount for leg in sells), ZERO)
    buys = _funded_buys({k: -g for k, g in gaps.items() if g < ZERO}, freed, min_leg)
    return (*sells, *buys)


def _funded_buys(
    shortfalls: Mapping[str, Decimal], freed: Decimal, min_leg: Decimal
) -> list[RebalanceLeg]:
    wanted = sum(shortfalls.values(), ZERO)
    scale = min(Decimal(1), freed / wanted) if wanted > ZERO else ZERO
    legs = [RebalanceLeg(k, Side.BUY, s * scale) for k, s in shortfalls.items()]
    return [leg for leg in legs if leg.quote_amount > ZERO and leg.quote_amount >= min_leg]


def rebalance_block_reason(total_pnl: Decimal, policy: PortfolioRebalancePolicy) -> str | None:
    """Return why the hourly rebalance is blocked (negative total PnL), or None if allowed."""
    if total_pnl < ZERO and not policy.allow_negative_pnl:
        return f"total PnL {total_pnl:.2f} is negative and allow_negative_pnl is false"
    return None


def redistribute(
    freed: Decimal, free_balance: Decimal, reserve: Decimal, targets: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Split freed quote (never touching the reserve) by the targets.

    Spend = min(freed, free_balance − reserve) ≥ 0: freed 100, free 103, reserve 2 → 100 →
    {BTCUSDC: 60, ETHUSDC: 40}; freed 100, free 50 → 48 → 28.8 / 19.2.
    """
    spend = max(ZERO, min(freed, free_balance - reserve))
    weight_sum = sum(targets.values(), ZERO)
    if weight_sum <= ZERO:
        return {}
    return {k: spend * t / weight_sum for k, t in targets.items()}


def most_lagging(state: AllocationState, among: Iterable[str]) -> str | None:
    """Return the key of `among` furthest under its target (ties: first given), or None."""
    keys = [k for k in among if k in state.deviations]
    return min(keys, key=lambda k: state.deviations[k]) if keys else None
