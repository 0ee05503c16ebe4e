"""Issue 13.2: a journal remembers which mode and exchange wrote it, and refuses the others."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.fake.store import InMemoryStore
from adapters.sqlite import FILE_NAME, JournalModeError, SqliteStore, StateFileError
from mexcore.errors import StopForHuman
from mexcore.values import Fill, Side

MEXC = "https://api.mexc.com"
SANDBOX = "http://127.0.0.1:8080"


def a_fill(trade_id: str) -> Fill:
    return Fill("BTCUSDC", trade_id, "o1", Side.BUY, Decimal("97000.10"), Decimal("0.0001"),
                Decimal("9.70001"), Decimal("0.00485"), fee_asset="USDC", is_maker=False, time_ms=1)


def test_a_new_journal_records_the_mode_and_base_url_that_opened_it(tmp_path: Path) -> None:
    with SqliteStore(tmp_path, mode="paper", base_url=MEXC) as store:
        assert (store.mode, store.base_url) == ("paper", MEXC)
    with SqliteStore(tmp_path) as reopened:  # a plain open (tools, tests) reads the record
        assert (reopened.mode, reopened.base_url) == ("paper", MEXC)


def test_a_paper_journal_refuses_a_live_open_naming_both_modes_and_the_fix(
    tmp_path: Path,
) -> None:
    with SqliteStore(tmp_path, mode="paper", base_url=MEXC) as paper:
        paper.record_fills([a_fill("1")])

    with pytest.raises(JournalModeError) as caught:
        SqliteStore(tmp_path, mode="live", base_url=MEXC)

    message = str(caught.value)
    assert isinstance(caught.value, StateFileError)
    assert isinstance(caught.value, StopForHuman)
    assert "\n" not in message
    assert '"paper"' in message
    assert '"live"' in message
    assert "state_dir" in message
    assert "mexbot-state/live" in message


def test_a_live_journal_refuses_a_paper_open(tmp_path: Path) -> None:
    SqliteStore(tmp_path, mode="live", base_url=MEXC).close()
    with pytest.raises(JournalModeError, match=r'"live".*"paper"'):
        SqliteStore(tmp_path, mode="paper", base_url=MEXC)


def test_a_journal_refuses_the_same_mode_against_another_exchange(tmp_path: Path) -> None:
    SqliteStore(tmp_path, mode="live", base_url=SANDBOX).close()
    with pytest.raises(JournalModeError) as caught:
        SqliteStore(tmp_path, mode="live", base_url=MEXC + "/")
    assert SANDBOX in str(caught.value)
    assert MEXC in str(caught.value)


def test_the_same_mode_and_url_reopens_with_its_fills(tmp_path: Path) -> None:
    with SqliteStore(tmp_path, mode="live", base_url=MEXC) as store:
        store.record_fills([a_fill("1")])
    with SqliteStore(tmp_path, mode="live", base_url=MEXC + "/") as store:
        assert [f.trade_id for f in store.fills()] == ["1"]


def test_a_journal_from_before_the_record_is_adopted_by_the_first_mode_that_opens_it(
    tmp_path: Path,
) -> None:
    with SqliteStore(tmp_path) as old:
        old.record_fills([a_fill("1")])
    conn = sqlite3.connect(tmp_path / FILE_NAME)
    conn.execute("DROP TABLE journal_owner")
    conn.execute("PRAGMA user_version = 1")  # the schema of mexbot before issue 13
    conn.commit()
    conn.close()

    with SqliteStore(tmp_path, mode="live", base_url=MEXC) as adopted:
        assert adopted.adopted
        assert adopted.mode == "live"
        assert len(adopted.fills()) == 1
    with pytest.raises(JournalModeError):
        SqliteStore(tmp_path, mode="paper", base_url=MEXC)
    with SqliteStore(tmp_path, mode="live", base_url=MEXC) as again:
        assert not again.adopted


def test_an_open_without_a_mode_does_not_claim_the_journal(tmp_path: Path) -> None:
    SqliteStore(tmp_path).close()
    with SqliteStore(tmp_path, mode="paper", base_url=MEXC) as store:
        assert store.mode == "paper"
        assert not store.adopted


def test_a_temporary_store_belongs_to_sim() -> None:
    store = SqliteStore.temporary()
    try:
        assert store.mode == "sim"
    finally:
        store.close()


def test_an_in_memory_store_tells_the_mode_it_was_made_for() -> None:
    assert InMemoryStore(mode="paper").mode == "paper"
    assert InMemoryStore().mode is None
