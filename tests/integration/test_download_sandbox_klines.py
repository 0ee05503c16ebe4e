"""The sandbox pages its history on /api/v3/klines as MEXC does: startTime, endTime, limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.fake import FakeClock
from adapters.fake.loader import BUNDLED_START_MS
from adapters.fake.testing.markets import bundled_market
from adapters.sandbox import SandboxConfig
from adapters.sandbox.app import create_app
from adapters.sandbox.klines import bucket_open, later_open

MINUTE = 60_000
DAY = 1440 * MINUTE
NOW = BUNDLED_START_MS + 3 * DAY + 30 * MINUTE + 20_000  # 20 s into a minute


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SandboxConfig(rate_limit=False), clock=FakeClock(NOW),
                     market=bundled_market())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://sandbox") as made:
        made.app = app  # type: ignore[attr-defined]
        yield made


async def klines(client: httpx.AsyncClient, **params: Any) -> Any:
    response = await client.get("/api/v3/klines", params={"symbol": "BTCUSDT", **params})
    return response.json()


async def test_a_start_time_gives_the_first_limit_candles_from_it(
        client: httpx.AsyncClient) -> None:
    rows = await klines(client, interval="1m", startTime=BUNDLED_START_MS, limit=1000)
    assert len(rows) == 1000
    assert rows[0][0] == BUNDLED_START_MS
    assert rows[-1][0] == BUNDLED_START_MS + 999 * MINUTE


async def test_a_start_time_between_candles_starts_at_the_next_candle(
        client: httpx.AsyncClient) -> None:
    rows = await klines(client, interval="5m", startTime=BUNDLED_START_MS + DAY + 1, limit=2)
    assert [r[0] for r in rows] == [BUNDLED_START_MS + DAY + 5 * MINUTE,
                                    BUNDLED_START_MS + DAY + 10 * MINUTE]


async def test_an_end_time_bounds_the_page_inclusively_on_the_open_time(
        client: httpx.AsyncClient) -> None:
    start = BUNDLED_START_MS + DAY
    rows = await klines(client, interval="1m", startTime=start, endTime=start + 9 * MINUTE)
    assert [r[0] for r in rows] == [start + i * MINUTE for i in range(10)]


async def test_only_an_end_time_gives_the_last_candles_up_to_it(
        client: httpx.AsyncClient) -> None:
    end = BUNDLED_START_MS + DAY + 9 * MINUTE
    rows = await klines(client, interval="1m", endTime=end, limit=3)
    assert [r[0] for r in rows] == [end - 2 * MINUTE, end - MINUTE, end]


async def test_a_page_ends_at_the_newest_candle_there_is_yet(
        client: httpx.AsyncClient) -> None:
    current = NOW - NOW % MINUTE  # the minute under way has no 1m candle yet
    rows = await klines(client, interval="1m", startTime=current - 2 * MINUTE, limit=1000)
    assert [r[0] for r in rows] == [current - 2 * MINUTE, current - MINUTE]


async def test_the_limit_is_capped_at_1000(client: httpx.AsyncClient) -> None:
    rows = await klines(client, interval="1m", startTime=BUNDLED_START_MS, limit=5000)
    assert len(rows) == 1000


async def test_a_span_the_exchange_lacks_is_skipped_and_the_page_still_filled(
        client: httpx.AsyncClient) -> None:
    start = BUNDLED_START_MS + DAY
    app: Any = client.app  # type: ignore[attr-defined]
    app.state.sandbox.faults.klines_missing = ((start + MINUTE, start + 1500 * MINUTE),)
    rows = await klines(client, interval="1m", startTime=start, limit=3)
    assert [r[0] for r in rows] == [start, start + 1500 * MINUTE, start + 1501 * MINUTE]


@pytest.mark.parametrize(("interval", "at", "opens", "next_open"), [
    ("60m", 1_700_003_000_000, 1_700_002_800_000, 1_700_006_400_000),
    ("1W", 1_700_003_000_000, 1_699_833_600_000, 1_700_438_400_000),  # Monday 2023-11-13
    ("1M", 1_700_003_000_000, 1_698_796_800_000, 1_701_388_800_000)])  # Nov → Dec 2023
def test_buckets_open_on_mexc_boundaries(interval: str, at: int, opens: int,
                                         next_open: int) -> None:
    assert bucket_open(interval, at) == opens
    assert later_open(interval, opens, 1) == next_open
