"""The Store port on SQLite (standard-library sqlite3, WAL mode, versioned schema)."""

from adapters.sqlite.owner import JournalOwner
from adapters.sqlite.store import FILE_NAME, JournalModeError, SqliteStore, StateFileError

__all__ = [
    "FILE_NAME", "JournalModeError", "JournalOwner", "SqliteStore", "StateFileError",
]
