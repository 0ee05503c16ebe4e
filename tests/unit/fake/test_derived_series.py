"""A derived USDC market computes its prices on demand and equals the whole derived table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.fake.test_data_memory import HEADER, T0, held_bytes

from adapters.fake.derived import DerivedSeries
from adapters.fake.loader import derive_quoted
from adapters.fake.series import MinuteSeries
from adapters.fake.sources import load_run_data


def walk_rows(seed: int, n: int, start: float, decimals: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    close = np.round(start * np.exp(np.cumsum(rng.normal(0, 0.003, n))), decimals)
    opens = np.round(np.concatenate(([start], close[:-1])), decimals)
    high = np.maximum(opens, close) + 10.0**-decimals * rng.integers(0, 3, n)
    low = np.minimum(opens, close) - 10.0**-decimals * rng.integers(0, 3, n)
    return np.column_stack((opens, high, low, close, rng.lognormal(0, 1, n), np.full(n, np.nan)))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 7000), st.integers(0, 8), st.data())
def test_every_derived_value_equals_the_same_minute_of_the_whole_derived_table(
    seed: int, n: int, decimals: int, data: st.DataObject
) -> None:
    base_rows = walk_rows(seed, n, 123.4567, 4)
    peg_rows = walk_rows(seed + 1, n, 1.0, 4)
    table = MinuteSeries(derive_quoted(base_rows, peg_rows, decimals))

    derived = DerivedSeries(MinuteSeries(base_rows), MinuteSeries(peg_rows), decimals)

    for _ in range(6):  # windows inside, across and beyond the blocks it keeps
        first = data.draw(st.integers(0, n - 1))
        stop = data.draw(st.integers(first + 1, min(n, first + 3000)))
        for mine, whole in zip(derived.window(first, stop), table.window(first, stop),
                               strict=True):
            assert mine.tolist() == whole.tolist()
        for k in (first, stop - 1):
            assert derived.open_at(k) == table.open_at(k)
            assert derived.close_at(k) == table.close_at(k)
            assert derived.volume_at(k) == table.volume_at(k)
    assert derived.close.tolist() == table.close.tolist()
    assert derived.cum_volume.tolist() == table.cum_volume.tolist()
    assert derived.cum_quote.tolist() == table.cum_quote.tolist()
    assert derived.quote_volume.tolist() == table.quote_volume.tolist()
    assert len(derived) == len(table) == n


def test_a_derived_usdc_market_holds_only_its_two_running_sums(tmp_path: Path) -> None:
    lines = "".join(f"{T0 + i * 60_000},1.5,1.6,1.4,1.5,{i % 97 + 1},\n" for i in range(2000))
    (tmp_path / "ADAUSDT-1m.csv").write_text(HEADER + lines)

    market = load_run_data(tmp_path, ["ADAUSDC"]).market

    assert held_bytes(market.get("ADAUSDC")) <= 2 * 8 * (2000 + 1)
    assert market.last_price("ADAUSDC", 2000) > 0
