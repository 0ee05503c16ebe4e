"""Read candle CSV files (gzip or plain): the span from the first and last rows, rows by range.

A file is `open_time_ms,open,high,low,close,volume[,quote_volume]` with rows in time order (as
exchanges and `freqtrade download-data` write them). Only the rows of the range a run needs
are parsed: the range is found by bisecting the text on the time column, so rows outside it
are never read, and rows out of time order inside it are refused.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from adapters.fake.series import Floats

HEADER = "open_time_ms,open,high,low,close,volume,quote_volume"
SHORT_HEADER = "open_time_ms,open,high,low,close,volume"
MINUTE_MS = 60_000
_TAIL_BYTES = 1 << 16
_BLANK = b" \t\r\n"
_BLOCK_BYTES = 1 << 16
_EXACT_DIGITS = 15  # below 2**53: the integer of the digits is an exact float
_POW10 = 10.0 ** np.arange(23)  # exact floats up to 10**22
_NEWLINE, _DOT, _ZERO = ord("\n"), ord("."), ord("0")
_PLAIN = np.zeros(256, dtype=bool)
_PLAIN[np.frombuffer(b"0123456789.,\n", dtype=np.uint8)] = True
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[[ord(","), _NEWLINE]] = True

CandleFile = tuple[np.ndarray, Floats]
"""One file's open times in ms and its (n, 6) rows."""


class DataError(ValueError):
    """Market data that cannot be used as asked; the message names the file or symbol."""


def candle_span(path: Path) -> tuple[int, int] | None:
    """Return [first open, last open + 1 minute) of a candle file, None when it has no rows.

    Reads the header and the last row; a gzip file is decompressed as a stream, never held.
    """
    try:
        head, tail = _head_and_tail(path)
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"{path}: not a readable candle file ({e})") from None
    body = _check_header(path, head)
    if not body.strip():
        return None
    last = tail.rstrip().rsplit(b"\n", 1)[-1]
    return _time_of(path, body.lstrip(b"\r\n")), _time_of(path, last) + MINUTE_MS


def read_candle_file(
    path: Path, start_ms: int | None = None, end_ms: int | None = None
) -> CandleFile:
    """Return (open times in ms, (n, 6) rows) of the rows in [start_ms, end_ms) (None: open)."""
    try:
        raw = path.read_bytes()
        data = gzip.decompress(raw) if path.suffix == ".gz" else raw
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"{path}: not a readable candle file ({e})") from None
    del raw
    start = _body_start(path, data)
    body = (start, max(start, _content_end(data)))
    first = body[0] if start_ms is None else _first_line_from(path, data, body, start_ms)
    stop = body[1] if end_ms is None else _first_line_from(path, data, body, end_ms)
    return _parse(path, data[first:max(first, stop)])


def _head_and_tail(path: Path) -> tuple[bytes, bytes]:
    with gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as stream:
        head = tail = stream.read(_TAIL_BYTES)
        while chunk := stream.read(_TAIL_BYTES):
            tail = tail[-_TAIL_BYTES:] + chunk
    return head, tail


def _content_end(data: bytes) -> int:
    end = len(data)
    while end and data[end - 1] in _BLANK:  # without copying the data as rstrip would
        end -= 1
    return end


def _check_header(path: Path, data: bytes) -> bytes:
    return data[_body_start(path, data):]


def _body_start(path: Path, data: bytes) -> int:
    newline = data.find(b"\n")
    end = len(data) if newline < 0 else newline
    text = data[:end].decode(errors="replace").strip()
    if text not in (HEADER, SHORT_HEADER):
        raise DataError(f"{path}: bad header {text[:80]!r}; expected {HEADER!r}")
    return end + 1


def _time_of(path: Path, line: bytes) -> int:
    try:
        return int(float(line.split(b",", 1)[0]))
    except ValueError:
        raise DataError(f"{path}: unreadable candle row {line[:80]!r}") from None


def _first_line_from(path: Path, data: bytes, body: tuple[int, int], time_ms: int) -> int:
    """Return the offset of the first line of `body` whose open time is `time_ms` or later."""
    lo, hi = body  # both line starts (or the end); the answer lies in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        start = data.rfind(b"\n", 0, mid) + 1  # the line holding `mid` starts at lo or later
        end = data.find(b"\n", start, body[1])
        end = body[1] if end < 0 else end
        if _time_of(path, data[start:end]) < time_ms:
            lo = min(end + 1, body[1])
        else:
            hi = start
    return lo


def _parse(path: Path, chunk: bytes) -> CandleFile:
    if not chunk.strip():
        return np.zeros(0, dtype=np.int64), np.zeros((0, 6))
    table = plain_table(chunk)
    if table is None:  # not only plain decimals: the general (slower) reader decides
        table = _general_table(path, chunk)
    if table.shape[1] == 6:
        table = np.column_stack((table, np.full(len(table), np.nan)))
    if table.shape[1] != 7:
        raise DataError(f"{path}: rows of {table.shape[1]} columns; expected 6 or 7")
    times = table[:, 0].astype(np.int64)
    if len(times) > 1 and (np.diff(times) < 0).any():
        at = int(np.argmax(np.diff(times) < 0)) + 1
        raise DataError(f"{path}: rows out of time order (open time {times[at]} after "
                        f"{times[at - 1]}); the rows must be sorted by open time")
    return times, table[:, 1:7]


def _general_table(path: Path, chunk: bytes) -> Floats:
    text = (chunk.decode(errors="replace") + "\n").replace(",\n", ",nan\n")
    try:
        table: Floats = np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2, dtype=np.float64)
    except ValueError as e:
        raise DataError(f"{path}: unreadable candle rows ({e})") from None
    return table


def plain_table(chunk: bytes) -> Floats | None:
    """Return the rows of `chunk` as an (n, columns) table, None unless all are plain decimals.

    Plain: digits with at most one dot, at most 15 digits (so the integer of the digits is an
    exact float, and so is its division by a power of ten: the same correctly rounded float a
    decimal parser gives), comma-separated, the same count per row; only the last column may
    be empty (NaN). Read in blocks of whole rows to keep the work arrays small.
    """
    blocks, start = [], 0
    end_of_rows = chunk.rstrip(_BLANK)
    while start < len(end_of_rows):
        stop = end_of_rows.rfind(b"\n", start, start + _BLOCK_BYTES)
        stop = len(end_of_rows) if stop <= start else stop
        block = _plain_block(end_of_rows[start:stop] + b"\n")
        if block is None:
            return None
        blocks.append(block)
        start = stop + 1
    widths = {b.shape[1] for b in blocks}
    return np.concatenate(blocks) if len(widths) == 1 else None


def _plain_block(rows: bytes) -> Floats | None:
    buf = np.frombuffer(rows, dtype=np.uint8)
    if not _PLAIN[buf].all():
        return None
    is_sep = _SEPARATOR[buf]
    seps = np.flatnonzero(is_sep)
    lines = int(np.count_nonzero(buf == _NEWLINE))
    columns = len(seps) // lines
    if len(seps) != lines * columns or not (buf[seps[columns - 1::columns]] == _NEWLINE).all():
        return None  # rows of different widths
    digits = (buf - _ZERO) < 10
    seen = np.cumsum(digits, dtype=np.int32)  # digits up to and including each byte
    field = np.cumsum(is_sep, dtype=np.int32) - is_sep  # the field each byte belongs to
    count = np.diff(seen[seps], prepend=0)  # digits per field
    fraction = _fraction_digits(buf, seen, field, seps)
    if fraction is None or count.max() > _EXACT_DIGITS or not _only_last_empty(count, columns):
        return None
    at = np.flatnonzero(digits)
    places = seen[seps][field[at]] - seen[at]  # digits after each digit in its field
    whole = np.bincount(field[at], weights=(buf[at] - _ZERO) * _POW10[places],
                        minlength=len(seps))
    values = whole / _POW10[fraction]
    values[count == 0] = np.nan
    return values.reshape(lines, columns)


def _fraction_digits(
    buf: npt.NDArray[np.uint8], seen: npt.NDArray[np.int32], field: npt.NDArray[np.int32],
    seps: npt.NDArray[np.intp],
) -> npt.NDArray[np.int32] | None:
    dots = np.flatnonzero(buf == _DOT)
    owner = field[dots]
    if len(owner) > 1 and not (np.diff(owner) > 0).all():
        return None  # two dots in one number
    fraction = np.zeros(len(seps), dtype=np.int32)
    fraction[owner] = seen[seps][owner] - seen[dots]
    return fraction


def _only_last_empty(count: npt.NDArray[np.int32], columns: int) -> bool:
    empty = np.flatnonzero(count == 0)
    return empty.size == 0 or (columns == 7 and bool((empty % columns == columns - 1).all()))
