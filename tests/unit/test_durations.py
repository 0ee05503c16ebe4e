"""Durations read as people say them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mexcore.durations import every, span


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (45, "45 s"), (600, "10 min"), (1800, "30 min"), (3600, "1 h"),
    (5400, "1 h 30 min"), (86_400, "1 d"), (90_061, "1 d 1 h 1 min 1 s"),
])
def test_a_span_names_each_unit_it_has(seconds: int, text: str) -> None:
    assert span(seconds) == text


def test_every_says_how_often() -> None:
    assert every(600) == "every 10 min"


@given(st.integers(min_value=0, max_value=10**8))
def test_a_span_adds_up_to_its_seconds(seconds: int) -> None:
    unit = {"d": 86_400, "h": 3_600, "min": 60, "s": 1}
    words = span(seconds).split()
    total = sum(int(n) * unit[u] for n, u in zip(words[::2], words[1::2], strict=True))
    assert total == seconds


def test_a_negative_span_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        span(-1)
