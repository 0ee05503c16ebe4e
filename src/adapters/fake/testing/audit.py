"""An exchange and an executor that remember every order request, for invariants over a run.

`AuditedExchange` is a `FakeExchange` that records each request that reached its matching
engine (`sent`), with who sent it (from the journaled intent), whether that runner was paused,
the last price and the free balances of the symbol's quote and base just before and after;
and each cancel (`cancels`). `AuditedExecutor` wraps the bot's order executor and notes each
submitted request in a `ClientIdLedger`, so one client order id for two requests is caught
before the exchange sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from adapters.fake.clock import FakeClock
from adapters.fake.exchange import FakeExchange
from adapters.fake.faults import Faults
from adapters.fake.market import MarketData
from adapters.fake.orders import OrderState
from mexcore.ports import Store
from mexcore.state import Cursors, JsonValue, PauseFlags
from mexcore.values import Order, OrderRequest, SymbolRules

D = Decimal


def request_value(request: OrderRequest) -> Decimal:
    """Return what a request may spend: its quote amount, or quantity × limit price.

    >>> from mexcore.values import OrderType, Side
    >>> request_value(OrderRequest("BTCUSDC", Side.BUY, OrderType.LIMIT, "c1",
    ...                            quantity=D("0.002"), price=D("30000")))
    Decimal('60.000')
    """
    if request.quote_qty is not None:
        return request.quote_qty
    return (request.quantity or D(0)) * (request.price or D(0))


@attrs.frozen
class SentOrder:
    """One request that reached the matching engine, who sent it, and the free funds around it.

    `free_before` / `free_after` are the free quote balance, `base_before` / `base_after` the
    free base balance, just before and after the exchange handled the request.
    """

    request: OrderRequest
    runner: str
    decided_ms: int
    paused: bool
    free_before: Decimal
    free_after: Decimal
    last_price: Decimal
    reason: str = ""
    base_before: Decimal = D(0)
    base_after: Decimal = D(0)


def is_requote(order: SentOrder) -> bool:
    """Tell whether an order re-prices a resting maker order (rather than a new decision)."""
    return order.reason.startswith("requote")


class AuditedExchange(FakeExchange):
    """A FakeExchange that remembers every order it was sent, for invariants over many runners.

    `store` (set after construction) names the runner of each order from its journaled intent.
    """

    store: Store | None = None

    def __init__(
        self, clock: FakeClock, market: MarketData, rules: Mapping[str, SymbolRules],
        faults: Faults | None = None,
    ) -> None:
        super().__init__(clock, market, rules, faults=faults)
        self.sent: list[SentOrder] = []
        # (symbol, client id, when, how many orders were sent before) of each cancel
        self.cancels: list[tuple[str, str, int, int]] = []
        # the maker chain record (its decision's plan) of each cancelled order, as the bot had it
        self.chain_records: dict[str, JsonValue] = {}

    def _place(self, request: OrderRequest) -> OrderState:
        """Place like FakeExchange, recording the free balances just before and after."""
        before = self._frees(request.symbol)
        try:
            return super()._place(request)
        finally:
            self.sent.append(self._audit(request, before, self._frees(request.symbol)))

    async def cancel_order(self, symbol: str, client_order_id: str) -> Order:
        """Cancel like FakeExchange, remembering which order was cancelled when, and its plan."""
        intent = self.store.intent(client_order_id) if self.store else None
        if intent is not None and self.store is not None:
            record = Cursors(self.store, f"{intent.runner}.maker").get(client_order_id)
            self.chain_records[client_order_id] = record
        order = await super().cancel_order(symbol, client_order_id)
        self.cancels.append((symbol, client_order_id, self.clock.now_ms(), len(self.sent)))
        return order

    def _frees(self, symbol: str) -> tuple[Decimal, Decimal]:
        rules = self.engine.rules_for(symbol)
        account = self.engine.account
        return account.free(rules.quote), account.free(rules.base)

    def _audit(
        self, request: OrderRequest, before: tuple[Decimal, Decimal],
        after: tuple[Decimal, Decimal],
    ) -> SentOrder:
        intent = self.store.intent(request.client_order_id) if self.store else None
        runner = intent.runner if intent else "?"
        paused = PauseFlags(self.store).is_paused(runner) if self.store else False
        decided = intent.created_ms if intent else self.clock.now_ms()
        last = self.engine.last_price(request.symbol, self.market.completed(self.clock.now_ms()))
        return SentOrder(request, runner, decided, paused, before[0], after[0], last,
                         intent.reason if intent else "", before[1], after[1])


@attrs.define
class ClientIdLedger:
    """Every request submitted under each client order id, to catch one id for two requests."""

    seen: dict[str, OrderRequest] = attrs.field(factory=dict)
    reused: list[str] = attrs.field(factory=list)

    def note(self, runner: str, request: OrderRequest) -> None:
        """Remember a submitted request; note it if its id named another request before."""
        earlier = self.seen.setdefault(request.client_order_id, request)
        if earlier != request:
            self.reused.append(f"{runner}: {request.client_order_id} was {earlier}, now "
                               f"{request}")


class AuditedExecutor:
    """The bot's OrderExecutor, with every submitted request noted in a ClientIdLedger."""

    def __init__(self, inner: Any, ledger: ClientIdLedger) -> None:
        self._inner, self._ledger = inner, ledger

    async def submit(self, runner: str, request: OrderRequest, reason: str) -> Any:
        """Note the request, then submit it as the bot's executor does."""
        self._ledger.note(runner, request)
        return await self._inner.submit(runner, request, reason)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
