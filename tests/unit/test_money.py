from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mexcore.money import decimals_of, format_decimal, to_decimal
from mexcore.values import Balance


def test_to_decimal_refuses_a_float() -> None:
    with pytest.raises(TypeError, match="float"):
        to_decimal(0.1)


def test_to_decimal_refuses_nan() -> None:
    with pytest.raises(ValueError, match="finite"):
        to_decimal("NaN")


def test_balance_built_from_a_float_is_an_error() -> None:
    with pytest.raises(TypeError):
        Balance("USDT", free=1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [("2.000000", "2"), ("1E-7", "0.0000001"), ("0", "0"), ("-0.0", "0"), ("1.50", "1.5"),
     ("100", "100"), ("1E+2", "100")],
)
def test_format_decimal_is_plain(value: str, text: str) -> None:
    assert format_decimal(Decimal(value)) == text


@given(st.decimals(allow_nan=False, allow_infinity=False, places=12))
def test_format_decimal_round_trips_without_exponent(value: Decimal) -> None:
    text = format_decimal(value)
    assert "E" not in text.upper()
    assert Decimal(text) == value


@pytest.mark.parametrize(("step", "places"), [("0.001", 3), ("1", 0), ("0.10", 1), ("10", 0)])
def test_decimals_of_step(step: str, places: int) -> None:
    assert decimals_of(Decimal(step)) == places
