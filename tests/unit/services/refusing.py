"""A world whose exchange refuses chosen symbols' orders, and symbols with a tradeSideType."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
from tests.unit.services.support import (
    NOW,
    AuditedExchange,
    Floats,
    World,
    make_market,
    rules_for,
)

from adapters.fake import FakeClock, RecordingNotifier
from adapters.fake.store import InMemoryStore
from mexcore.errors import InsufficientFunds, MexbotError, OrderRejected, SkipSymbol
from mexcore.services.deps import ServiceDeps
from mexcore.values import Order, OrderRequest, Side, TradeSide

#: What MEXC answers when it refuses one symbol's order (not the whole account's).
REFUSALS = [
    OrderRejected("Oversold", 30005),
    InsufficientFunds("Insufficient position", 30004),
    SkipSymbol("X", "trading is disabled on this symbol (30016)"),
]


class RefusingExchange(AuditedExchange):
    """An AuditedExchange that refuses the orders of chosen symbols and sides."""

    refusals: dict[tuple[str, Side], MexbotError]

    def refuse(self, symbol: str, error: MexbotError, *sides: Side) -> None:
        """Refuse every later order on `symbol` (on `sides`, else on both) with `error`."""
        self.refusals.update({(symbol, side): error for side in sides or tuple(Side)})

    async def place_order(self, request: OrderRequest) -> Order:
        """Raise the chosen refusal, or place like AuditedExchange."""
        refusal = self.refusals.get((request.symbol, request.side))
        if refusal is not None:
            raise refusal
        return await super().place_order(request)


def refusing_world(
    closes: Mapping[str, Floats], balances: Mapping[str, str],
    trade_sides: Mapping[str, TradeSide] | None = None,
    exchange_type: type[RefusingExchange] = RefusingExchange,
) -> World:
    """Wire fakes like `support.world`, over a RefusingExchange and these tradeSideTypes."""
    rules = rules_for(closes)
    for symbol, side in (trade_sides or {}).items():
        rules[symbol] = attrs.evolve(rules[symbol], trade_side=side)
    clock = FakeClock(NOW)
    exchange = exchange_type(clock, make_market(closes, rules), rules)
    exchange.refusals = {}
    for asset, amount in balances.items():
        exchange.deposit(asset, amount)
    store, notifier = InMemoryStore(), RecordingNotifier()
    exchange.store = store
    return World(clock, exchange, store, notifier,
                 ServiceDeps.build(exchange, store, notifier, clock))


def refusing(w: World) -> RefusingExchange:
    """Return the world's RefusingExchange."""
    assert isinstance(w.exchange, RefusingExchange)
    return w.exchange
