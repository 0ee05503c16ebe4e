"""Audits of decisions as chains of orders: an original and its requotes, their resting time,
the plan they keep, and intents left unresolved (the maker-order conventions of mexcore).

A requote is an order whose journaled reason starts with "requote"; a maker chain's plan is
the `{runner}.maker` cursor record the bot keeps for its first order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

import attrs

from adapters.fake.testing.audit import AuditedExchange, SentOrder, is_requote, request_value
from mexcore.errors import RetryLater
from mexcore.policies import BotConfig
from mexcore.values import IntentStatus, OrderIntent, OrderRequest, OrderType, Side

D = Decimal
#: Tick errors that only mean "the exchange failed this time" (injected 5xx, 429, lost answers).
_TRANSIENT_CLASSES: list[type[Exception]] = [RetryLater, *RetryLater.__subclasses__()]
TRANSIENT = frozenset(c.__name__ for c in _TRANSIENT_CLASSES)
UNRESOLVED = (IntentStatus.SENT, IntentStatus.UNKNOWN)


def chains(exchange: AuditedExchange) -> dict[str, list[str]]:
    """Group every placed order by decision: root client id → the ids of its chain.

    A requote joins the chain of the order its runner cancelled on the same symbol in the same
    millisecond just before it; any other order starts a chain of its own.
    """
    root_of: dict[str, str] = {}
    runner_of = {o.request.client_order_id: o.runner for o in exchange.sent}
    for index, order in enumerate(exchange.sent):
        cid = order.request.client_order_id
        parent = _cancelled_before(exchange, index, order, runner_of) if is_requote(order) else None
        root_of.setdefault(cid, root_of.get(parent, parent) if parent else cid)
    grouped: dict[str, list[str]] = {}
    for cid, root in root_of.items():
        grouped.setdefault(root, []).append(cid)
    return grouped


def _cancelled_before(
    exchange: AuditedExchange, index: int, order: SentOrder, runner_of: Mapping[str, str]
) -> str | None:
    now = exchange.engine.orders.get(order.request.client_order_id)
    when = now.time_ms if now is not None else order.decided_ms
    for symbol, cid, cancelled_ms, sent_before in reversed(exchange.cancels):
        if sent_before > index or symbol != order.request.symbol:
            continue
        if runner_of.get(cid) == order.runner and cancelled_ms == when:
            return cid
    return None


def overbought_chains(exchange: AuditedExchange) -> list[str]:
    """Return each decision whose orders executed more than its first order planned."""
    requests = {o.request.client_order_id: o.request for o in exchange.sent}
    problems = []
    for root, members in chains(exchange).items():
        planned = requests[root]
        plan_qty, plan_quote = _plan(exchange, root, planned)
        states = [exchange.engine.orders[c] for c in members if c in exchange.engine.orders]
        executed = sum((s.executed_qty for s in states), D(0))
        spent = sum((s.cumm_quote_qty for s in states), D(0))
        if plan_qty is not None and executed > plan_qty:
            problems.append(f"{root}: executed {executed} > planned {plan_qty} over {members}")
        if planned.side is Side.BUY and spent > plan_quote:
            problems.append(f"{root}: spent {spent} > planned {plan_quote} over {members}")
    return problems


def _plan(
    exchange: AuditedExchange, root: str, first: OrderRequest
) -> tuple[Decimal | None, Decimal]:
    """Return the decision's planned quantity and quote: the maker chain's record, if the bot
    kept one (a first order sized at a higher price than the plan's is smaller than the plan),
    else the first order itself."""
    record = exchange.chain_records.get(root)
    if isinstance(record, dict) and "planned_qty" in record:
        return D(str(record["planned_qty"])), D(str(record["planned_quote"]))
    return first.quantity, request_value(first)


def broken_requote_reserves(
    exchange: AuditedExchange, reserves: Mapping[str, Decimal]
) -> list[str]:
    """Return each USDC requote of a reserve-keeping runner that left less than its reserve.

    As in `broken_reserves`, what a request may spend is its value without fees; the fee share
    the exchange holds on the decision's other resting orders (value × the higher fee rate)
    is allowed for, since the decision's own check does not count it either.
    """
    root_of = {c: root for root, members in chains(exchange).items() for c in members}
    by_cid = {o.request.client_order_id: o for o in exchange.sent}
    broken = []
    for order in exchange.sent:
        r = order.request
        if not is_requote(order) or order.runner not in reserves or r.side is not Side.BUY:
            continue
        root = by_cid[root_of.get(r.client_order_id, r.client_order_id)]
        slack = sum((_fee_hold(exchange, o) for o in exchange.sent if not is_requote(o)
                     and (o.runner, o.decided_ms) == (root.runner, root.decided_ms)), D(0))
        left = order.free_before - request_value(r) + slack
        if r.symbol.endswith("USDC") and left < reserves[order.runner]:
            broken.append(f"{order.runner} requote {r.client_order_id}: "
                          f"{order.free_before} - {request_value(r)} (+ {slack} fees held)")
    return broken


def _fee_hold(exchange: AuditedExchange, order: SentOrder) -> Decimal:
    rules = exchange.rules[order.request.symbol]
    return request_value(order.request) * max(rules.maker_fee, rules.taker_fee)


def maker_lifetime_ms(config: BotConfig) -> int:
    """Return how long a maker buy chain may rest: requote_after_s × (max_requotes + 1)."""
    policy = config.balance_monitor
    return policy.requote_after_s * (policy.max_requotes + 1) * 1000


def overdue_makers(
    exchange: AuditedExchange, lifetime_ms: int, ticks: Mapping[str, list[int]]
) -> list[str]:
    """Return each open post-only order still resting after its runner's first completed
    tick at or past the end of its chain's lifetime (counted from the chain's first order)."""
    root_of = {c: root for root, members in chains(exchange).items() for c in members}
    runner_of = {o.request.client_order_id: o.runner for o in exchange.sent}
    overdue = []
    for state in exchange.engine.open_orders():
        if state.request.type is not OrderType.LIMIT_MAKER:
            continue
        cid = state.request.client_order_id
        root = exchange.engine.orders[root_of.get(cid, cid)]
        due = root.time_ms + lifetime_ms
        runner = runner_of.get(cid, "?")
        if any(t >= due for t in ticks.get(runner, [])):
            overdue.append(f"{cid} of {runner}, chain from {root.time_ms}, open after a tick "
                           f"past {due}")
    return overdue


@attrs.define
class UnresolvedWatch:
    """When each intent was first seen SENT or UNKNOWN, and its runner's ticks since."""

    max_ticks: int
    since: dict[str, int] = attrs.field(factory=dict)

    def late(
        self, intents: Iterable[OrderIntent], ticks: Mapping[str, list[int]],
        paused: Callable[[str], bool],
    ) -> list[str]:
        """Return the intents still unresolved after `max_ticks` completed ticks of their
        runner (a paused runner's intents start counting again when it resumes)."""
        late, seen = [], set()
        for intent in intents:
            if intent.status not in UNRESOLVED:
                continue
            cid = intent.client_order_id
            seen.add(cid)
            start = self.since.setdefault(cid, intent.updated_ms or intent.created_ms)
            if paused(intent.runner):
                self.since[cid] = max(start, *ticks.get(intent.runner, [start]))
                continue
            done = [t for t in ticks.get(intent.runner, []) if t > start]
            if len(done) > self.max_ticks:
                late.append(f"{cid} of {intent.runner} {intent.status} since {start}, "
                            f"{len(done)} ticks later")
        self.since = {c: t for c, t in self.since.items() if c in seen}
        return late
