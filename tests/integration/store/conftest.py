"""Both stores behind one fixture, so every contract test runs against each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.fake.store import InMemoryStore
from adapters.sqlite import SqliteStore
from mexcore.ports import Store


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Yield an empty store of each kind."""
    if request.param == "memory":
        yield InMemoryStore()
        return
    sqlite = SqliteStore(tmp_path / "state")
    yield sqlite
    sqlite.close()
