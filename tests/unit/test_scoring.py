from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mexcore.antihype import FilterResult
from mexcore.indicators import IndicatorSnapshot, snapshot
from mexcore.scoring import (
    BLOCKED_SCORE,
    SCORING_TABLE,
    PairScore,
    ScoreRule,
    classify,
    score_pair,
    score_snapshot,
    scoring_table_markdown,
)
from mexcore.values import Candle

D = Decimal
DOCS = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"


def _snap(rsi: str | None = "50", position: str | None = "0.5", volume: str | None = "1",
          hist: str | None = None, prev_hist: str | None = None) -> IndicatorSnapshot:
    def d(x: str | None) -> Decimal | None:
        return None if x is None else D(x)
    return IndicatorSnapshot(candles=100, rsi=d(rsi), bb_position=d(position),
                             volume_ratio=d(volume), macd_hist=d(hist), prev_macd_hist=d(prev_hist))


@pytest.mark.parametrize(
    ("snap", "points", "reasons"),
    [
        (_snap(rsi="27.43"), 2, ("RSI 27.43 oversold",)),
        (_snap(rsi="30"), 1, ("RSI 30.00 low",)),
        (_snap(rsi="39.99"), 1, ("RSI 39.99 low",)),
        (_snap(rsi="40"), 0, ()),
        (_snap(rsi="70"), 0, ()),
        (_snap(rsi="70.01"), -2, ("RSI 70.01 overbought",)),
        (_snap(hist="0.2", prev_hist="-0.1"), 2, ("MACD bullish cross",)),
        (_snap(hist="0.2", prev_hist="0.1"), 1, ("MACD histogram positive and rising",)),
        (_snap(hist="0.1", prev_hist="0.2"), 0, ()),
        (_snap(position="0"), 2, ("close at or under the lower band (band position 0.00)",)),
        (_snap(position="-0.1234"), 2, ("close at or under the lower band (band position -0.12)",)),
        (_snap(position="0.0001"), 0, ()),
        (_snap(position="1"), 0, ()),
        (_snap(position="1.08"), -1, ("close over the upper band (band position 1.08)",)),
        (_snap(volume="2"), 1, ("volume surge ×2.00",)),
        (_snap(volume="1.99"), 0, ()),
        (_snap(rsi=None, position=None, volume=None), 0, ()),
    ],
)
def test_each_rule_of_the_table_scores_at_its_threshold(
    snap: IndicatorSnapshot, points: int, reasons: tuple[str, ...]
) -> None:
    assert score_snapshot(snap) == (points, reasons)


def test_points_add_up_over_groups_with_one_rule_per_group() -> None:
    snap = _snap(rsi="25", position="-0.2", volume="3.14", hist="0.5", prev_hist="-0.5")

    points, reasons = score_snapshot(snap)

    assert points == 2 + 2 + 2 + 1
    assert reasons == ("RSI 25.00 oversold", "MACD bullish cross",
                       "close at or under the lower band (band position -0.20)",
                       "volume surge ×3.14")


def test_overbought_over_the_upper_band_scores_minus_three() -> None:
    assert score_snapshot(_snap(rsi="85", position="1.3"))[0] == -3


def test_blocked_pair_scores_minus_ten_with_the_filter_reason() -> None:
    verdict = FilterResult(D(0), "blocked: RSI 85 > 80")

    scored = score_pair("PEPEUSDT", _snap(rsi="20"), verdict)

    assert scored == PairScore("PEPEUSDT", BLOCKED_SCORE, ("blocked: RSI 85 > 80",), verdict)
    assert scored.blocked
    assert scored.multiplier == 0


def test_damped_or_boosted_pair_keeps_its_points_and_adds_the_filter_reason() -> None:
    verdict = FilterResult(D(2), "dip: DCA ×2")

    scored = score_pair("ADAUSDT", _snap(rsi="20"), verdict)

    assert scored.score == 2
    assert scored.reasons == ("RSI 20.00 oversold", "dip: DCA ×2")
    assert scored.multiplier == 2


def test_neutral_filter_reason_is_not_repeated() -> None:
    scored = score_pair("ADAUSDT", _snap(), FilterResult(D(1), "no hype, no dip: ×1"))

    assert scored.reasons == ()
    assert not scored.blocked


def _pair(symbol: str, score: int, blocked: bool = False) -> PairScore:
    verdict = FilterResult(D(0), "blocked") if blocked else None
    return PairScore(symbol, BLOCKED_SCORE if blocked else score, (), verdict)


def test_classify_orders_opportunities_best_first_above_min_score() -> None:
    pairs = [_pair("AUSDT", 3), _pair("BUSDT", 5), _pair("CUSDT", 2), _pair("DUSDT", -1),
             _pair("EUSDT", 0, blocked=True), _pair("FUSDT", 5)]

    lists = classify(pairs, min_score=2)

    assert [p.symbol for p in lists.buy_opportunities] == ["BUSDT", "FUSDT", "AUSDT"]
    assert [p.symbol for p in lists.neutral] == ["CUSDT", "DUSDT"]
    assert [p.symbol for p in lists.blocked] == ["EUSDT"]


def test_classify_never_offers_a_blocked_pair_even_with_a_low_min_score() -> None:
    lists = classify([_pair("XUSDT", 0, blocked=True)], min_score=-100)

    assert lists.buy_opportunities == ()
    assert len(lists.blocked) == 1


def test_classify_of_nothing_is_three_empty_lists() -> None:
    lists = classify([])

    assert (lists.buy_opportunities, lists.neutral, lists.blocked) == ((), (), ())


@settings(max_examples=100)
@given(st.lists(st.tuples(st.integers(-10, 10), st.booleans()), max_size=30),
       st.integers(-5, 5))
def test_classify_puts_every_pair_in_exactly_one_list(rows: list[tuple[int, bool]],
                                                      min_score: int) -> None:
    pairs = [_pair(f"S{i}USDT", score, blocked) for i, (score, blocked) in enumerate(rows)]

    lists = classify(pairs, min_score)

    everything = lists.buy_opportunities + lists.neutral + lists.blocked
    assert sorted(p.symbol for p in everything) == sorted(p.symbol for p in pairs)
    assert all(p.score > min_score for p in lists.buy_opportunities)
    scores = [p.score for p in lists.buy_opportunities]
    assert scores == sorted(scores, reverse=True)


def test_real_candles_are_scored_end_to_end() -> None:
    closes = [D(200 - i) for i in range(60)] + [D(120)]
    volumes = [D(100)] * 60 + [D(500)]
    candles = [Candle(i * 900_000, c, c, c, c, v)
               for i, (c, v) in enumerate(zip(closes, volumes, strict=True))]

    points, reasons = score_snapshot(snapshot(candles))

    assert points == 2 + 2 + 1
    assert reasons[0] == "RSI 0.00 oversold"
    assert reasons[-1] == "volume surge ×5.00"


def test_rule_refuses_an_unknown_metric_or_operator() -> None:
    with pytest.raises(ValueError, match="metric"):
        ScoreRule("x", "nope", "<", D(1), 1, "x")
    with pytest.raises(ValueError, match="op"):
        ScoreRule("x", "rsi", "!=", D(1), 1, "x")


def test_docs_show_the_table_as_the_code_defines_it() -> None:
    assert scoring_table_markdown() in DOCS.read_text(encoding="utf-8")
    assert len(SCORING_TABLE) == 8
