"""Fixtures: a `mexbot sandbox` subprocess per test, and a reader of its records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.process.harness import SandboxProcess
from tests.integration.process.sandbox_reader import SandboxReader

SPEED = 60.0  # a minute of market per second: prices move while the bot runs

StartSandbox = Callable[[dict[str, Any]], SandboxProcess]


@pytest.fixture
def start_sandbox(tmp_path: Path) -> Iterator[StartSandbox]:
    """Start `mexbot sandbox --port 0 --speed 60` with a `[sandbox]` table; stop it at the end."""
    started: list[SandboxProcess] = []

    def start(table: dict[str, Any]) -> SandboxProcess:
        sandbox = SandboxProcess(tmp_path / "sandbox", SPEED, table)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.close()


@pytest.fixture
def reader_of() -> Iterator[Callable[[SandboxProcess], SandboxReader]]:
    """Open signed readers on sandboxes (with the bot's key; use them while no bot runs)."""
    readers: list[SandboxReader] = []

    def open_reader(sandbox: SandboxProcess) -> SandboxReader:
        readers.append(SandboxReader(sandbox.url))
        return readers[-1]

    yield open_reader
    for reader in readers:
        reader.close()
