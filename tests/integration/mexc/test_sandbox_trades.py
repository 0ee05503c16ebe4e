"""The sandbox's myTrades pages like MEXC's, and the adapter reads every fill through it."""

from __future__ import annotations

from decimal import Decimal

from tests.integration.exchange_contract.harness import START_MS, TRADEABLE
from tests.integration.mexc.harness import SandboxHarness, sandbox_harness

from adapters.fake.store import InMemoryStore
from mexcore.services.fills import FillSync
from mexcore.values import Fill, Side


def _trade(h: SandboxHarness, count: int, time_ms: int, orders: int) -> None:
    """Put `count` fills of `orders` orders, all stamped `time_ms`, into the account."""
    engine = h.sandbox.exchanges[next(iter(h.sandbox.exchanges))].engine
    first = len(engine.fills) + 1
    engine.fills.extend(
        Fill(TRADEABLE, f"{n}X1", f"C02__{n % orders}", Side.BUY, Decimal(60000),
             Decimal("0.0001"), Decimal(6), Decimal(0), fee_asset="USDC", is_maker=True,
             time_ms=time_ms) for n in range(first, first + count))


async def test_my_trades_answers_at_most_100_rows_of_a_window_or_of_an_order() -> None:
    async with sandbox_harness() as h:
        _trade(h, 250, START_MS - 1_000, orders=2)
        window = await h.mexc.http.signed_read(
            "/api/v3/myTrades", [("symbol", TRADEABLE), ("startTime", str(START_MS - 2_000)),
                                 ("limit", "1000")])
        by_order = await h.mexc.http.signed_read(
            "/api/v3/myTrades", [("symbol", TRADEABLE), ("orderId", "C02__1"),
                                 ("startTime", str(START_MS - 2_000))])
    assert len(window) == 100
    assert len(by_order) == 100
    assert {row["orderId"] for row in by_order} == {"C02__1"}


async def test_sync_over_the_sandbox_journals_bursts_of_many_fills_in_one_millisecond() -> None:
    async with sandbox_harness() as h:
        _trade(h, 180, START_MS - 9_000, orders=3)
        _trade(h, 40, START_MS - 8_000, orders=1)
        store = InMemoryStore()
        await FillSync(h.mexc, store).sync([TRADEABLE])
        _trade(h, 150, START_MS - 7_000, orders=2)
        await FillSync(h.mexc, store).sync([TRADEABLE])
        traded = sorted(f.trade_id for f in h.sandbox.exchanges[
            next(iter(h.sandbox.exchanges))].all_fills())
    assert sorted(f.trade_id for f in store.fills(TRADEABLE)) == traded
    assert len(traded) == 370


async def test_my_trades_of_one_order_finds_its_fills_behind_other_orders_fills() -> None:
    async with sandbox_harness() as h:
        _trade(h, 150, START_MS - 9_000, orders=1)  # order C02__0
        engine = h.sandbox.exchanges[next(iter(h.sandbox.exchanges))].engine
        engine.fills.append(Fill(
            TRADEABLE, "999X1", "C02__late", Side.SELL, Decimal(60000), Decimal("0.0001"),
            Decimal(6), Decimal(0), fee_asset="USDC", is_maker=False, time_ms=START_MS - 5_000))
        rows = await h.mexc.http.signed_read(
            "/api/v3/myTrades", [("symbol", TRADEABLE), ("orderId", "C02__late"),
                                 ("startTime", str(START_MS - 10_000)),
                                 ("endTime", str(START_MS))])
    assert [row["id"] for row in rows] == ["999X1"]
