"""Replay of the bundled ADAUSDT candles, with results worked out by hand from the CSV rows.

Rows used (open_time_ms,open,high,low,close,volume):
  minute 59  1681952340000,0.4192,0.4193,0.419,0.4192,12047.0   (2023-04-20 00:59 UTC)
  minute 183 1681959780000,0.4146,0.4148,0.414,0.4141,167058.0  (03:03, first low <= 0.4140)
  last       1682639940000,0.41,0.4101,0.4099,0.4101,21215.8    (2023-04-27 23:59)
Mean volume of minutes 0-59: 83,903.8 ADA, so the first book level holds 5 % = 4,195 ADA.
"""

from __future__ import annotations

from decimal import Decimal

from tests.integration.exchange_contract.harness import bundled_market

from adapters.fake import FakeClock, FakeExchange
from adapters.fake.loader import BUNDLED_END_MS, BUNDLED_START_MS
from mexcore.values import Candle, OrderRequest, OrderStatus, OrderType, Side

ONE_AM = BUNDLED_START_MS + 60 * 60_000
SYMBOL = "ADAUSDT"


def exchange_at(time_ms: int) -> tuple[FakeExchange, FakeClock]:
    """Return a fake exchange on the bundled data with 100 USDT, at `time_ms`."""
    clock = FakeClock(time_ms)
    exchange = FakeExchange(clock, bundled_market())
    exchange.deposit("USDT", Decimal(100))
    return exchange, clock


async def test_candles_at_one_am_are_the_csv_rows_of_the_last_completed_minutes() -> None:
    exchange, _ = exchange_at(ONE_AM)

    candles = await exchange.candles(SYMBOL, "1m", 1)

    # The CSV leaves quote_volume empty: close × volume = 0.4192 × 12047 = 5050.1024.
    row = ("0.4192", "0.4193", "0.4190", "0.4192", "12047", "5050.1024")
    assert candles == [Candle(1681952340000, *row)]


async def test_buy_and_hold_for_a_week_loses_what_the_price_lost() -> None:
    # Last price 0.4192, half-spread 1 tick: ask 0.4193. Budget 100 at 0.4193 × 1.0005 =
    # 0.41950965 a unit: 100 / 0.41950965 = 238.37… → 238.37 ADA (step 0.01), costing
    # 238.37 × 0.4193 = 99.948541 plus 0.05 % fee 0.0499742705 = 99.9985152705 USDT.
    exchange, clock = exchange_at(ONE_AM)
    buy = OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, "hold1", quote_qty=Decimal(100))

    await exchange.place_order(buy)
    clock.advance_to(BUNDLED_END_MS)

    balances = await exchange.balances()
    fills = await exchange.my_fills(SYMBOL)
    assert [(f.price, f.qty, f.fee, f.fee_asset) for f in fills] == [
        (Decimal("0.4193"), Decimal("238.37"), Decimal("0.0499742705"), "USDT")
    ]
    assert balances["ADA"].free == Decimal("238.37")
    assert balances["USDT"].free == Decimal("0.0014847295")
    # Held to 2023-04-28 00:00: last close 0.4101, so 238.37 × 0.4101 = 97.755537 USDT.
    worth = balances["ADA"].free * exchange.last_price(SYMBOL) + balances["USDT"].free
    assert worth == Decimal("97.7570217295")


async def test_resting_buy_fills_at_its_price_when_the_path_first_reaches_it() -> None:
    # Minute 183 is a down candle (close 0.4141 < open 0.4146): path 0.4146 → 0.4148 → 0.414
    # → 0.4141; it reaches 0.4140 at the end of the second leg, 2/3 into the minute (+40 s).
    exchange, clock = exchange_at(ONE_AM)
    buy = OrderRequest(
        SYMBOL, Side.BUY, OrderType.LIMIT, "rest1", quantity=Decimal(100), price=Decimal("0.414")
    )
    await exchange.place_order(buy)
    locked = (await exchange.balances())["USDT"].locked

    clock.advance_to(1681959780000 + 59_999)
    before = await exchange.get_order(SYMBOL, "rest1")
    clock.advance_to(1681959840000)
    after = await exchange.get_order(SYMBOL, "rest1")

    fills = await exchange.my_fills(SYMBOL)
    balances = await exchange.balances()
    assert locked == Decimal("41.4207")  # 100 × 0.414 × (1 + 0.0005 taker bound)
    assert before.status is OrderStatus.NEW
    assert after.status is OrderStatus.FILLED
    assert [(f.price, f.qty, f.fee, f.is_maker, f.time_ms) for f in fills] == [
        (Decimal("0.414"), Decimal(100), Decimal(0), True, 1681959820000)
    ]
    assert balances["USDT"].free == Decimal("58.6")
    assert balances["USDT"].locked == Decimal(0)
    assert balances["ADA"].free == Decimal(100)
