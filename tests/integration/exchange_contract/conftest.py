"""The `harness` fixture: one parameter per Exchange implementation in `HARNESSES`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from tests.integration.exchange_contract.harness import ExchangeHarness, FakeHarness
from tests.integration.mexc.harness import paper_harness, sandbox_harness


@asynccontextmanager
async def _fake() -> AsyncIterator[ExchangeHarness]:
    yield FakeHarness()


HARNESSES: dict[str, Callable[[], AbstractAsyncContextManager[ExchangeHarness]]] = {
    "fake": _fake,
    "mexc-sandbox": sandbox_harness,  # MexcExchange over HTTP to the sandbox server
    "paper": paper_harness,  # PaperExchange: sandbox market data, simulated account
}


@pytest.fixture(params=sorted(HARNESSES))
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[ExchangeHarness]:
    """Yield a fresh harness (empty account, time at START_MS) of each implementation."""
    async with HARNESSES[request.param]() as made:
        yield made
