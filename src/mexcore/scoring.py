"""The scanner's score of a pair (SPEC §1.1): points from a table of indicator rules, with reasons.

`SCORING_TABLE` is the one place where the rules live: within a group the first matching rule
scores and the others are skipped (RSI 27 scores +2 "oversold", not +2 and +1). A pair that the
anti-hype filter blocks scores `BLOCKED_SCORE` (-10) whatever its indicators say.
`docs/scoring.md` shows the table as `scoring_table_markdown()` renders it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from decimal import Decimal

import attrs

from mexcore.antihype import FilterResult
from mexcore.indicators import IndicatorSnapshot
from mexcore.money import ONE, ZERO, format_step

BLOCKED_SCORE = -10

Metric = Callable[[IndicatorSnapshot], Decimal | None]

METRICS: dict[str, Metric] = {
    "rsi": lambda s: s.rsi,
    "bb_position": lambda s: s.bb_position,
    "volume_ratio": lambda s: s.volume_ratio,
    "macd_cross": lambda s: s.macd_hist if s.macd_bullish_cross else None,
    "macd_rising": lambda s: s.macd_hist if s.macd_hist_rising else None,
}
OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


@attrs.frozen
class ScoreRule:
    """One row of the scoring table: when `metric op threshold`, add `points`, say `reason`.

    `reason` may hold `{value}`: the metric, rounded to `places`.
    """

    group: str
    metric: str = attrs.field(validator=attrs.validators.in_(METRICS))
    op: str = attrs.field(validator=attrs.validators.in_(OPERATORS))
    threshold: Decimal
    points: int
    reason: str
    places: Decimal = Decimal("0.01")

    def value(self, snap: IndicatorSnapshot) -> Decimal | None:
        """Return the metric when the rule applies to the snapshot, else None."""
        value = METRICS[self.metric](snap)
        if value is None or not OPERATORS[self.op](value, self.threshold):
            return None
        return value

    def explain(self, value: Decimal) -> str:
        """Render the reason for a metric value."""
        return self.reason.format(value=format_step(value, self.places))


D = Decimal
SCORING_TABLE: tuple[ScoreRule, ...] = (
    ScoreRule("rsi", "rsi", "<", D(30), 2, "RSI {value} oversold"),
    ScoreRule("rsi", "rsi", "<", D(40), 1, "RSI {value} low"),
    ScoreRule("rsi", "rsi", ">", D(70), -2, "RSI {value} overbought"),
    ScoreRule("macd", "macd_cross", ">", ZERO, 2, "MACD bullish cross"),
    ScoreRule("macd", "macd_rising", ">", ZERO, 1, "MACD histogram positive and rising"),
    ScoreRule("bollinger", "bb_position", "<=", ZERO, 2,
              "close at or under the lower band (band position {value})"),
    ScoreRule("bollinger", "bb_position", ">", ONE, -1,
              "close over the upper band (band position {value})"),
    ScoreRule("volume", "volume_ratio", ">=", D(2), 1, "volume surge ×{value}"),
)


def score_snapshot(
    snap: IndicatorSnapshot, table: Iterable[ScoreRule] = SCORING_TABLE
) -> tuple[int, tuple[str, ...]]:
    """Return the points of a snapshot and the reasons, first matching rule per group.

    RSI 27.43, bullish MACD cross, volume ×2.5: 2 + 2 + 1 = 5, ("RSI 27.43 oversold", …).
    """
    scored_groups: set[str] = set()
    points = 0
    reasons: list[str] = []
    for rule in table:
        if rule.group in scored_groups:
            continue
        value = rule.value(snap)
        if value is not None:
            scored_groups.add(rule.group)
            points += rule.points
            reasons.append(rule.explain(value))
    return points, tuple(reasons)


@attrs.frozen
class PairScore:
    """The scanner's verdict on one pair: score, reasons, and the anti-hype filter's result."""

    symbol: str
    score: int
    reasons: tuple[str, ...]
    verdict: FilterResult | None = None
    snapshot: IndicatorSnapshot | None = attrs.field(default=None, eq=False)

    @property
    def blocked(self) -> bool:
        return self.verdict is not None and self.verdict.blocked

    @property
    def multiplier(self) -> Decimal:
        return ONE if self.verdict is None else self.verdict.multiplier


def score_pair(
    symbol: str, snap: IndicatorSnapshot, verdict: FilterResult | None = None
) -> PairScore:
    """Score a pair: -10 with the filter's reason when blocked, else the table's points."""
    if verdict is not None and verdict.blocked:
        return PairScore(symbol, BLOCKED_SCORE, (verdict.reason,), verdict, snap)
    points, reasons = score_snapshot(snap)
    if verdict is not None and verdict.multiplier != ONE:
        reasons = (*reasons, verdict.reason)
    return PairScore(symbol, points, reasons, verdict, snap)


@attrs.frozen
class ScanLists:
    """A scan's result: opportunities best first, neutral pairs best first, blocked pairs."""

    buy_opportunities: tuple[PairScore, ...] = ()
    neutral: tuple[PairScore, ...] = ()
    blocked: tuple[PairScore, ...] = ()


def _best_first(scores: Iterable[PairScore]) -> tuple[PairScore, ...]:
    return tuple(sorted(scores, key=lambda p: (-p.score, p.symbol)))


def classify(scored: Iterable[PairScore], min_score: int | Decimal = 2) -> ScanLists:
    """Split scored pairs: opportunity when not blocked and score > min_score, else neutral."""
    pairs = list(scored)
    blocked = [p for p in pairs if p.blocked]
    open_pairs = [p for p in pairs if not p.blocked]
    return ScanLists(
        buy_opportunities=_best_first(p for p in open_pairs if p.score > min_score),
        neutral=_best_first(p for p in open_pairs if p.score <= min_score),
        blocked=tuple(sorted(blocked, key=lambda p: p.symbol)),
    )


def scoring_table_markdown(table: Iterable[ScoreRule] = SCORING_TABLE) -> str:
    """Render the scoring table as a Markdown table (the one in docs/scoring.md)."""
    lines = ["| group | condition | points | reason |", "| --- | --- | --- | --- |"]
    for rule in table:
        condition = f"`{rule.metric} {rule.op} {rule.threshold}`"
        lines.append(f"| {rule.group} | {condition} | {rule.points:+d} | {rule.reason} |")
    return "\n".join(lines)
