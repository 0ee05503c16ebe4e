"""Which mode and exchange wrote a state file: recorded at its first open, checked at each one."""

from __future__ import annotations

import sqlite3

import attrs

from mexcore.policies import default_state_dir

_DATA_TABLES = ("fills", "intents", "state", "snapshots")


def _url(text: str) -> str:
    return text.rstrip("/")


@attrs.frozen
class JournalOwner:
    """The mode (sim, paper, live) and exchange base URL a journal belongs to."""

    mode: str
    base_url: str = attrs.field(default="", converter=_url)


def read_owner(conn: sqlite3.Connection) -> JournalOwner | None:
    """Return the recorded owner of the journal, if any."""
    row = conn.execute("SELECT mode, base_url FROM journal_owner WHERE id = 1").fetchone()
    return None if row is None else JournalOwner(row[0], row[1])


def claim(conn: sqlite3.Connection, wanted: JournalOwner) -> tuple[JournalOwner, bool]:
    """Record `wanted` unless an owner is recorded; return the owner and whether it was adopted.

    A journal with data but no record (written before the record existed) is adopted by the
    first mode that opens it: the caller warns, since it may hold another mode's fills.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = read_owner(conn)
        adopted = found is None and _has_data(conn)
        if found is None:
            conn.execute("INSERT INTO journal_owner (id, mode, base_url) VALUES (1, ?, ?)",
                         (wanted.mode, wanted.base_url))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found or wanted, adopted


def _has_data(conn: sqlite3.Connection) -> bool:
    return any(conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in _DATA_TABLES)


def mismatch(found: JournalOwner, wanted: JournalOwner) -> str | None:
    """Return the one-line refusal when `wanted` may not use a journal `found` wrote."""
    if found == wanted:
        return None
    return (
        f'this journal belongs to mode "{found.mode}" on {found.base_url or "(no exchange)"}, '
        f'this run is mode "{wanted.mode}" on {wanted.base_url or "(no exchange)"}; '
        "one journal never mixes modes or exchanges: set state_dir to another directory "
        f'(the default for {wanted.mode} is {default_state_dir(wanted.mode)})'
    )
