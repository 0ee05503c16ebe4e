"""Maker limit buys: place post-only from the book, requote unfilled ones, then cancel (§1.8)."""

from __future__ import annotations

import logging
from decimal import Decimal

import attrs

from mexcore.client_ids import client_order_id
from mexcore.errors import OrderNotFound, OrderRejected
from mexcore.lots import BelowMinimum, size_limit_order
from mexcore.money import ZERO
from mexcore.policies import BalanceMonitorPolicy
from mexcore.pricing import MAKER_BOOK_LEVELS, RequoteAction, maker_buy_price, requote_decision
from mexcore.services.deps import ServiceDeps
from mexcore.state import Cursors
from mexcore.values import IntentStatus, Order, OrderBook, OrderType, Side, SymbolRules

log = logging.getLogger(__name__)


@attrs.frozen
class MakerResult:
    """A placed maker order, the book it was priced from, and the attempts it took."""

    order: Order
    book: OrderBook
    attempts: int


class MakerBuyer:
    """Place LIMIT_MAKER buys for one runner and look after them until filled or cancelled."""

    def __init__(self, runner: str, deps: ServiceDeps, policy: BalanceMonitorPolicy) -> None:
        self._runner, self._deps, self._policy = runner, deps, policy
        self._chains = Cursors(deps.store, f"{runner}.maker")

    async def place(
        self, rules: SymbolRules, qty: Decimal, reason: str, first_ms: int | None = None,
        max_value: Decimal | None = None,
    ) -> MakerResult | None:
        """Buy `qty` as maker, up to `order_attempts` tries with a fresh book each time.

        With `max_value` the quantity shrinks so that quantity × price stays within it.
        """
        now = self._deps.clock.now_ms()
        for attempt in range(self._policy.order_attempts):
            book = await self._deps.exchange.order_book(rules.symbol, MAKER_BOOK_LEVELS)
            price = maker_buy_price(book, rules)
            sized = None if price is None else size_limit_order(
                rules, Side.BUY, _within(qty, price, max_value), price, OrderType.LIMIT_MAKER)
            if sized is None or isinstance(sized, BelowMinimum):
                log.info("%s: no maker buy of %s: %s", self._runner, rules.symbol, sized)
                return None
            cid = client_order_id(self._runner, rules.symbol, now, attempt, side=Side.BUY,
                                  purpose=reason)
            try:
                order = await self._deps.executor.submit(self._runner, sized.request(cid), reason)
            except OrderRejected as e:
                log.info("%s: maker attempt %d on %s rejected: %s", self._runner, attempt + 1,
                         rules.symbol, e)
                continue
            self._chains.set(cid, {"first_ms": first_ms or now, "requotes": 0})
            return MakerResult(order, book, attempt + 1)
        return None

    async def look_after(self, rules_by_symbol: dict[str, SymbolRules]) -> tuple[int, bool]:
        """Requote or cancel this runner's resting orders; return (actions, any still open)."""
        actions, still_open = 0, False
        for intent in self._deps.store.intents([IntentStatus.ACKNOWLEDGED]):
            rules = rules_by_symbol.get(intent.symbol)
            if intent.runner != self._runner or rules is None:
                continue
            acted, open_now = await self._look_after_one(intent.client_order_id, rules)
            actions, still_open = actions + acted, still_open or open_now
        return actions, still_open

    async def _look_after_one(self, cid: str, rules: SymbolRules) -> tuple[int, bool]:
        try:
            order = await self._deps.executor.refresh(rules.symbol, cid)
        except OrderNotFound:
            return 0, False
        if not order.status.is_open:
            self._chains.set(cid, None)
            return 0, False
        first_ms, requotes = self._chain(cid, order)
        book = await self._deps.exchange.order_book(rules.symbol, MAKER_BOOK_LEVELS)
        decision = requote_decision(first_ms, self._deps.clock.now_ms(), requotes,
                                    order.price or ZERO, maker_buy_price(book, rules),
                                    self._policy)
        if decision.action is RequoteAction.KEEP:
            return 0, True
        async with self._deps.funds.spending(self._runner, rules.quote):
            await self._deps.executor.cancel(rules.symbol, cid)
            self._chains.set(cid, None)
            if decision.action is RequoteAction.CANCEL:
                log.info("%s: cancelled %s: %s", self._runner, cid, decision.reason)
                return 1, False
            return await self._requote(order, rules, (first_ms, requotes), decision.reason)

    def _chain(self, cid: str, order: Order) -> tuple[int, int]:
        chain = self._chains.get(cid)
        if not isinstance(chain, dict):
            return order.time_ms, 0
        return int(str(chain["first_ms"])), int(str(chain["requotes"]))

    async def _requote(
        self, order: Order, rules: SymbolRules, chain: tuple[int, int], reason: str
    ) -> tuple[int, bool]:
        first_ms, requotes = chain
        left = order.orig_qty - order.executed_qty
        # Never spend more than the replaced order held: a higher price buys less.
        result = await self.place(rules, left, reason, first_ms=first_ms,
                                  max_value=left * (order.price or ZERO))
        if result is None:
            return 1, False
        self._chains.set(result.order.client_order_id,
                         {"first_ms": first_ms, "requotes": requotes + 1})
        return 2, result.order.status.is_open


def _within(qty: Decimal, price: Decimal, max_value: Decimal | None) -> Decimal:
    if max_value is None or price <= ZERO:
        return qty
    return min(qty, max_value / price)  # size_limit_order then rounds it down to the step
