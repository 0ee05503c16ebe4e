"""Maker limit buys: place post-only from the book, requote unfilled ones, then cancel (§1.8).

One decision (buy up to `planned_qty` for up to `planned_quote`) becomes a chain of orders:
the first, its retries and its requotes. The chain's record keeps what was planned and what
earlier orders of the chain executed, so every new order is sized from what is left: over the
whole chain executed quantity ≤ planned quantity and spent quote ≤ planned quote, whatever
filled between two calls or how far the price moved.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import attrs

from mexcore.client_ids import client_order_id
from mexcore.errors import OrderNotFound, OrderRejected
from mexcore.lots import BelowMinimum, SizedOrder, size_limit_order
from mexcore.money import ZERO, to_decimal
from mexcore.policies import BalanceMonitorPolicy
from mexcore.pricing import MAKER_BOOK_LEVELS, RequoteAction, maker_buy_price, requote_decision
from mexcore.services.deps import ServiceDeps
from mexcore.services.refusals import REFUSED, Refusal, SymbolRefusals
from mexcore.state import Cursors, JsonValue
from mexcore.values import (
    IntentStatus,
    Order,
    OrderBook,
    OrderStatus,
    OrderType,
    Side,
    SymbolRules,
    money,
)

log = logging.getLogger(__name__)
#: Refusals a fresh book may cure (30010: price outside the band); any other ends the buy.
REPRICEABLE_CODES = frozenset({30010})


@attrs.frozen
class MakerResult:
    """A placed maker order, the book it was priced from, and the attempts it took."""

    order: Order
    book: OrderBook
    attempts: int


@attrs.frozen
class MakerMiss:
    """A maker buy that bought nothing: why, and how many orders reached the exchange."""

    symbol: str
    reason: str
    attempts: int = 0
    refused: bool = False  # the exchange refused the symbol's order: warned once, not reported


@attrs.frozen
class Chain:
    """One maker decision across its orders: what was planned and what earlier orders did.

    Planned 0.001 BTC for 30 USDC; the first order filled 0.0004 for 12 before its requote →
    left 0.0006 and 18: at 31000 the requote buys min(0.0006, 18 / 31000) = 0.00058 BTC.
    """

    first_ms: int
    planned_qty: Decimal = money()
    planned_quote: Decimal = money()
    filled_qty: Decimal = money(default=ZERO)
    spent_quote: Decimal = money(default=ZERO)
    requotes: int = 0
    attempts: int = 0

    def after(self, order: Order) -> Chain:
        """Return the chain with the fills of `order` (which has ended) counted."""
        return attrs.evolve(self, filled_qty=self.filled_qty + order.executed_qty,
                            spent_quote=self.spent_quote + order.cumm_quote_qty)

    def qty_at(self, price: Decimal) -> Decimal:
        """Return the most the chain may still buy at `price` (before rounding to the lot)."""
        left = min(self.planned_qty - self.filled_qty, (self.planned_quote - self.spent_quote)
                   / price)
        return max(left, ZERO)

    def to_json(self) -> JsonValue:
        """Return the record saved for the chain's resting order."""
        return {"first_ms": self.first_ms, "planned_qty": str(self.planned_qty),
                "planned_quote": str(self.planned_quote), "filled_qty": str(self.filled_qty),
                "spent_quote": str(self.spent_quote), "requotes": self.requotes,
                "attempts": self.attempts}


def chain_of(record: JsonValue, order: Order) -> Chain:
    """Read a chain record; an older one without the plan stands for `order` alone."""
    saved = record if isinstance(record, dict) else {}

    def dec(key: str, default: Decimal) -> Decimal:
        return to_decimal(str(saved.get(key, default)))

    return Chain(int(str(saved.get("first_ms", order.time_ms))),
                 dec("planned_qty", order.orig_qty),
                 dec("planned_quote", order.orig_qty * (order.price or ZERO)),
                 dec("filled_qty", ZERO), dec("spent_quote", ZERO),
                 int(str(saved.get("requotes", 0))), int(str(saved.get("attempts", 1))))


class MakerBuyer:
    """Place LIMIT_MAKER buys for one runner and look after them until filled or cancelled."""

    def __init__(self, runner: str, deps: ServiceDeps, policy: BalanceMonitorPolicy) -> None:
        self._runner, self._deps, self._policy = runner, deps, policy
        self._chains = Cursors(deps.store, f"{runner}.maker")
        self._refusals = SymbolRefusals(deps.store, deps.notifier, runner)

    async def place(
        self, rules: SymbolRules, qty: Decimal, reason: str, max_value: Decimal
    ) -> MakerResult | MakerMiss:
        """Buy up to `qty` for up to `max_value` as maker, `order_attempts` tries at most.

        Each try prices from a fresh book; quantity × price stays within `max_value`.
        """
        chain = Chain(self._deps.clock.now_ms(), qty, max_value)
        return await self._attempts(rules, chain, reason)

    async def _attempts(
        self, rules: SymbolRules, chain: Chain, reason: str, purpose: str = ""
    ) -> MakerResult | MakerMiss:
        now, miss = self._deps.clock.now_ms(), MakerMiss(rules.symbol, "no attempt left")
        while chain.attempts < self._policy.order_attempts:
            book = await self._deps.exchange.order_book(rules.symbol, MAKER_BOOK_LEVELS)
            sized = _sized(rules, chain, book)
            if not isinstance(sized, SizedOrder):
                log.info("%s: no maker buy of %s: %s", self._runner, rules.symbol, sized)
                return MakerMiss(rules.symbol, str(sized), chain.attempts)
            cid = client_order_id(self._runner, rules.symbol, now, chain.attempts,
                                  side=Side.BUY, purpose=purpose or reason)
            chain = attrs.evolve(chain, attempts=chain.attempts + 1)
            try:
                order = await self._deps.executor.submit(self._runner, sized.request(cid), reason)
            except REFUSED as e:
                miss = await self._refused(rules.symbol, e, chain.attempts)
                if miss.refused:
                    return miss
                continue
            if order.status.is_open or order.executed_qty > ZERO:
                if order.status.is_open:
                    self._chains.set(cid, chain.to_json())
                return MakerResult(order, book, chain.attempts)
            miss = MakerMiss(rules.symbol, f"post-only order {order.status} by the exchange "
                             "with nothing filled", chain.attempts)
            log.info("%s: maker attempt %d: %s", self._runner, chain.attempts, miss.reason)
        return miss

    async def _refused(self, symbol: str, refusal: Refusal, attempts: int) -> MakerMiss:
        """Warn once about a refusal no fresh price cures; return the miss either way."""
        miss = MakerMiss(symbol, f"rejected: {refusal}", attempts)
        if isinstance(refusal, OrderRejected) and refusal.code in REPRICEABLE_CODES:
            log.info("%s: maker attempt %d on %s %s", self._runner, attempts, symbol,
                     miss.reason)
            return miss
        await self._refusals.warn(symbol, refusal, "maker buy")
        return attrs.evolve(miss, refused=True)

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
        record = self._chains.get(cid)
        chain = chain_of(record, order)
        if not order.status.is_open:
            self._chains.set(cid, None)
            if record is None or order.status is OrderStatus.FILLED:
                return 0, False
            return await self._after_exchange_ended(order, rules, chain)
        book = await self._deps.exchange.order_book(rules.symbol, MAKER_BOOK_LEVELS)
        decision = requote_decision(chain.first_ms, self._deps.clock.now_ms(), chain.requotes,
                                    order.price or ZERO, maker_buy_price(book, rules),
                                    self._policy)
        if decision.action is RequoteAction.KEEP:
            return 0, True
        async with self._deps.funds.spending(self._runner, rules.quote):
            # Size from the order as the cancel left it: it may have filled since the read.
            final = await self._deps.executor.cancel(rules.symbol, cid)
            if final.status.is_open:  # the cancel is not confirmed yet: look again next tick
                return 1, True
            self._chains.set(cid, None)
            if decision.action is RequoteAction.CANCEL or final.status is OrderStatus.FILLED:
                log.info("%s: %s ended %s: %s", self._runner, cid, final.status, decision.reason)
                return 1, False
            chain = attrs.evolve(chain.after(final), requotes=chain.requotes + 1, attempts=0)
            placed, open_now = await self._replace(rules, chain, decision.reason)
            return 1 + placed, open_now

    async def _after_exchange_ended(
        self, order: Order, rules: SymbolRules, chain: Chain
    ) -> tuple[int, bool]:
        """Re-price a post-only order the exchange ended unfilled, within `order_attempts`."""
        now = self._deps.clock.now_ms()
        expired = requote_decision(chain.first_ms, now, 0, ZERO, None, self._policy)
        if expired.action is RequoteAction.CANCEL or chain.attempts >= self._policy.order_attempts:
            log.info("%s: %s ended %s by the exchange; not re-placed", self._runner,
                     order.client_order_id, order.status)
            return 0, False
        reason = (f"requote (attempt {chain.attempts + 1}/{self._policy.order_attempts}): "
                  f"the exchange ended {order.client_order_id} {order.status}")
        async with self._deps.funds.spending(self._runner, rules.quote):
            return await self._replace(rules, chain.after(order), reason)

    async def _within_free(self, rules: SymbolRules, chain: Chain) -> Chain:
        balance = (await self._deps.exchange.balances()).get(rules.quote)
        free = balance.free if balance is not None else ZERO
        return _keeping_reserve(chain, free, self._policy.reserve, rules.maker_fee)

    async def _replace(self, rules: SymbolRules, chain: Chain, reason: str) -> tuple[int, bool]:
        """Place the chain's next order; return (orders placed, whether it rests).

        The plan was made with a reserve left free, but the quote may have been spent since:
        the replacement also keeps `reserve` free (and the maker fee a resting buy holds).
        """
        chain = await self._within_free(rules, chain)
        result = await self._attempts(rules, chain, reason, purpose="requote")
        if isinstance(result, MakerMiss):
            return 0, False
        return 1, result.order.status.is_open


def _keeping_reserve(chain: Chain, free: Decimal, reserve: Decimal, fee: Decimal) -> Chain:
    """Return `chain` with what it may still spend cut to `free` less `reserve` and the fee.

    Free 25.5 USDC, reserve 2, maker fee 0.0005: at most 23.5 / 1.0005 = 23.488 more.
    """
    spendable = max(ZERO, free - reserve) / (1 + fee)
    return attrs.evolve(chain, planned_quote=min(chain.planned_quote,
                                                 chain.spent_quote + spendable))


def _sized(rules: SymbolRules, chain: Chain, book: OrderBook) -> SizedOrder | BelowMinimum | str:
    price = maker_buy_price(book, rules)
    if price is None:
        return "no maker price in the book"
    # quantity × price ≤ what the chain has left: size_limit_order rounds the quantity down
    return size_limit_order(rules, Side.BUY, chain.qty_at(price), price, OrderType.LIMIT_MAKER)
