"""The synthetic book: a taker walks the same levels the book shows, built one at a time."""

from __future__ import annotations

from decimal import Decimal
from itertools import islice

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.fake.book import BookModel, book_side, synthesise_book


@settings(max_examples=60, deadline=None)
@given(
    price=st.floats(1e-6, 1e5, allow_nan=False),
    avg_volume=st.floats(0, 1e6, allow_nan=False),
    price_dp=st.integers(0, 8),
    qty_dp=st.integers(0, 6),
    limit=st.integers(1, 60),
)
def test_a_side_walked_level_by_level_is_the_side_of_the_book(
    price: float, avg_volume: float, price_dp: int, qty_dp: int, limit: int
) -> None:
    model = BookModel(level_gap_bps=400.0)  # wide gaps: deep bids reach zero and stop
    book = synthesise_book("XUSDT", price, avg_volume, (price_dp, qty_dp), model, limit)
    shape = (price, avg_volume, (price_dp, qty_dp), model)

    assert tuple(book_side(shape, asks=True, limit=limit)) == book.asks
    assert tuple(book_side(shape, asks=False, limit=limit)) == book.bids
    assert all(level.price > 0 for level in book.bids)


def test_the_best_asks_of_100_start_one_tick_up_and_step_one_tick() -> None:
    side = book_side((100.0, 50.0, (2, 4), BookModel()), asks=True, limit=50)

    first_two = list(islice(side, 2))  # a walk reads on only as far as it takes

    assert [level.price for level in first_two] == [Decimal("100.01"), Decimal("100.02")]
