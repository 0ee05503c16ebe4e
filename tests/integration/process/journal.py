"""Read the bot's SQLite state file from outside the process, while it runs or after it died."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path

import attrs
from tests.integration.process.sandbox_reader import SandboxFill as JournalFill  # one fill row

from adapters.sqlite.store import FILE_NAME


@attrs.frozen
class Intent:
    """One row of the intent journal."""

    client_order_id: str
    runner: str
    symbol: str
    type: str
    status: str
    created_ms: int
    reason: str


class Journal:
    """Short read transactions on `state_dir/mexbot.sqlite3` (WAL lets the bot write meanwhile)."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / FILE_NAME

    @contextmanager
    def _rows(self, sql: str) -> Iterator[list[tuple[object, ...]]]:
        if not self.path.exists():
            yield []
            return
        with closing(sqlite3.connect(self.path, timeout=30)) as conn:
            try:
                yield conn.execute(sql).fetchall()
            except sqlite3.OperationalError as e:
                if "no such table" not in str(e):  # the bot has not migrated the file yet
                    raise
                yield []

    def intents(self) -> list[Intent]:
        """Return every intent, oldest first."""
        with self._rows("SELECT client_order_id, runner, symbol, type, status, created_ms, reason"
                        " FROM intents ORDER BY created_ms, client_order_id") as rows:
            return [Intent(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), int(str(r[5])),
                           str(r[6])) for r in rows]

    def statuses(self) -> dict[str, str]:
        """Return each intent's status by client order id (a cheap poll)."""
        with self._rows("SELECT client_order_id, status FROM intents") as rows:
            return {str(cid): str(status) for cid, status in rows}

    def fills(self) -> list[JournalFill]:
        """Return every journaled fill."""
        with self._rows("SELECT symbol, trade_id, order_id, side, price, qty, quote_qty, fee,"
                        " fee_asset, time_ms FROM fills ORDER BY time_ms, rowid") as rows:
            return [JournalFill(str(r[0]), str(r[1]), str(r[2]), str(r[3]), Decimal(str(r[4])),
                                Decimal(str(r[5])), Decimal(str(r[6])), Decimal(str(r[7])),
                                str(r[8]), int(str(r[9]))) for r in rows]

    def cooldowns(self) -> dict[str, int]:
        """Return the stored end of each cooldown (ms) by key."""
        with self._rows("SELECT key, value FROM state WHERE key LIKE 'cooldown.%'") as rows:
            return {str(k).removeprefix("cooldown."): int(str(v)) for k, v in rows}
