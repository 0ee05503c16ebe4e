"""The state file's schema, versioned by `PRAGMA user_version`, and its migrations."""

from __future__ import annotations

import sqlite3

# Migration n (1-based) takes the schema from version n-1 to n. Append, never edit.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE fills (
            symbol TEXT NOT NULL,
            trade_id TEXT NOT NULL,
            order_id TEXT NOT NULL,
            side TEXT NOT NULL,
            price TEXT NOT NULL,
            qty TEXT NOT NULL,
            quote_qty TEXT NOT NULL,
            fee TEXT NOT NULL,
            fee_asset TEXT NOT NULL,
            is_maker INTEGER NOT NULL,
            time_ms INTEGER NOT NULL,
            client_order_id TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (symbol, trade_id)
        )""",
        "CREATE INDEX fills_by_symbol_time ON fills (symbol, time_ms)",
        "CREATE INDEX fills_by_time ON fills (time_ms)",
        """CREATE TABLE intents (
            client_order_id TEXT PRIMARY KEY,
            runner TEXT NOT NULL,
            symbol TEXT NOT NULL,
            side TEXT NOT NULL,
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            quantity TEXT,
            quote_qty TEXT,
            price TEXT,
            order_id TEXT,
            updated_ms INTEGER NOT NULL,
            reason TEXT NOT NULL
        )""",
        "CREATE INDEX intents_by_status ON intents (status)",
        "CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        """CREATE TABLE snapshots (
            time_ms INTEGER PRIMARY KEY,
            total_value TEXT NOT NULL,
            asset_values TEXT NOT NULL
        )""",
    ),
    (  # 2: who wrote the journal (issue 13: paper fills once entered a live average cost)
        """CREATE TABLE journal_owner (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            mode TEXT NOT NULL,
            base_url TEXT NOT NULL
        )""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchemaError(Exception):
    """The file was written by a newer mexbot whose schema this one does not know."""


def schema_version(conn: sqlite3.Connection) -> int:
    """Return the file's schema version (0 for a new, empty file)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to SCHEMA_VERSION, one transaction per migration; return it."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(f"schema version {version}, this mexbot knows {SCHEMA_VERSION}")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            if schema_version(conn) < target:
                for statement in MIGRATIONS[target - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
