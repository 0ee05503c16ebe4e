"""The `harness` fixture: one parameter per Exchange implementation in `HARNESSES`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from tests.integration.exchange_contract.harness import ExchangeHarness, FakeHarness


@asynccontextmanager
async def _fake() -> AsyncIterator[ExchangeHarness]:
    yield FakeHarness()


HARNESSES: dict[str, Callable[[], AbstractAsyncContextManager[ExchangeHarness]]] = {
    "fake": _fake,
}


@pytest.fixture(params=sorted(HARNESSES))
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[ExchangeHarness]:
    """Yield a fresh harness (empty account, time at START_MS) of each implementation."""
    async with HARNESSES[request.param]() as made:
        yield made
