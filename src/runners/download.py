"""Download one symbol's candles into its file: resume after the last row, report the gaps.

Pages come from `kline_pages` through the MEXC adapter's rate limiter; rows are written a chunk
at a time (at least `chunk_rows`, and a quarter of the file, so rewriting stays linear). The
gaps report beside the file is rebuilt from the file itself on every run, so an interrupted
run loses nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from adapters.mexc.client import MexcHttp
from adapters.mexc.klines_download import (
    Gap,
    KlineRow,
    bucket_open,
    candles_between,
    closed_candles,
    find_gaps,
    kline_pages,
    later_open,
)
from runners.cli_checks import UsageError
from runners.download_files import (
    FileState,
    append_rows,
    candle_path,
    gap_json,
    gaps_path,
    read_asked_from,
    read_state,
    utc_iso,
    write_json,
)

CHUNK_ROWS = 10_000
Progress = Callable[[int, int], None]
"""Told (candles written so far this run, candles at most to come) after every page."""


@attrs.frozen
class DownloadJob:
    """One symbol and interval to bring up to `to_ms` (None: the server's now) in `folder`."""

    folder: Path
    symbol: str
    interval: str
    from_ms: int
    to_ms: int | None = None
    chunk_rows: int = CHUNK_ROWS


@attrs.define
class _Run:
    """A download under way: what the file holds, what is pending, where the pages are."""

    job: DownloadJob
    state: FileState
    asked_from_ms: int
    end_ms: int
    expected_ms: int | None
    pending: list[KlineRow] = attrs.field(factory=list)
    gaps: list[Gap] = attrs.field(factory=list)
    added: int = 0


def first_open_from(interval: str, time_ms: int) -> int:
    """Return the open of the first `interval` candle opening at or after `time_ms`."""
    opens = bucket_open(interval, time_ms)
    return opens if opens == time_ms else later_open(interval, opens, 1)


def _asked_from(job: DownloadJob, state: FileState) -> int:
    path = gaps_path(job.folder, job.symbol, job.interval)
    before = read_asked_from(path)
    if state.first_ms is None:
        return job.from_ms if before is None else min(before, job.from_ms)
    covered = before if before is not None else state.first_ms
    if job.from_ms < covered:
        raise UsageError("--from", f"{candle_path(job.folder, job.symbol, job.interval)} "
                         f"starts at {utc_iso(covered)}: a download only grows a file forward; "
                         "move the file away to download from earlier")
    return covered


async def download_symbol(http: MexcHttp, job: DownloadJob,
                          progress: Progress | None = None) -> dict[str, Any]:
    """Bring the candle file of `job` up to date; return the report written beside it."""
    job.folder.mkdir(parents=True, exist_ok=True)
    state = read_state(candle_path(job.folder, job.symbol, job.interval), job.interval)
    asked = _asked_from(job, state)
    end = job.to_ms if job.to_ms is not None else await http.server_now_ms()
    run = _Run(job, state, asked, end, None, gaps=list(state.gaps))
    if state.last_ms is not None:
        run.expected_ms = later_open(job.interval, state.last_ms, 1)
    cursor = run.expected_ms if run.expected_ms is not None else first_open_from(
        job.interval, job.from_ms)
    total = candles_between(job.interval, cursor, end) if cursor < end else 0
    async for page in kline_pages(http, job.symbol, job.interval, (cursor, end)):
        run.gaps += find_gaps(job.interval, run.expected_ms, page)
        run.expected_ms = page[-1].close_ms
        run.pending += page
        if len(run.pending) >= max(job.chunk_rows, (state.rows + run.added) // 4):
            _flush(run)
        if progress is not None:
            progress(run.added + len(run.pending), total)
    _flush(run)
    return _write_report(run)


def _flush(run: _Run) -> None:
    if not run.pending:
        return
    job = run.job
    append_rows(candle_path(job.folder, job.symbol, job.interval), run.pending)
    if run.state.first_ms is None and run.added == 0:
        run.state = attrs.evolve(run.state, first_ms=run.pending[0].open_ms)
    run.added += len(run.pending)
    run.state = attrs.evolve(run.state, last_ms=run.pending[-1].open_ms)
    run.pending = []
    _write_report(run)


def _write_report(run: _Run) -> dict[str, Any]:
    job, state = run.job, run.state
    report: dict[str, Any] = {
        "symbol": job.symbol, "interval": job.interval,
        "file": candle_path(job.folder, job.symbol, job.interval).name,
        "asked_from_ms": run.asked_from_ms, "asked_from": utc_iso(run.asked_from_ms),
        "checked_to_ms": run.end_ms, "checked_to": utc_iso(run.end_ms),
        "first_candle": None if state.first_ms is None else utc_iso(state.first_ms),
        "last_candle": None if state.last_ms is None else utc_iso(state.last_ms),
        "candles": state.rows + run.added, "added": run.added,
        "missing_candles": sum(g.missing for g in run.gaps),
        "gaps": [gap_json(g) for g in run.gaps], "no_candles_after": _tail(run),
    }
    write_json(gaps_path(job.folder, job.symbol, job.interval), report)
    return report


def _tail(run: _Run) -> dict[str, Any] | None:
    """Return the span at the end where candles could have closed but the exchange has none."""
    start = run.expected_ms if run.expected_ms is not None else first_open_from(
        run.job.interval, run.asked_from_ms)
    closed = closed_candles(run.job.interval, start, run.end_ms)
    end = later_open(run.job.interval, start, closed)
    return gap_json(Gap(start, end, closed)) if closed else None
