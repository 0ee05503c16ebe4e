"""Fixtures: a sandbox served on loopback with a MexcExchange connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tests.integration.mexc.harness import SandboxHarness, sandbox_harness


@pytest.fixture
async def world() -> AsyncIterator[SandboxHarness]:
    """A fresh sandbox and a MexcExchange talking to it over HTTP."""
    async with sandbox_harness() as made:
        yield made
