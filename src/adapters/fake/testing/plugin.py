"""The pytest plugin of the test kit (entry point `mexbot`): fixtures named `mexbot_*`.

- `mexbot_market`: the bundled 8 days of real 1-minute candles (loaded once, shared);
- `mexbot_balances`: the free balances a world starts with (override it in your conftest);
- `mexbot_world`: a `FakeWorld` over `mexbot_market` with `mexbot_balances` deposited.

Nothing heavy is imported until a fixture is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from adapters.fake.market import MarketData
    from adapters.fake.testing.world import FakeWorld


@pytest.fixture
def mexbot_market() -> MarketData:
    """Return the bundled market (every default symbol; cached for the session)."""
    from adapters.fake.testing.markets import bundled_market

    return bundled_market()


@pytest.fixture
def mexbot_balances() -> dict[str, Decimal]:
    """Return the free balances a `mexbot_world` starts with: 1000 USDT and 1000 USDC."""
    return {"USDT": Decimal(1000), "USDC": Decimal(1000)}


@pytest.fixture
def mexbot_world(
    mexbot_market: MarketData, mexbot_balances: dict[str, Decimal]
) -> Iterator[FakeWorld]:
    """Yield a fake world (audited exchange, clock a day in, store, notifier, deps)."""
    from adapters.fake.testing.world import make_world

    world = make_world(mexbot_market, mexbot_balances)
    yield world
    close = getattr(world.store, "close", None)
    if close is not None:
        close()
