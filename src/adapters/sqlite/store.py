"""SqliteStore: the Store port on one SQLite file in WAL mode, every write one transaction."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

from adapters.sqlite import rows
from adapters.sqlite.owner import JournalOwner, claim, mismatch, read_owner
from adapters.sqlite.schema import NewerSchemaError, migrate
from mexcore.errors import StopForHuman
from mexcore.values import Fill, IntentStatus, OrderIntent, PortfolioSnapshot

FILE_NAME = "mexbot.sqlite3"
log = logging.getLogger(__name__)


class StateFileError(StopForHuman):
    """The state file cannot be used (unreadable, corrupt, newer, locked): a person must look."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"state file {path}: {problem}")
        self.path = path


class JournalModeError(StateFileError):
    """The journal was written by another mode or against another exchange: never mix them."""


def _problem(error: sqlite3.Error, busy_timeout_s: float) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return (
            f"database is locked; waited {busy_timeout_s:g} s for another process"
            " (is a second mexbot running on this state_dir?)"
        )
    return f"not a usable mexbot database ({text}); restore a backup or move it away"


class SqliteStore:
    """Keep the fill journal, order intents, runner state and snapshots in `state_dir`.

    The file is `state_dir/mexbot.sqlite3` in WAL mode with `synchronous=FULL`: a committed
    write survives a crash of the process or of the machine. Decimals are stored as their exact
    text. Semantics match `InMemoryStore` (the contract tests hold both to them).

    Opened with a `mode` (sim, paper, live) and the exchange's `base_url`, the store records
    them at the first open and raises JournalModeError when another mode or URL opens it.
    Without a `mode` (tools, tests) it checks and claims nothing.
    """

    def __init__(
        self,
        state_dir: str | Path,
        busy_timeout_s: float = 5.0,
        synchronous: str = "FULL",
        *,
        mode: str | None = None,
        base_url: str = "",
    ) -> None:
        self.path = Path(state_dir) / FILE_NAME
        self._busy_timeout_s = busy_timeout_s
        self._lock = threading.RLock()
        self._remove_on_close: Path | None = None
        self._fills_cache: dict[str | None, tuple[Fill, ...]] = {}
        _make_dir(Path(state_dir))
        self._conn = self._open(synchronous)
        self.adopted = False
        self._owner = self._claim(JournalOwner(mode, base_url)) if mode else self._read_owner()

    @classmethod
    def temporary(cls) -> SqliteStore:
        """Open a store in a fresh temporary directory that `close()` removes (for sim)."""
        directory = Path(tempfile.mkdtemp(prefix="mexbot-state-"))
        store = cls(directory, synchronous="OFF", mode="sim")
        store._remove_on_close = directory
        return store

    @property
    def mode(self) -> str | None:
        """Return the mode that owns this journal (None: not yet claimed)."""
        return None if self._owner is None else self._owner.mode

    @property
    def base_url(self) -> str | None:
        """Return the exchange base URL that owns this journal (None: not yet claimed)."""
        return None if self._owner is None else self._owner.base_url

    def _read_owner(self) -> JournalOwner | None:
        with self._lock, self._translated():
            return read_owner(self._conn)

    def _claim(self, wanted: JournalOwner) -> JournalOwner:
        with self._lock, self._translated():
            found, self.adopted = claim(self._conn, wanted)
        problem = mismatch(found, wanted)
        if problem is not None:
            self._conn.close()
            raise JournalModeError(self.path, problem)
        if self.adopted:
            log.warning("state file %s had no mode record (an older mexbot); adopted it for "
                        "mode %s on %s: if another mode ever wrote here, start over in a new "
                        "state_dir", self.path, wanted.mode, wanted.base_url or "(no exchange)")
        return found

    def close(self) -> None:
        """Close the file (checkpointing the WAL); remove it if the store is temporary."""
        with self._lock:
            self._conn.close()
        if self._remove_on_close is not None:
            shutil.rmtree(self._remove_on_close, ignore_errors=True)

    def backup(self, target: str | Path) -> Path:
        """Write a consistent copy of the database to `target` (one file), while in use."""
        target = Path(target)
        with self._lock, self._translated():
            copy = sqlite3.connect(target)
            try:
                self._conn.backup(copy)
            finally:
                copy.close()
        return target

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def record_fills(self, fills: Iterable[Fill]) -> int:
        """Add fills not yet journaled (unique by symbol and trade id); return how many."""
        fills = list(fills)
        batch = [rows.fill_row(f) for f in fills]
        with self._write() as conn:
            before = conn.total_changes
            conn.executemany(
                f"INSERT INTO fills ({rows.FILL_COLUMNS}) VALUES ({_marks(12)})"
                " ON CONFLICT (symbol, trade_id) DO NOTHING",
                batch,
            )
            added = conn.total_changes - before
            if added:  # only the lists a new fill can belong to
                for symbol in {f.symbol for f in fills} | {None}:
                    self._fills_cache.pop(symbol, None)
            return added

    def fills(self, symbol: str | None = None) -> Sequence[Fill]:
        """Return journaled fills, oldest first (by time, then by arrival).

        Runners read the journal every minute while it changes rarely, so reads are cached
        until this process records a fill (one bot process owns a state_dir).
        """
        with self._lock:
            cached = self._fills_cache.get(symbol)
            if cached is None:
                where, args = ("WHERE symbol = ?", (symbol,)) if symbol is not None else ("", ())
                found = self._read(
                    f"SELECT {rows.FILL_COLUMNS} FROM fills {where} ORDER BY time_ms, rowid", args
                )
                cached = self._fills_cache[symbol] = tuple(rows.fill_of(r) for r in found)
            return list(cached)

    def save_intent(self, intent: OrderIntent) -> None:
        """Insert or replace the intent with this client order id."""
        with self._write() as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO intents ({rows.INTENT_COLUMNS}) VALUES ({_marks(13)})",
                rows.intent_row(intent),
            )

    def intent(self, client_order_id: str) -> OrderIntent | None:
        """Return the intent with this client order id, if any."""
        found = self._read(
            f"SELECT {rows.INTENT_COLUMNS} FROM intents WHERE client_order_id = ?",
            (client_order_id,),
        )
        return rows.intent_of(found[0]) if found else None

    def intents(self, statuses: Iterable[IntentStatus] | None = None) -> Sequence[OrderIntent]:
        """Return intents (only those in `statuses` when given), oldest first."""
        where, args = "", []
        if statuses is not None:
            args = sorted({IntentStatus(s).value for s in statuses})
            where = f"WHERE status IN ({_marks(len(args))})"
        found = self._read(
            f"SELECT {rows.INTENT_COLUMNS} FROM intents {where}"
            " ORDER BY created_ms, client_order_id",
            args,
        )
        return [rows.intent_of(r) for r in found]

    def get_state(self, key: str) -> str | None:
        """Read one value of runner state (cooldowns, pause flags, throttles, cursors)."""
        found = self._read("SELECT value FROM state WHERE key = ?", (key,))
        return str(found[0][0]) if found else None

    def set_state(self, key: str, value: str | None) -> None:
        """Write (or with None delete) one value of runner state."""
        with self._write() as conn:
            if value is None:
                conn.execute("DELETE FROM state WHERE key = ?", (key,))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value)
                )

    def add_snapshot(self, snapshot: PortfolioSnapshot) -> None:
        """Journal a portfolio snapshot (replacing one taken at the same millisecond)."""
        with self._write() as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO snapshots ({rows.SNAPSHOT_COLUMNS}) VALUES (?, ?, ?)",
                rows.snapshot_row(snapshot),
            )

    def snapshots(self, since_ms: int | None = None) -> Sequence[PortfolioSnapshot]:
        """Return snapshots taken at or after `since_ms`, oldest first."""
        since = -(2**63) if since_ms is None else since_ms
        found = self._read(
            f"SELECT {rows.SNAPSHOT_COLUMNS} FROM snapshots WHERE time_ms >= ? ORDER BY time_ms",
            (since,),
        )
        return [rows.snapshot_of(r) for r in found]

    def snapshot_totals(self, since_ms: int | None = None) -> Sequence[tuple[int, Decimal]]:
        """Return (time_ms, total value) of snapshots taken at or after `since_ms`, oldest first."""
        since = -(2**63) if since_ms is None else since_ms
        found = self._read("SELECT time_ms, total_value FROM snapshots WHERE time_ms >= ? "
                           "ORDER BY time_ms", (since,))
        return [(int(t), Decimal(v)) for t, v in found]

    def _open(self, synchronous: str) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_s,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as e:
            raise StateFileError(self.path, _problem(e, self._busy_timeout_s)) from e
        try:
            _prepare(conn, synchronous)
        except sqlite3.Error as e:
            conn.close()
            raise StateFileError(self.path, _problem(e, self._busy_timeout_s)) from e
        except NewerSchemaError as e:
            conn.close()
            raise StateFileError(self.path, f"{e}; upgrade mexbot") from e
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._translated():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def _read(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock, self._translated():
            return self._conn.execute(sql, args).fetchall()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except _BUGS:
            raise
        except sqlite3.Error as e:
            raise StateFileError(self.path, _problem(e, self._busy_timeout_s)) from e


# Errors of our own making (bad SQL, a bad parameter) stay what they are.
_BUGS = (sqlite3.ProgrammingError, sqlite3.InterfaceError, sqlite3.IntegrityError)


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _make_dir(state_dir: Path) -> None:
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StateFileError(state_dir / FILE_NAME, f"cannot create its directory ({e})") from e


def _prepare(conn: sqlite3.Connection, synchronous: str) -> None:
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.DatabaseError(f"cannot switch to WAL mode (journal_mode={mode})")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {check}")
    migrate(conn)
