"""FillSync over a fake exchange that answers myTrades in capped pages, like MEXC."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.services.support import NOW, World, flat_closes, world

from mexcore.services.fills import FillSync
from mexcore.values import Fill, Side

SYMBOL = "ADAUSDC"


def _fill(n: int, time_ms: int) -> Fill:
    return Fill(SYMBOL, f"{n}X1", f"o{n % 7}", Side.BUY, Decimal("0.4"), Decimal(5),
                Decimal(2), Decimal(0), fee_asset="USDC", is_maker=True, time_ms=time_ms)


def _world() -> World:
    return world(flat_closes([SYMBOL]))


def _trade(w: World, count: int, time_ms: int) -> None:
    """Let the account trade `count` fills all stamped in the one millisecond `time_ms`."""
    first = len(w.exchange.engine.fills) + 1
    w.exchange.engine.fills.extend(_fill(n, time_ms) for n in range(first, first + count))


def _journaled_ids(w: World) -> list[str]:
    return sorted(f.trade_id for f in w.store.fills(SYMBOL))


def _traded_ids(w: World) -> list[str]:
    return sorted(f.trade_id for f in w.exchange.all_fills())


async def test_a_fake_exchange_answers_at_most_a_page_of_fills_ending_on_a_whole_millisecond(
        ) -> None:
    w = _world()
    _trade(w, 60, NOW - 5_000)
    _trade(w, 60, NOW - 4_000)
    _trade(w, 60, NOW - 3_000)
    fills = await w.exchange.my_fills(SYMBOL)
    assert [f.time_ms for f in fills] == [NOW - 5_000] * 60 + [NOW - 4_000] * 60


async def test_sync_journals_250_fills_of_one_millisecond_and_the_burst_after_them() -> None:
    w = _world()
    _trade(w, 250, NOW - 2_000)
    _trade(w, 120, NOW - 1_999)
    _trade(w, 30, NOW - 1_000)
    await FillSync(w.exchange, w.store).sync([SYMBOL])
    assert _journaled_ids(w) == _traded_ids(w)


async def test_a_second_sync_reads_on_from_where_the_first_stopped() -> None:
    w = _world()
    _trade(w, 150, NOW - 10_000)
    await FillSync(w.exchange, w.store).sync([SYMBOL])
    _trade(w, 101, NOW - 9_000)
    _trade(w, 101, NOW - 8_000)
    added = await FillSync(w.exchange, w.store).sync([SYMBOL])
    assert added == 202
    assert _journaled_ids(w) == _traded_ids(w)


async def test_sync_that_stops_after_its_round_limit_keeps_the_cursor_at_what_it_read() -> None:
    w = _world()
    for i in range(5):
        _trade(w, 100, NOW - 50_000 + i)
    sync = FillSync(w.exchange, w.store, max_rounds=2)
    first = await sync.sync([SYMBOL])
    while await sync.sync([SYMBOL]):
        pass
    assert first == 200
    assert _journaled_ids(w) == _traded_ids(w)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 260)), max_size=4),
                min_size=1, max_size=5))
async def test_every_fill_of_random_bursts_reaches_the_journal_exactly_once(
        rounds: list[list[tuple[int, int]]]) -> None:
    w = _world()
    sync = FillSync(w.exchange, w.store)
    for step, bursts in enumerate(rounds):
        for offset, count in bursts:  # bursts in one ms, some in the same ms as others
            _trade(w, count, NOW - 120_000 + step * 1_000 + offset)
        await sync.sync([SYMBOL])
    journaled = [f.trade_id for f in w.store.fills(SYMBOL)]
    assert sorted(journaled) == _traded_ids(w)
    assert len(set(journaled)) == len(journaled)
