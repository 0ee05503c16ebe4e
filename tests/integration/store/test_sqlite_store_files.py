"""SqliteStore on disk: where the file is, what survives a restart, and clear failures."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from adapters.sqlite import FILE_NAME, SqliteStore, StateFileError
from adapters.sqlite.schema import SCHEMA_VERSION
from mexcore.errors import StopForHuman
from mexcore.values import Fill, IntentStatus, OrderIntent, OrderType, Side


def a_fill(trade_id: str) -> Fill:
    return Fill(
        "BTCUSDC", trade_id, "o1", Side.BUY, Decimal("97000.10"), Decimal("0.00010"),
        Decimal("9.70001"), Decimal("0.0048500"), fee_asset="USDC", is_maker=False,
        time_ms=1_700_000_000_000,
    )


def an_intent(cid: str) -> OrderIntent:
    return OrderIntent(
        cid, "balance_monitor", "BTCUSDC", Side.BUY, OrderType.LIMIT_MAKER, IntentStatus.SENT,
        1_700_000_000_000, quantity=Decimal("0.00010"), price=Decimal("97000.10"),
    )


def test_a_missing_state_dir_is_created_with_the_file_inside(tmp_path: Path) -> None:
    state_dir = tmp_path / "deep" / "state"
    with SqliteStore(state_dir) as store:
        assert store.path == state_dir / FILE_NAME
    assert (state_dir / FILE_NAME).is_file()


def test_the_file_is_in_wal_mode_at_the_current_schema_version(tmp_path: Path) -> None:
    SqliteStore(tmp_path).close()
    conn = sqlite3.connect(tmp_path / FILE_NAME)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_everything_written_is_there_after_a_restart(tmp_path: Path) -> None:
    with SqliteStore(tmp_path) as store:
        store.record_fills([a_fill("1"), a_fill("2")])
        store.save_intent(an_intent("mx1"))
        store.set_state("pause", '{"all": true}')
    with SqliteStore(tmp_path) as again:
        assert again.record_fills([a_fill("2"), a_fill("3")]) == 1
        assert str(again.fills()[0].qty) == "0.00010"
        assert again.intent("mx1") == an_intent("mx1")
        assert again.get_state("pause") == '{"all": true}'


def test_a_write_another_connection_has_not_committed_is_invisible_to_it(tmp_path: Path) -> None:
    with SqliteStore(tmp_path) as store:
        store.save_intent(an_intent("mx1"))
        conn = sqlite3.connect(tmp_path / FILE_NAME)
        try:
            assert conn.execute("SELECT count(*) FROM intents").fetchone()[0] == 1
        finally:
            conn.close()


def test_a_file_that_is_not_a_database_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not sqlite, it is a shopping list\n" * 100)
    with pytest.raises(StopForHuman, match=str(tmp_path / FILE_NAME)) as caught:
        SqliteStore(tmp_path)
    assert "not a usable mexbot database" in str(caught.value)


def test_a_truncated_database_is_a_clear_error(tmp_path: Path) -> None:
    with SqliteStore(tmp_path) as store:
        store.record_fills([a_fill(str(i)) for i in range(2000)])
    path = tmp_path / FILE_NAME
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(StateFileError, match=str(path)):
        SqliteStore(tmp_path)


def test_a_state_file_that_cannot_be_opened_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).mkdir()
    with pytest.raises(StateFileError, match=str(tmp_path / FILE_NAME)):
        SqliteStore(tmp_path)


def test_a_state_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("oops")
    with pytest.raises(StateFileError, match="cannot create its directory"):
        SqliteStore(tmp_path / "state")


def test_a_file_from_a_newer_mexbot_is_refused(tmp_path: Path) -> None:
    SqliteStore(tmp_path).close()
    conn = sqlite3.connect(tmp_path / FILE_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StateFileError, match="upgrade mexbot"):
        SqliteStore(tmp_path)


def test_a_locked_database_waits_then_fails_clearly(tmp_path: Path) -> None:
    with SqliteStore(tmp_path, busy_timeout_s=0.05) as store:
        other = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StateFileError, match="locked") as caught:
                store.save_intent(an_intent("mx1"))
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert str(tmp_path / FILE_NAME) in str(caught.value)
        store.save_intent(an_intent("mx1"))
        assert store.intent("mx1") is not None


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    with SqliteStore(tmp_path) as store:
        unbindable = attrs.evolve(a_fill("2"), time_ms=object())
        with pytest.raises(sqlite3.ProgrammingError):
            store.record_fills([a_fill("1"), unbindable])
        assert store.fills() == []


def test_readers_see_committed_state_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    with SqliteStore(tmp_path) as store:
        store.set_state("k", "v")
        other = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE state SET value = 'w'")
        try:
            assert store.get_state("k") == "v"
        finally:
            other.execute("ROLLBACK")
            other.close()


def test_a_temporary_store_disappears_when_closed() -> None:
    store = SqliteStore.temporary()
    store.set_state("k", "v")
    folder = store.path.parent
    assert store.path.is_file()
    store.close()
    assert not folder.exists()


def test_a_backup_taken_while_in_use_is_a_complete_database(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "live") as store:
        store.record_fills([a_fill("1"), a_fill("2")])
        store.save_intent(an_intent("mx1"))
        copy = store.backup(tmp_path / "backup.sqlite3")
    (tmp_path / "restored").mkdir()
    copy.rename(tmp_path / "restored" / FILE_NAME)
    with SqliteStore(tmp_path / "restored") as restored:
        assert [f.trade_id for f in restored.fills()] == ["1", "2"]
        assert restored.intent("mx1") == an_intent("mx1")


KILLED_WRITER = """
import os, signal, sys
from decimal import Decimal
from adapters.sqlite import SqliteStore
from mexcore.values import IntentStatus, OrderIntent, OrderType, Side
store = SqliteStore(sys.argv[1])
for i in range(50):
    store.save_intent(OrderIntent(f"mx{i}", "scanner", "ADAUSDT", Side.BUY, OrderType.MARKET,
                                  IntentStatus.SENT, i, quote_qty=Decimal("6")))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_every_write_before_a_kill_is_there_after_it(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(tmp_path)], check=False)
    assert done.returncode == -signal.SIGKILL
    with SqliteStore(tmp_path) as store:
        assert len(store.intents([IntentStatus.SENT])) == 50
