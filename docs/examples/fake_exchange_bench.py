"""Measure the FakeExchange: loading the bundle, and minute cycles (advance, tickers, book).

Run: .venv/bin/python docs/examples/fake_exchange_bench.py
"""

from __future__ import annotations

import asyncio
import time

from adapters.fake import FakeClock, FakeExchange, load_market_data
from adapters.fake.loader import BUNDLED_START_MS


async def main() -> None:
    """Print the load time and the cycles per second with and without a resting order."""
    started = time.perf_counter()
    market = load_market_data()
    print(f"load 8-day bundle (21 symbols, 11,520 minutes): {time.perf_counter() - started:.3f} s")
    clock = FakeClock(BUNDLED_START_MS + 24 * 3600 * 1000)
    exchange = FakeExchange(clock, market)
    cycles, started = 0, time.perf_counter()
    while cycles < 3000:
        clock.advance(60)
        await exchange.tickers_24h()
        await exchange.order_book("BTCUSDC")
        cycles += 1
    elapsed = time.perf_counter() - started
    print(f"advance 1 min + tickers_24h (21) + order_book: {cycles / elapsed:,.0f} cycles/s")
    started = time.perf_counter()
    clock.advance_to(market.end_ms)
    await exchange.balances()
    print(f"jump to the end with no resting orders: {time.perf_counter() - started:.6f} s")


if __name__ == "__main__":
    asyncio.run(main())
