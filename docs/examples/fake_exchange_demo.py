"""Place a few orders on the FakeExchange over the bundled candles and print the fills.

Run: .venv/bin/python docs/examples/fake_exchange_demo.py
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

from adapters.fake import FakeClock, FakeExchange, load_market_data
from adapters.fake.loader import BUNDLED_START_MS
from mexcore.values import OrderRequest, OrderType, Side


def when(time_ms: int) -> str:
    """Format epoch milliseconds as a UTC time."""
    return datetime.fromtimestamp(time_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


async def main() -> None:
    """Buy at market, rest a maker bid and a profit-taking sell, let two days pass."""
    clock = FakeClock(BUNDLED_START_MS + 24 * 3600 * 1000)  # one day in: full 24 h tickers
    exchange = FakeExchange(clock, load_market_data(seed=1))
    exchange.deposit("USDC", Decimal(300))
    exchange.deposit("USDT", Decimal(300))

    book = await exchange.order_book("ETHUSDC", 3)
    print(f"{when(clock.now_ms())} ETHUSDC bid {book.best_bid} ask {book.best_ask}")
    await exchange.place_order(OrderRequest(
        "BTCUSDC", Side.BUY, OrderType.MARKET, "demo-mkt", quote_qty=Decimal(100)))
    assert book.best_bid is not None
    bid_1pct_lower = (book.best_bid * Decimal("0.99")).quantize(Decimal("0.01"))
    await exchange.place_order(OrderRequest(
        "ETHUSDC", Side.BUY, OrderType.LIMIT_MAKER, "demo-maker",
        quantity=Decimal("0.05"), price=bid_1pct_lower))
    sol = exchange.last_price("SOLUSDT")
    await exchange.place_order(OrderRequest(
        "SOLUSDT", Side.BUY, OrderType.MARKET, "demo-sol", quote_qty=Decimal(50)))
    sol_qty = (await exchange.balances())["SOL"].free
    await exchange.place_order(OrderRequest(
        "SOLUSDT", Side.SELL, OrderType.LIMIT, "demo-tp",
        quantity=sol_qty, price=(sol * Decimal("1.01")).quantize(Decimal("0.01"))))

    for _ in range(48):
        await clock.sleep(3600)
        exchange.sync()

    for fill in exchange.all_fills():
        print(f"{when(fill.time_ms)} {fill.client_order_id:<11} {fill.symbol:<8} "
              f"{fill.side.value:<4} {fill.qty} @ {fill.price} fee {fill.fee} {fill.fee_asset} "
              f"{'maker' if fill.is_maker else 'taker'}")
    for order in await exchange.open_orders():
        print(f"still open: {order.client_order_id} {order.symbol} {order.price}")
    for balance in (await exchange.balances()).values():
        print(f"{balance.asset:<5} free {balance.free} locked {balance.locked}")


if __name__ == "__main__":
    asyncio.run(main())
