"""Checks over an audited run: each returns the problems found, [] when the rule held.

Use them as `assert check(...) == []` so a failure shows what broke. They read only what the
`AuditedExchange` recorded, the matching engine's state and the store's journal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal

from adapters.fake.testing.audit import AuditedExchange, SentOrder, is_requote, request_value
from mexcore.ports import Store
from mexcore.values import OrderType, Side, SymbolRules

D = Decimal


def rule_problems(order: SentOrder, rules: SymbolRules) -> list[str]:
    """Return how an order breaks its symbol's rules (step, tick, minimums, band)."""
    r, problems = order.request, []
    if r.quantity is not None and (r.quantity % rules.qty_step or r.quantity < rules.min_qty):
        problems.append(f"quantity {r.quantity} off step {rules.qty_step} or under the minimum")
    if r.price is not None and r.price % rules.price_tick:
        problems.append(f"price {r.price} off tick {rules.price_tick}")
    market = r.type is OrderType.MARKET
    minimum = rules.min_notional_market if market else rules.min_notional
    value = request_value(r) if r.price or r.quote_qty else (r.quantity or D(0)) * order.last_price
    if value < minimum:
        problems.append(f"value {value} under the minimum {minimum}")
    band = rules.bid_multiplier_up if r.side is Side.BUY else rules.ask_multiplier_down
    if r.price is not None and band is not None and not market:
        limit = order.last_price * (1 + band if r.side is Side.BUY else 1 - band)
        if (r.price > limit) if r.side is Side.BUY else (r.price < limit):
            problems.append(f"price {r.price} outside the band around {order.last_price}")
    return problems


def rule_breaks(exchange: AuditedExchange) -> list[str]:
    """Return every sent order that breaks its symbol's rules, with how."""
    return [f"{o.runner} {o.request.client_order_id}: {problem}" for o in exchange.sent
            for problem in rule_problems(o, exchange.rules[o.request.symbol])]


def broken_reserves(
    sent: Iterable[SentOrder], reserves: Mapping[str, Decimal], quote: str = "USDC"
) -> list[str]:
    """Return each purchase decision whose `quote` orders left less than its runner's reserve.

    A decision is one runner's orders stamped with one time; what it left is the free quote
    before its first order minus what all its orders may spend (sent orders count, even
    those the exchange refused: sending one was the mistake). Requotes re-price an order
    already counted and are skipped. E.g. 100 free, orders of 60 and 30, reserve 20: broken.
    """
    decisions: dict[tuple[str, int], list[SentOrder]] = {}
    for order in sent:
        r = order.request
        if is_requote(order):
            continue
        if order.runner in reserves and r.side is Side.BUY and r.symbol.endswith(quote):
            decisions.setdefault((order.runner, order.decided_ms), []).append(order)
    broken = []
    for (runner, when), orders in decisions.items():
        spent = sum((request_value(o.request) for o in orders), D(0))
        if orders[0].free_before - spent < reserves[runner]:
            broken.append(f"{runner} at {when}: {orders[0].free_before} - {spent}")
    return broken


def negative_balances(exchange: AuditedExchange) -> list[str]:
    """Return each asset whose free or locked balance is below zero."""
    return [f"{asset}: free {b.free}, locked {b.locked}"
            for asset, b in exchange.engine.account.balances().items()
            if b.free < 0 or b.locked < 0]


def client_ids_sent_twice(sent: Iterable[SentOrder]) -> list[str]:
    """Return each client order id that reached the exchange more than once."""
    counts = Counter(o.request.client_order_id for o in sent)
    return [f"{cid} sent {n} times" for cid, n in counts.items() if n > 1]


def placed_while_paused(sent: Iterable[SentOrder]) -> list[str]:
    """Return each order sent by a runner while it (or everything) was paused."""
    return [f"{o.runner} {o.request.client_order_id}" for o in sent if o.paused]


def unmanaged_orders(exchange: AuditedExchange, store: Store) -> list[str]:
    """Return each resting order that no runner manages: no intent, or one closed in the journal.

    An order the bot placed rests with its intent SENT, UNKNOWN or ACKNOWLEDGED; one whose
    intent is FILLED, CANCELLED or REJECTED (or missing) is money the bot forgot.
    """
    problems = []
    for state in exchange.engine.open_orders():
        cid = state.request.client_order_id
        intent = store.intent(cid)
        if intent is None:
            problems.append(f"{cid} rests without a journaled intent")
        elif intent.status.is_final:
            problems.append(f"{cid} of {intent.runner} rests, journaled {intent.status}")
    return problems


def overdue_orders(
    exchange: AuditedExchange, max_rest_ms: int, ticks: Mapping[str, list[int]]
) -> list[str]:
    """Return each open order still resting after a completed tick of its runner at or past
    `max_rest_ms` after it was placed (a runner must cancel or replace what it leaves)."""
    runner_of = {o.request.client_order_id: o.runner for o in exchange.sent}
    overdue = []
    for state in exchange.engine.open_orders():
        cid = state.request.client_order_id
        runner, due = runner_of.get(cid, "?"), state.time_ms + max_rest_ms
        if any(t >= due for t in ticks.get(runner, [])):
            overdue.append(f"{cid} of {runner}, placed at {state.time_ms}, open after {due}")
    return overdue
