"""Downloads from the sandbox: its candles exactly, resumed after a kill, gaps reported."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.integration.mexc.harness import SkippingClock, loopback_limiter

from adapters.fake import FakeClock
from adapters.fake.candle_files import HEADER, read_candle_file
from adapters.fake.loader import BUNDLED_START_MS
from adapters.fake.testing.markets import bundled_market
from adapters.mexc import MexcHttp, MexcSettings
from adapters.mexc.errors import ServerError
from adapters.sandbox import Sandbox, SandboxConfig
from adapters.sandbox.app import create_app
from adapters.sandbox.render import text
from runners.download import DownloadJob, download_symbol

MINUTE = 60_000
DAY = 1440 * MINUTE
NOW = BUNDLED_START_MS + 3 * DAY + 20_000
SYMBOL = "BTCUSDT"


class Killed(BaseException):
    """The process dies: nothing catches it."""


class KillAfter(httpx.AsyncBaseTransport):
    """Pass requests to the app; after `pages` klines requests die (or answer 503 for ever)."""

    def __init__(self, app: Any, pages: int | None = None, outage: bool = False) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self.pages, self.outage = pages, outage
        self.klines = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v3/klines":
            self.klines += 1
            if self.pages is not None and self.klines > self.pages:
                if self.outage:
                    return httpx.Response(503, text="<html>503 Service Unavailable</html>")
                raise Killed
        return await self._inner.handle_async_request(request)


class World:
    """A sandbox at NOW and a way to talk MEXC to it."""

    def __init__(self) -> None:
        self.app = create_app(SandboxConfig(rate_limit=False), clock=FakeClock(NOW),
                              market=bundled_market())
        self.pacing = SkippingClock()

    @property
    def sandbox(self) -> Sandbox:
        return self.app.state.sandbox  # type: ignore[no-any-return]

    async def download(self, job: DownloadJob, kill_after: int | None = None,
                       outage: bool = False) -> dict[str, Any]:
        transport = KillAfter(self.app, kill_after, outage)
        async with httpx.AsyncClient(transport=transport) as client:
            http = MexcHttp(client, MexcSettings(base_url="http://sandbox"),
                            clock=self.sandbox.clock, limiter=loopback_limiter(self.pacing))
            return await download_symbol(http, job)


@pytest.fixture
def world() -> World:
    return World()


def job(folder: Path, days: int = 2, **changes: Any) -> DownloadJob:
    values: dict[str, Any] = {"folder": folder, "symbol": SYMBOL, "interval": "1m",
                              "from_ms": BUNDLED_START_MS, "to_ms": BUNDLED_START_MS + days * DAY,
                              "chunk_rows": 1000, **changes}
    return DownloadJob(**values)


def file_text(folder: Path, name: str = f"{SYMBOL}-1m.csv.gz") -> str:
    return gzip.decompress((folder / name).read_bytes()).decode()


def sandbox_lines(minutes: int, start_minute: int = 0) -> list[str]:
    market, lines = bundled_market(), []
    for done in range(start_minute + 1000, start_minute + minutes + 1000, 1000):
        upto = min(done, start_minute + minutes)
        for c in market.candles(SYMBOL, "1m", upto - (done - 1000), upto):
            lines.append(",".join(str(x) for x in (
                c.open_time_ms, text(c.open), text(c.high), text(c.low), text(c.close),
                text(c.volume), text(c.quote_volume))))
    return lines


async def test_a_download_holds_exactly_the_sandboxs_candles(world: World,
                                                            tmp_path: Path) -> None:
    report = await world.download(job(tmp_path))

    assert file_text(tmp_path).splitlines() == [HEADER, *sandbox_lines(2 * 1440)]
    assert (report["candles"], report["gaps"], report["no_candles_after"]) == (2880, [], None)


async def test_the_loader_reads_the_downloaded_file(world: World, tmp_path: Path) -> None:
    await world.download(job(tmp_path, days=1))

    times, rows = read_candle_file(tmp_path / f"{SYMBOL}-1m.csv.gz")

    assert times.tolist() == [BUNDLED_START_MS + i * MINUTE for i in range(1440)]
    assert rows.shape == (1440, 6)


async def test_a_download_killed_after_some_pages_resumes_to_the_same_file(
        world: World, tmp_path: Path) -> None:
    clean, resumed = tmp_path / "clean", tmp_path / "resumed"
    await world.download(job(clean))

    with pytest.raises(Killed):
        await world.download(job(resumed), kill_after=2)
    kept = file_text(resumed).splitlines()
    report = await world.download(job(resumed))

    assert len(kept) == 1 + 2000  # the two pages written, nothing of the third
    assert file_text(resumed) == file_text(clean)
    assert report["added"] == 880


async def test_an_outage_that_outlasts_the_retries_stops_the_download_and_resume_completes_it(
        world: World, tmp_path: Path) -> None:
    clean, broken = tmp_path / "clean", tmp_path / "broken"
    await world.download(job(clean))

    with pytest.raises(ServerError):
        await world.download(job(broken), kill_after=1, outage=True)
    await world.download(job(broken))

    assert file_text(broken) == file_text(clean)


async def test_a_torn_file_loses_its_partial_last_line_and_resumes_without_a_duplicate(
        world: World, tmp_path: Path) -> None:
    clean, torn = tmp_path / "clean", tmp_path / "torn"
    await world.download(job(clean))
    lines = file_text(clean).splitlines(keepends=True)
    torn.mkdir()
    cut = "".join(lines[:1501]) + lines[1501][:17]  # 1500 rows and a third of the next
    (torn / f"{SYMBOL}-1m.csv.gz").write_bytes(gzip.compress(cut.encode())[:-9])

    await world.download(job(torn))

    assert file_text(torn) == file_text(clean)


async def test_a_resumed_download_only_asks_for_what_it_lacks(world: World,
                                                             tmp_path: Path) -> None:
    await world.download(job(tmp_path, days=1))
    report = await world.download(job(tmp_path, days=2))
    again = await world.download(job(tmp_path, days=2))

    assert (report["added"], again["added"], again["candles"]) == (1440, 0, 2880)
    assert file_text(tmp_path).splitlines()[1:] == sandbox_lines(2880)


async def test_a_gap_the_exchange_has_is_reported_and_not_filled(world: World,
                                                                tmp_path: Path) -> None:
    lacks = (BUNDLED_START_MS + 990 * MINUTE, BUNDLED_START_MS + 1010 * MINUTE)
    world.sandbox.faults.klines_missing = (lacks,)

    report = await world.download(job(tmp_path))

    opens = [int(line.split(",")[0]) for line in file_text(tmp_path).splitlines()[1:]]
    assert len(opens) == 2880 - 20
    assert not set(range(*lacks, MINUTE)) & set(opens)
    saved = json.loads((tmp_path / f"{SYMBOL}-1m.gaps.json").read_text())
    assert saved["gaps"] == [{"from_ms": lacks[0], "to_ms": lacks[1],
                              "from": "2023-04-20T16:30:00Z", "to": "2023-04-20T16:50:00Z",
                              "missing_candles": 20}]
    assert saved == report


async def test_a_gap_found_before_a_kill_is_still_reported_after_the_resume(
        world: World, tmp_path: Path) -> None:
    lacks = (BUNDLED_START_MS + 10 * MINUTE, BUNDLED_START_MS + 12 * MINUTE)
    world.sandbox.faults.klines_missing = (lacks,)
    with pytest.raises(Killed):
        await world.download(job(tmp_path), kill_after=1)

    report = await world.download(job(tmp_path))

    assert [(g["from_ms"], g["missing_candles"]) for g in report["gaps"]] == [(lacks[0], 2)]


async def test_candles_missing_at_the_end_are_reported_as_none_after(world: World,
                                                                    tmp_path: Path) -> None:
    end = BUNDLED_START_MS + 2 * DAY
    world.sandbox.faults.klines_missing = ((end - 30 * MINUTE, end),)

    report = await world.download(job(tmp_path))

    assert report["no_candles_after"]["missing_candles"] == 30
    assert report["gaps"] == []


async def test_a_429_from_the_sandbox_is_waited_out_and_the_download_completes(
        world: World, tmp_path: Path) -> None:
    world.sandbox.faults.rate_limit_next, world.sandbox.faults.retry_after_s = 1, 7.0

    report = await world.download(job(tmp_path))

    assert report["candles"] == 2880
    assert sum(world.pacing.sleeps) > 6.5  # Retry-After, less the moments since the answer


async def test_a_download_to_now_stops_at_the_last_closed_candle(world: World,
                                                                tmp_path: Path) -> None:
    report = await world.download(job(tmp_path, from_ms=NOW - 3 * MINUTE - 20_000, to_ms=None))

    assert report["last_candle"] == "2023-04-22T23:59:00Z"
    assert report["candles"] == 3


async def test_hourly_candles_page_by_their_close_time(world: World, tmp_path: Path) -> None:
    report = await world.download(job(tmp_path, interval="60m"))

    rows = file_text(tmp_path, f"{SYMBOL}-60m.csv.gz").splitlines()[1:]
    assert report["candles"] == len(rows) == 48
    assert int(rows[1].split(",")[0]) - int(rows[0].split(",")[0]) == 3_600_000


async def test_an_earlier_from_than_the_file_holds_is_refused(world: World,
                                                             tmp_path: Path) -> None:
    from runners.cli_checks import UsageError

    await world.download(job(tmp_path, from_ms=BUNDLED_START_MS + DAY))

    with pytest.raises(UsageError, match="only grows a file forward"):
        await world.download(job(tmp_path))

