"""The 50/50 balancer's operation and the USDC top-up from USDT (SPEC §1.2, §1.5).

50/50, worked (defaults: min balance 10, max 100, reserve 20, deviation 0.10, ≥ 5 per asset):
- free 150 USDC, alts 80 / BTC+ETH 20 → safe min(100, 130) = 100, amount min(100, 30 × 0.5)
  = 15 → BUY_BTCETH_USDC: 15 × 0.6 = 9 BTCUSDC, 6 ETHUSDC.
- free 150, alts 20 / majors 80 → BUY_ALTS_USDC 15 → three alts of 5 (15 / 5 = 3 symbols).
- 8 for BTC/ETH → 4.8 / 3.2 would break the 5 minimum → all 8 to BTCUSDC.
USDC top-up, worked: need 30, have 12 USDC, USDCUSDT 1.0002, fee 0.05 % → shortfall 18 →
18 × 1.0002 / (1 − 0.0005) = 18.0126… → rounded UP to the step 1 → spend 19 USDT.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal

import attrs

from mexcore.allocation import Action5050, Decision5050, decide_5050
from mexcore.lots import BelowMinimum, ceil_to_step, round_quote, size_market_buy
from mexcore.money import ONE, ZERO
from mexcore.planning import Skip, safe_amount
from mexcore.policies import Balancer5050Policy
from mexcore.values import SymbolRules, money

SHARE_STEP = Decimal("1E-8")  # a split's parts: MEXC's finest quote precision


@attrs.frozen
class Leg:
    """One market buy of an operation, by quote amount."""

    symbol: str
    quote_amount: Decimal = money()


@attrs.frozen
class Operation5050:
    """A 50/50 operation: the decision, its market buys and the symbols skipped (why)."""

    decision: Decision5050
    legs: tuple[Leg, ...]
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def action(self) -> Action5050:
        """Return BUY_BTCETH_USDC or BUY_ALTS_USDC."""
        return self.decision.action

    @property
    def total(self) -> Decimal:
        """Return the sum of the legs' quote amounts."""
        return sum((leg.quote_amount for leg in self.legs), ZERO)


def plan_5050(
    alts_value: Decimal,
    btceth_value: Decimal,
    free_usdc: Decimal,
    cooldown_ready: bool,
    tradeable: Collection[str],
    policy: Balancer5050Policy,
) -> Operation5050 | Skip:
    """Plan the 50/50 operation after every check (cooldown, balance, reserve, cap, minimums).

    `tradeable` lists the symbols the exchange lets this key trade; the others are skipped.
    """
    if not cooldown_ready:
        return Skip("cooldown not passed")
    safe = safe_amount(free_usdc, policy.min_balance, policy.max_operation, policy.reserve)
    if isinstance(safe, Skip):
        return safe
    decision = decide_5050(alts_value, btceth_value, safe, policy.deviation)
    if decision is None:
        return Skip(f"split within {policy.deviation} of 50/50")
    if decision.amount < policy.min_per_asset:
        return Skip(f"amount {decision.amount:.2f} under {policy.min_per_asset} per asset")
    if decision.action is Action5050.BUY_BTCETH_USDC:
        legs, skipped = btceth_legs(decision.amount, policy, tradeable)
    else:
        legs, skipped = alt_legs(decision.amount, policy, tradeable)
    if not legs:
        return Skip("no tradeable symbol for " + decision.action.value)
    return Operation5050(decision, tuple(legs), tuple(skipped))


def _untradeable(symbols: Collection[str], tradeable: Collection[str]) -> list[tuple[str, str]]:
    return [(s, "not listed or not tradeable by API") for s in symbols if s not in tradeable]


def split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` in proportion to `weights`; the parts sum to exactly `amount`.

    Each part but the last is rounded down to `SHARE_STEP`, the last takes the rest: 97.19 in
    thirds → 32.39666666, 32.39666666, 32.39666668 (not three 32.3966…67 that sum to more).
    """
    total = sum(weights, ZERO)
    parts = [(amount * w / total).quantize(SHARE_STEP, rounding=ROUND_DOWN) for w in weights[:-1]]
    return [*parts, amount - sum(parts, ZERO)]


def btceth_legs(
    amount: Decimal, policy: Balancer5050Policy, tradeable: Collection[str]
) -> tuple[list[Leg], list[tuple[str, str]]]:
    """Split `amount` by the BTC/ETH targets (60/40); if a leg is under the per-asset minimum,
    all of it goes to the largest target: 15 → 9 / 6; 8 → 8 to BTCUSDC.
    """
    targets = {s: t for s, t in policy.btc_eth_targets.items() if s in tradeable}
    skipped = _untradeable(policy.btc_eth_targets, tradeable)
    weight = sum(targets.values(), ZERO)
    if weight <= ZERO:
        return [], skipped
    legs = [Leg(s, part) for s, part in zip(targets, split(amount, list(targets.values())),
                                             strict=True)]
    if any(leg.quote_amount < policy.min_per_asset for leg in legs):
        top = max(targets, key=lambda s: targets[s])
        note = f"amount too small to split; all to {top}"
        return [Leg(top, amount)], [*skipped, *((s, note) for s in targets if s != top)]
    return legs, skipped


def alt_legs(
    amount: Decimal, policy: Balancer5050Policy, tradeable: Collection[str]
) -> tuple[list[Leg], list[tuple[str, str]]]:
    """Split `amount` equally over as many tradeable alts as keep ≥ min_per_asset each.

    100 over five alts → 20 each; 12 → the first two of 6; 7 → the first one of 7.
    """
    open_ = [s for s in policy.alts if s in tradeable]
    skipped = _untradeable(policy.alts, tradeable)
    count = len(open_)
    if policy.min_per_asset > ZERO:
        count = min(count, int(amount // policy.min_per_asset))
    if count <= 0:
        return [], skipped
    note = "amount too small for every alt"
    legs = [Leg(s, part) for s, part in zip(open_[:count], split(amount, [ONE] * count),
                                             strict=True)]
    return legs, [*skipped, *((s, note) for s in open_[count:])]


@attrs.frozen
class TopUp:
    """Buy USDC with `quote_qty` USDT (market, USDCUSDT), expecting `expected_usdc`."""

    quote_qty: Decimal = money()
    expected_usdc: Decimal = money()
    covers: bool = True


def plan_usdc_top_up(
    required_usdc: Decimal,
    balances: Mapping[str, Decimal],
    price: Decimal,
    rules: SymbolRules,
    step: Decimal = Decimal(1),
) -> TopUp | Skip:
    """Return how much USDT to spend on USDC to hold `required_usdc` free, in `step`s.

    `balances` gives free USDC and USDT; `price` is USDCUSDT. The USDT amount covers the
    shortfall after the taker fee, rounded UP to `step`, raised to the market minimum, and
    capped at the free USDT (then `covers` is False). Worked example in the module docstring.
    """
    shortfall = required_usdc - balances.get("USDC", ZERO)
    if shortfall <= ZERO:
        return Skip("enough USDC")
    if price <= ZERO:
        return Skip("no USDCUSDT price")
    wanted = ceil_to_step(shortfall * price / (1 - rules.taker_fee), step)
    wanted = max(wanted, ceil_to_step(rules.min_notional_market, rules.quote_amount_step))
    spend = min(wanted, round_quote(balances.get("USDT", ZERO), rules))
    sized = size_market_buy(rules, spend, price)
    if isinstance(sized, BelowMinimum):
        return Skip(f"free USDT cannot buy USDC: {sized}")
    assert sized.quote_qty is not None
    expected = sized.quote_qty / price * (1 - rules.taker_fee)
    return TopUp(sized.quote_qty, expected, expected >= shortfall)
