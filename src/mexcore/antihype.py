"""Anti-hype filters (SPEC §1.7): block or damp a buy after a pump, boost it after a dip.

The checks run in order and the first that applies decides:

1. block (multiplier 0): 24 h change > `block_change_24h` (+15 %), or last-hour change >
   `block_change_1h` (+8 %), or RSI > `block_rsi` (80);
2. damp (`damp_multiplier`, 0.5): 24 h change ≥ `damp_change_24h` (+5 %);
3. dip (`dip_multiplier`, 2, the DCA boost): last price ≥ `dip_from_high` (5 %) under the
   24 h high and RSI < `dip_rsi` (35);
4. otherwise 1.

The rebalance variant is milder: it blocks only when the 24 h change > `rebalance_block_change_24h`
(+25 %); what would block a normal buy only damps a rebalance purchase. An unknown input
(`None`: too few candles) never triggers a rule.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from mexcore.money import ONE, ZERO, to_decimal
from mexcore.policies import AntiHypePolicy
from mexcore.values import Ticker24h

_PCT_PLACES = Decimal("0.01")


@attrs.frozen
class FilterResult:
    """What a filter says about a buy: a multiplier for its amount (0 = blocked) and why."""

    multiplier: Decimal = attrs.field(converter=to_decimal)
    reason: str

    @property
    def blocked(self) -> bool:
        return self.multiplier == ZERO


@attrs.frozen
class AntiHypeInputs:
    """What the filters read: the 24 h ticker, the last-hour change and the RSI."""

    change_24h: Decimal
    from_high: Decimal
    change_1h: Decimal | None
    rsi: Decimal | None

    @classmethod
    def of(cls, ticker: Ticker24h, change_1h: Decimal | None,
           rsi: Decimal | None) -> AntiHypeInputs:
        """Read the 24 h change and the drop from the 24 h high off the ticker.

        last 95, high 100: from_high = (100 - 95) / 100 = Decimal('0.05').
        """
        high = ticker.high
        from_high = (high - ticker.last_price) / high if high > ZERO else ZERO
        return cls(ticker.change_pct, from_high, change_1h, rsi)


def _pct(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(_PCT_PLACES):+}%"


def _block_reason(inputs: AntiHypeInputs, policy: AntiHypePolicy) -> str | None:
    if inputs.change_24h > policy.block_change_24h:
        return f"24h change {_pct(inputs.change_24h)} > {_pct(policy.block_change_24h)}"
    if inputs.change_1h is not None and inputs.change_1h > policy.block_change_1h:
        return f"1h change {_pct(inputs.change_1h)} > {_pct(policy.block_change_1h)}"
    if inputs.rsi is not None and inputs.rsi > policy.block_rsi:
        return f"RSI {inputs.rsi} > {policy.block_rsi}"
    return None


def _damp_reason(inputs: AntiHypeInputs, policy: AntiHypePolicy) -> str | None:
    if inputs.change_24h >= policy.damp_change_24h:
        return f"24h change {_pct(inputs.change_24h)} ≥ {_pct(policy.damp_change_24h)}"
    return None


def _dip_reason(inputs: AntiHypeInputs, policy: AntiHypePolicy) -> str | None:
    if inputs.rsi is None or inputs.from_high < policy.dip_from_high:
        return None
    if inputs.rsi >= policy.dip_rsi:
        return None
    return (f"price {_pct(-inputs.from_high)} from 24h high and RSI {inputs.rsi} "
            f"< {policy.dip_rsi}")


def _after_block(inputs: AntiHypeInputs, policy: AntiHypePolicy) -> FilterResult:
    damp = _damp_reason(inputs, policy)
    if damp is not None:
        return FilterResult(policy.damp_multiplier, f"hype: {damp}, ×{policy.damp_multiplier}")
    dip = _dip_reason(inputs, policy)
    if dip is not None:
        return FilterResult(policy.dip_multiplier, f"dip: {dip}, DCA ×{policy.dip_multiplier}")
    return FilterResult(ONE, "no hype, no dip: ×1")


def check_buy(inputs: AntiHypeInputs, policy: AntiHypePolicy) -> FilterResult:
    """Judge a normal buy: block after a pump, damp on a rise, boost on a dip, else ×1."""
    block = _block_reason(inputs, policy)
    if block is not None:
        return FilterResult(ZERO, f"blocked: {block}")
    return _after_block(inputs, policy)


def check_rebalance(inputs: AntiHypeInputs, policy: AntiHypePolicy) -> FilterResult:
    """Judge a rebalance purchase: block only above +25 % in 24 h, damp what a buy would block."""
    limit = policy.rebalance_block_change_24h
    if inputs.change_24h > limit:
        return FilterResult(ZERO, f"blocked: 24h change {_pct(inputs.change_24h)} > {_pct(limit)}")
    block = _block_reason(inputs, policy)
    if block is not None:
        return FilterResult(policy.damp_multiplier,
                            f"hype (rebalance): {block}, ×{policy.damp_multiplier}")
    return _after_block(inputs, policy)


@attrs.frozen
class AntiHypeFilter:
    """The normal anti-hype filter, bound to its policy."""

    policy: AntiHypePolicy = attrs.field(factory=AntiHypePolicy)

    def check(self, ticker: Ticker24h, change_1h: Decimal | None,
              rsi: Decimal | None) -> FilterResult:
        """Judge a buy of the ticker's symbol."""
        return check_buy(AntiHypeInputs.of(ticker, change_1h, rsi), self.policy)


@attrs.frozen
class RebalancerAntiHypeFilter:
    """The milder filter for rebalance purchases, bound to its policy."""

    policy: AntiHypePolicy = attrs.field(factory=AntiHypePolicy)

    def check(self, ticker: Ticker24h, change_1h: Decimal | None,
              rsi: Decimal | None) -> FilterResult:
        """Judge a rebalance purchase of the ticker's symbol."""
        return check_rebalance(AntiHypeInputs.of(ticker, change_1h, rsi), self.policy)
