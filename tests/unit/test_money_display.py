"""Numbers a person reads: rounded to the step that means something, never an exponent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mexcore.money import decimals_of, format_step

D = Decimal
STEPS = st.sampled_from([D("1"), D("0.1"), D("0.01"), D("0.0001"), D("0.00000001"), D("10"),
                         D("1E-6"), D("0.010")])
VALUES = st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**9, max_value=10**9)


@pytest.mark.parametrize(
    ("value", "step", "text"),
    [("0.4039235679459625422167638932", "0.0001", "0.4039"), ("300", "0.01", "300.00"),
     ("2.345", "0.01", "2.34"), ("2.355", "0.01", "2.36"), ("-0.001", "0.01", "0.00"),
     ("1E+2", "1", "100"), ("28354.826", "0.01", "28354.83"), ("5.22292689878", "0.01", "5.22"),
     ("0.002124", "0.000001", "0.002124")],
)
def test_format_step_rounds_half_even_to_the_step(value: str, step: str, text: str) -> None:
    assert format_step(D(value), D(step)) == text


@given(VALUES, STEPS)
def test_format_step_is_within_half_a_step_of_the_value(value: Decimal, step: Decimal) -> None:
    shown = D(format_step(value, step))
    assert abs(shown - value) <= D(1).scaleb(-decimals_of(step)) / 2


@given(VALUES, STEPS)
def test_format_step_shows_exactly_the_places_of_the_step(value: Decimal, step: Decimal) -> None:
    text = format_step(value, step)
    places = decimals_of(step)
    assert "E" not in text.upper()
    assert not text.startswith("-0") or D(text) != 0
    assert (len(text.split(".")[1]) if "." in text else 0) == places


@given(st.integers(min_value=-10**12, max_value=10**12), STEPS)
def test_format_step_keeps_a_value_on_the_step_exactly(units: int, step: Decimal) -> None:
    value = D(units).scaleb(-decimals_of(step))
    assert D(format_step(value, step)) == value
