"""The files of `mexbot download`: a gzip candle CSV per symbol and interval, and its gaps report.

The CSV is the format the loader reads (`open_time_ms,open,high,low,close,volume,quote_volume`,
`SYMBOL-1m.csv.gz`). It grows a chunk at a time: the old file's bytes plus a new gzip member
go to a temporary file that then replaces it, so a kill leaves the file as it was before the
chunk. A file torn some other way (a copy cut short) loses its partial last line on resume.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import zlib
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import attrs

from adapters.fake.candle_files import HEADER, DataError
from adapters.mexc.klines_download import Gap, KlineRow, candles_between, later_open

_READ_BYTES = 1 << 16


def candle_path(folder: Path, symbol: str, interval: str) -> Path:
    """Return the candle file of a symbol and interval: `BTCUSDC-1m.csv.gz`."""
    return folder / f"{symbol}-{interval}.csv.gz"


def gaps_path(folder: Path, symbol: str, interval: str) -> Path:
    """Return the gaps report beside the candle file: `BTCUSDC-1m.gaps.json`."""
    return folder / f"{symbol}-{interval}.gaps.json"


@attrs.frozen
class FileState:
    """What a candle file already holds: its first and last open times, rows and gaps."""

    first_ms: int | None = None
    last_ms: int | None = None
    rows: int = 0
    gaps: tuple[Gap, ...] = ()
    repaired: bool = False  # a torn tail was cut off


def _gunzip_prefix(path: Path) -> tuple[bytes, bool]:
    """Return what decompresses of `path` (every gzip member) and whether all of it did."""
    out: list[bytes] = []
    unpack, fed = zlib.decompressobj(wbits=31), False  # fed: the member under way has begun
    with path.open("rb") as stream:
        while chunk := stream.read(_READ_BYTES):
            while chunk:
                try:
                    out.append(unpack.decompress(chunk))
                except zlib.error:
                    if not any(out):  # not damage at the end: no gzip file at all
                        raise DataError(f"{path}: not a gzip file; move it away") from None
                    return b"".join(out), False
                fed, chunk = True, b""
                if unpack.eof:  # the next member, if any, starts in what is left over
                    chunk, unpack, fed = unpack.unused_data, zlib.decompressobj(wbits=31), False
    return b"".join(out), not fed


def _open_times(path: Path, body: bytes) -> list[int]:
    times = []
    for number, line in enumerate(body.splitlines()[1:], start=2):
        if not line.strip():
            continue
        fields = line.split(b",")
        try:
            times.append(int(fields[0]))
        except ValueError:
            raise DataError(f"{path}: line {number} is not a candle row: {line[:80]!r}") from None
        if len(fields) != 7:
            raise DataError(f"{path}: line {number} has {len(fields)} fields, expected 7")
    return times


def _gaps(path: Path, interval: str, times: Sequence[int]) -> tuple[Gap, ...]:
    gaps = []
    for before, after in pairwise(times):
        expected = later_open(interval, before, 1)
        if after < expected:
            raise DataError(f"{path}: candle {after} repeats or goes back after {before}")
        if after > expected:
            gaps.append(Gap(expected, after, candles_between(interval, expected, after)))
    return tuple(gaps)


def read_state(path: Path, interval: str) -> FileState:
    """Return what the candle file at `path` holds; cut a torn tail off it first (rewritten)."""
    if not path.exists():
        return FileState()
    text, whole = _gunzip_prefix(path)
    body = text[:text.rfind(b"\n") + 1]  # an unfinished last line is dropped
    if body and not body.startswith(HEADER.encode() + b"\n"):
        raise DataError(f"{path}: not a candle file of mexbot download (header "
                        f"{body[:60]!r}); move it away or choose another --out")
    torn = not whole or len(body) != len(text)
    if torn:
        replace_bytes(path, gzip.compress(body, mtime=0) if body else b"")
    times = _open_times(path, body)
    if not times:
        return FileState(repaired=torn)
    return FileState(times[0], times[-1], len(times), _gaps(path, interval, times), torn)


def replace_bytes(path: Path, data: bytes, keep: Path | None = None) -> None:
    """Write `keep`'s bytes (if given) then `data` to a temporary file; rename it to `path`."""
    part = path.with_name(path.name + ".part")
    with part.open("wb") as out:
        if keep is not None and keep.exists():
            with keep.open("rb") as old:
                shutil.copyfileobj(old, out)
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(part, path)


def append_rows(path: Path, rows: Sequence[KlineRow]) -> None:
    """Add `rows` to the candle file as one new gzip member, atomically (header if new)."""
    head = "" if path.exists() and path.stat().st_size > 0 else HEADER + "\n"
    text = head + "".join(row.csv_line() for row in rows)
    replace_bytes(path, gzip.compress(text.encode(), mtime=0), keep=path)


def gap_json(gap: Gap) -> dict[str, Any]:
    """Return a gap as the report lists it (epoch ms and UTC text)."""
    return {"from_ms": gap.from_ms, "to_ms": gap.to_ms, "from": utc_iso(gap.from_ms),
            "to": utc_iso(gap.to_ms), "missing_candles": gap.missing}


def utc_iso(time_ms: int) -> str:
    """Return epoch ms as `2025-01-01T00:00:00Z`."""
    moment = dt.datetime.fromtimestamp(time_ms / 1000, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_asked_from(path: Path) -> int | None:
    """Return the `--from` (ms) a previous download of this file asked for, None if unknown."""
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("asked_from_ms")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def write_json(path: Path, report: dict[str, Any]) -> None:
    """Write a JSON report atomically."""
    replace_bytes(path, (json.dumps(report, indent=2) + "\n").encode())
