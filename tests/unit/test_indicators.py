import math
from collections.abc import Sequence
from decimal import Decimal

import attrs
import numpy as np
import pytest
import talib
from hypothesis import given, settings
from hypothesis import strategies as st

from mexcore.indicators import (
    HOUR_MS,
    MIN_CANDLES_MACD,
    IndicatorSnapshot,
    candle_arrays,
    change_since,
    indicator_decimal,
    last_hour_change,
    snapshot,
    snapshot_from_arrays,
)
from mexcore.values import Candle

MIN15 = 15 * 60_000


def _candles(closes: Sequence[float | str], volumes: Sequence[str] | None = None,
             step_ms: int = MIN15) -> list[Candle]:
    vols = volumes or ["100"] * len(closes)
    out = []
    for i, (c, v) in enumerate(zip(closes, vols, strict=True)):
        price = Decimal(str(c))
        out.append(Candle(i * step_ms, price, price, price, price, Decimal(v)))
    return out


def _wave(n: int) -> list[str]:
    return [f"{100 + 5 * math.sin(i / 4) + i * 0.05:.4f}" for i in range(n)]


def test_24_candles_give_no_macd_but_rsi_and_bands() -> None:
    snap = snapshot(_candles(_wave(24)))

    assert snap.candles == 24
    assert (snap.macd, snap.macd_signal, snap.macd_hist) == (None, None, None)
    assert snap.rsi is not None
    assert snap.bb_lower is not None
    assert snap.bb_position is not None


def test_100_candles_give_macd_line_signal_histogram_and_previous_values() -> None:
    snap = snapshot(_candles(_wave(100)))

    values = (snap.macd, snap.macd_signal, snap.macd_hist,
              snap.prev_macd, snap.prev_macd_signal, snap.prev_macd_hist)
    assert all(isinstance(v, Decimal) for v in values)


def test_first_macd_value_appears_at_34_candles_without_a_previous_one() -> None:
    short = snapshot(_candles(_wave(MIN_CANDLES_MACD - 1)))
    first = snapshot(_candles(_wave(MIN_CANDLES_MACD)))

    assert MIN_CANDLES_MACD == 34
    assert short.macd is None
    assert first.macd is not None
    assert first.prev_macd is None


def test_rsi_matches_talib_rounded_to_hundredths() -> None:
    closes = _wave(60)
    expected = float(talib.RSI(np.array([float(c) for c in closes]), 14)[-1])

    assert snapshot(_candles(closes)).rsi == Decimal(repr(expected)).quantize(Decimal("0.01"))


def test_rsi_of_a_steady_rise_is_100_and_of_a_steady_fall_is_0() -> None:
    rising = snapshot(_candles([str(100 + i) for i in range(30)]))
    falling = snapshot(_candles([str(100 - i) for i in range(30)]))

    assert rising.rsi == Decimal("100.00")
    assert falling.rsi == Decimal("0.00")


def test_rsi_of_a_flat_market_is_undefined_not_oversold() -> None:
    assert snapshot(_candles(["1.5"] * 40)).rsi is None


def test_rsi_needs_15_candles() -> None:
    assert snapshot(_candles(_wave(14))).rsi is None
    assert snapshot(_candles(_wave(15))).rsi is not None


def test_close_under_the_lower_band_has_a_negative_band_position() -> None:
    closes = [*_wave(40), "80"]

    snap = snapshot(_candles(closes))

    assert snap.bb_position is not None
    assert snap.bb_position < 0
    assert snap.bb_lower is not None
    assert snap.close == Decimal("80")
    assert snap.close < snap.bb_lower


def test_close_over_the_upper_band_has_a_band_position_over_one() -> None:
    snap = snapshot(_candles([*_wave(40), "130"]))

    assert snap.bb_position is not None
    assert snap.bb_position > 1


def test_bands_are_ordered_upper_middle_lower() -> None:
    snap = snapshot(_candles(_wave(50)))

    bands = (snap.bb_upper, snap.bb_middle, snap.bb_lower)
    assert None not in bands
    assert sorted(bands, reverse=True) == list(bands)
    assert len(set(bands)) == 3


def test_volume_ratio_is_last_volume_over_mean_of_previous_20() -> None:
    volumes = ["5"] * 10 + ["10"] * 20 + ["30"]

    snap = snapshot(_candles(_wave(31), volumes))

    assert snap.volume_ratio == Decimal("3.0000")


def test_volume_ratio_needs_21_candles_and_a_nonzero_mean() -> None:
    assert snapshot(_candles(_wave(20))).volume_ratio is None
    assert snapshot(_candles(_wave(21), ["0"] * 20 + ["5"])).volume_ratio is None


def test_empty_input_gives_an_empty_snapshot() -> None:
    assert snapshot([]) == IndicatorSnapshot(candles=0)


def test_array_path_matches_candle_path() -> None:
    candles = _candles(_wave(100))
    close, volume = candle_arrays(candles)

    from_arrays = snapshot_from_arrays(close, volume)

    assert attrs.evolve(from_arrays, close=candles[-1].close) == snapshot(candles)


def test_array_path_accepts_plain_lists() -> None:
    snap = snapshot_from_arrays([1.0, 2.0, 3.0], [1, 1, 1])

    assert snap.candles == 3
    assert snap.close == Decimal("3")


def test_array_path_refuses_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="one length"):
        snapshot_from_arrays(np.ones(5), np.ones(4))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0001, 1e6), min_size=0, max_size=60),
       st.floats(0, 1e6))
def test_no_nan_or_float_ever_leaves_a_snapshot(closes: list[float], vol: float) -> None:
    snap = snapshot_from_arrays(np.array(closes), np.full(len(closes), vol))

    for field in attrs.fields(IndicatorSnapshot):
        value = getattr(snap, field.name)
        assert value is None or isinstance(value, int | Decimal)
        assert not isinstance(value, Decimal) or value.is_finite()


def test_indicator_decimal_keeps_ten_significant_digits_for_tiny_prices() -> None:
    assert indicator_decimal(0.000012345678912345) == Decimal("0.00001234567891")
    assert indicator_decimal(math.inf) is None
    assert indicator_decimal(27.45, Decimal("0.1")) == Decimal("27.4")


def _snap(hist: str | None, prev: str | None) -> IndicatorSnapshot:
    return IndicatorSnapshot(
        candles=100,
        macd_hist=None if hist is None else Decimal(hist),
        prev_macd_hist=None if prev is None else Decimal(prev),
    )


@pytest.mark.parametrize(
    ("hist", "prev", "bullish", "bearish", "rising"),
    [
        ("0.5", "-0.1", True, False, True),
        ("0.5", "0", True, False, True),
        ("0", "-0.1", False, False, False),
        ("-0.5", "0.1", False, True, False),
        ("0.5", "0.2", False, False, True),
        ("0.2", "0.5", False, False, False),
        ("-0.2", "-0.5", False, False, False),
        ("0.5", None, False, False, False),
        (None, "0.5", False, False, False),
    ],
)
def test_macd_cross_and_rising_histogram_are_read_from_two_histograms(
    hist: str | None, prev: str | None, bullish: bool, bearish: bool, rising: bool
) -> None:
    snap = _snap(hist, prev)

    assert (snap.macd_bullish_cross, snap.macd_bearish_cross, snap.macd_hist_rising) == (
        bullish, bearish, rising)


def test_real_bullish_cross_is_detected_after_a_dip_and_turn() -> None:
    closes = [str(200 - i) for i in range(60)]
    snaps = [snapshot(_candles([*closes, *[str(140 + 3 * k) for k in range(j)]]))
             for j in range(1, 15)]

    assert sum(s.macd_bullish_cross for s in snaps) == 1


def test_last_hour_change_compares_with_the_close_four_15m_candles_back() -> None:
    candles = _candles(["90", "100", "101", "102", "103", "108"])

    assert last_hour_change(candles) == Decimal("0.08")


def test_last_hour_change_from_1m_candles_uses_sixty_candles_back() -> None:
    closes = ["50"] * 5 + ["100"] + ["100"] * 59 + ["110"]

    assert last_hour_change(_candles(closes, step_ms=60_000)) == Decimal("0.1")


def test_last_hour_change_is_unknown_without_an_hour_of_history() -> None:
    assert last_hour_change(_candles(["100", "101", "102"])) is None
    assert last_hour_change([]) is None


def test_last_hour_change_is_unknown_from_4h_candles() -> None:
    assert last_hour_change(_candles(["100", "110", "120"], step_ms=4 * HOUR_MS)) is None


def test_change_since_is_unknown_when_the_reference_close_is_zero() -> None:
    assert change_since(_candles(["0", "1", "2", "3", "4"]), HOUR_MS) is None
