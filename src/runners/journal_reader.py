"""Open the journal of a configuration's state_dir for reading commands; never the network."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from adapters.sqlite import FILE_NAME, SqliteStore
from mexcore.errors import StopForHuman


def mexbot_version() -> str:
    """Return the installed mexbot version ("unknown" when run from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError, version  # ~3 MiB: only when asked

    try:
        return version("mexbot")
    except PackageNotFoundError:
        return "unknown"


def config_option(parser: argparse.ArgumentParser) -> None:
    """Add `--config`: the configuration whose state_dir is read."""
    parser.add_argument("--config", type=Path, default=None,
                        help="mexbot.toml whose state_dir to read (optional)")


@contextmanager
def opened_journal(state_dir: Path) -> Iterator[SqliteStore]:
    """Open the journal in `state_dir` without claiming it; refuse when there is none."""
    if not (state_dir / FILE_NAME).is_file():
        raise StopForHuman(f"no journal in {state_dir} ({FILE_NAME}): has the bot run with "
                           "this configuration? (--config FILE)")
    store = SqliteStore(state_dir)
    try:
        yield store
    finally:
        store.close()


def utc_text(time_ms: int | None) -> str:
    """Render epoch milliseconds as `2026-12-03 13:14:05 UTC` ("never" for None)."""
    if time_ms is None:
        return "never"
    return datetime.fromtimestamp(time_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def parse_date(text: str) -> int:
    """Parse `YYYY-MM-DD` or an ISO date-time (UTC unless it says otherwise) to epoch ms."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
