"""Exact money: Decimal in, Decimal out, and the plain strings MEXC accepts."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")


def to_decimal(value: Any) -> Decimal:
    """Return `value` as a finite Decimal; a float (or bool) is refused, never rounded.

    >>> to_decimal("0.1") + to_decimal(2)
    Decimal('2.1')
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool | float):
        raise TypeError(f"money must not be built from {type(value).__name__} {value!r}")
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation as e:
            raise ValueError(f"not a decimal number: {value!r}") from e
    else:
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"money must be finite, got {value!r}")
    return result


def to_optional_decimal(value: Any) -> Decimal | None:
    """Return None for None, else `to_decimal(value)`."""
    return None if value is None else to_decimal(value)


def format_decimal(value: Decimal) -> str:
    """Format as MEXC wants it: no exponent, no trailing zeros, no trailing dot.

    >>> format_decimal(Decimal("2.000000")), format_decimal(Decimal("1E-7"))
    ('2', '0.0000001')
    """
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def decimals_of(step: Decimal) -> int:
    """Return the number of decimal places of a step like 0.001 (3) or 1 (0)."""
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def format_step(value: Decimal, step: Decimal) -> str:
    """Format for a person: half-even to the places of `step`, never '-0.00' nor an exponent.

    >>> format_step(Decimal("0.40392356794596254"), Decimal("0.0001")), format_step(ZERO, CENT)
    ('0.4039', '0.00')
    """
    exponent = Decimal(1).scaleb(-decimals_of(step))
    try:
        rounded = value.quantize(exponent, rounding=ROUND_HALF_EVEN)
    except InvalidOperation:  # more digits than the context holds: exact is still readable
        return format_decimal(value)
    return format(abs(rounded) if rounded == 0 else rounded, "f")
