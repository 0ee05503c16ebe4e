"""The Store port on SQLite (standard-library sqlite3, WAL mode, versioned schema)."""

from adapters.sqlite.store import FILE_NAME, SqliteStore, StateFileError

__all__ = ["FILE_NAME", "SqliteStore", "StateFileError"]
