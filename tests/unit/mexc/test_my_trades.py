"""myTrades paging against a stub that caps its answers like MEXC (100 rows, no fromId)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.mexc.support import SteppingClock, StubMexc, make_exchange, params_of, reply, sample

from adapters.fake.store import InMemoryStore
from adapters.mexc.trades import FillPager
from mexcore.services.fills import FillSync

SYMBOL = "FUSDUSDT"
Row = dict[str, object]


class CappedTrades:
    """MEXC's myTrades over a list of rows: window, orderId, and at most `limit` rows.

    Which 100 rows of a fuller window MEXC sends is not documented: `newest` picks.
    """

    def __init__(self, stub: StubMexc, *, newest: bool = False) -> None:
        self.rows: list[Row] = []
        self._times: list[int] = []
        self.newest = newest
        stub.on("GET", "/api/v3/myTrades", self.handle)

    def trade(self, count: int, time_ms: int, orders: int = 1) -> None:
        """Add `count` fills stamped at `time_ms`, dealt round the `orders` orders."""
        base = sample("my_trades")[0]
        first = len(self.rows)
        self.rows += [{**base, "id": f"{first + i}X1", "orderId": f"C02__{i % orders}_{time_ms}",
                       "time": time_ms} for i in range(count)]
        self.rows.sort(key=lambda r: int(str(r["time"])))  # stable: ids stay in order
        self._times = [int(str(r["time"])) for r in self.rows]

    def handle(self, request: httpx.Request) -> httpx.Response:
        p = params_of(request)
        low, high = int(p["startTime"]), int(p.get("endTime", 2**62))
        limit = min(int(p.get("limit", 100)), 100)
        window = self.rows[bisect_left(self._times, low):bisect_right(self._times, high)]
        rows = [r for r in window if p.get("orderId") in (None, r["orderId"])]
        return reply(rows[-limit:] if self.newest else rows[:limit])

    def ids(self) -> list[str]:
        return sorted(str(r["id"]) for r in self.rows)


@pytest.fixture
def stub() -> StubMexc:
    return StubMexc(SteppingClock())


@pytest.mark.parametrize("newest", [False, True])
async def test_250_fills_of_three_orders_in_one_millisecond_are_all_read(
        stub: StubMexc, newest: bool) -> None:
    trades = CappedTrades(stub, newest=newest)
    trades.trade(250, stub.clock.now - 60_000, orders=3)
    fills = await make_exchange(stub).my_fills(SYMBOL)
    assert sorted(f.trade_id for f in fills) == trades.ids()


async def test_a_pager_out_of_pages_returns_only_fills_before_what_it_did_not_read(
        stub: StubMexc) -> None:
    trades = CappedTrades(stub)
    for i in range(40):
        trades.trade(30, stub.clock.now - 3_600_000 + i * 60_000)
    exchange = make_exchange(stub)
    await exchange.server_time_ms()
    fills = await FillPager(exchange.http, SYMBOL, max_pages=30).read(None)
    newest = max(f.time_ms for f in fills)
    before = [str(r["id"]) for r in trades.rows if int(str(r["time"])) <= newest]
    assert 0 < len(fills) < len(trades.rows)
    assert sorted(f.trade_id for f in fills) == sorted(before)


async def test_repeated_syncs_over_a_pager_out_of_pages_journal_every_fill_once(
        stub: StubMexc) -> None:
    trades = CappedTrades(stub, newest=True)
    for i in range(60):  # ~ 140 pages: more than one my_fills may read
        trades.trade(99, stub.clock.now - 7_200_000 + i * 1_000, orders=2)
    exchange, store = make_exchange(stub), InMemoryStore()
    sync = FillSync(exchange, store)
    while await sync.sync([SYMBOL]):
        pass
    assert sorted(f.trade_id for f in store.fills(SYMBOL)) == trades.ids()


@settings(max_examples=15, deadline=None)
@given(bursts=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 150), st.integers(2, 4)),
                       min_size=1, max_size=12), newest=st.booleans())
async def test_random_bursts_reach_the_journal_exactly_once_through_the_mexc_adapter(
        bursts: list[tuple[int, int, int]], newest: bool) -> None:
    stub = StubMexc(SteppingClock())
    trades = CappedTrades(stub, newest=newest)
    exchange, store = make_exchange(stub), InMemoryStore()
    sync = FillSync(exchange, store)
    for step, (offset, count, orders) in enumerate(bursts):
        trades.trade(count, stub.clock.now - 600_000 + step * 10 + offset, orders)
        if step % 3 == 2:
            await sync.sync([SYMBOL])
    await sync.sync([SYMBOL])
    journaled = [f.trade_id for f in store.fills(SYMBOL)]
    assert sorted(journaled) == trades.ids()
    assert len(set(journaled)) == len(journaled)
