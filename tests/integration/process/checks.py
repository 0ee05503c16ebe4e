"""What must hold after a bot ran (and crashed) against the sandbox; each check lists problems."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs
from tests.integration.process.journal import Intent, JournalFill
from tests.integration.process.sandbox_reader import SandboxFill, SandboxOrder

from mexcore.values import SymbolRules

PRICED = ("LIMIT", "LIMIT_MAKER", "IMMEDIATE_OR_CANCEL", "FILL_OR_KILL")
PLACED = {"acknowledged", "filled", "cancelled"}  # an intent whose order is on the exchange


def _on_grid(value: Decimal, step: Decimal) -> bool:
    return value % step == 0


def order_problems(order: SandboxOrder, rules: SymbolRules,
                   price_range: tuple[Decimal, Decimal]) -> list[str]:
    """Check an order against its symbol's rules; `price_range` is the market's low and high.

    The band (PERCENT_PRICE_BY_SIDE) is checked against the extremes of the minutes around
    the order, so a buy may not exceed high × (1 + bidMultiplierUp), a sell may not go under
    low × (1 - askMultiplierDown).
    """
    low, high = price_range
    name = f"{order.client_order_id} {order.side} {order.type} {order.symbol}"
    problems = []
    if order.type not in {t.value for t in rules.order_types} or not rules.tradeable:
        problems.append(f"{name}: type not allowed or symbol not tradeable")
    if order.quantity > 0:
        if not _on_grid(order.quantity, rules.qty_step):
            problems.append(f"{name}: quantity {order.quantity} off step {rules.qty_step}")
        if order.quantity < rules.min_qty:
            problems.append(f"{name}: quantity {order.quantity} under {rules.min_qty}")
    if order.type in PRICED:
        problems += _priced_problems(name, order, rules, low, high)
    elif order.quote_qty > 0:
        if not _on_grid(order.quote_qty, rules.quote_amount_step):
            problems.append(f"{name}: quote amount {order.quote_qty} off step")
        if order.quote_qty < rules.min_notional_market:
            problems.append(f"{name}: quote amount {order.quote_qty} under the minimum")
    elif order.quantity * high < rules.min_notional_market:
        problems.append(f"{name}: market sell worth under {rules.min_notional_market}")
    return problems


def _priced_problems(name: str, order: SandboxOrder, rules: SymbolRules, low: Decimal,
                     high: Decimal) -> list[str]:
    problems = []
    if not _on_grid(order.price, rules.price_tick):
        problems.append(f"{name}: price {order.price} off tick {rules.price_tick}")
    notional = order.price * order.quantity
    if notional < rules.min_notional:
        problems.append(f"{name}: notional {notional} under {rules.min_notional}")
    if rules.max_notional is not None and notional > rules.max_notional:
        problems.append(f"{name}: notional {notional} over {rules.max_notional}")
    up, down = rules.bid_multiplier_up, rules.ask_multiplier_down
    if order.side == "BUY" and up is not None and order.price > high * (1 + up):
        problems.append(f"{name}: buy at {order.price} above the band (high {high})")
    if order.side == "SELL" and down is not None and order.price < low * (1 - down):
        problems.append(f"{name}: sell at {order.price} under the band (low {low})")
    return problems


def balances_after(start: Mapping[str, Decimal],
                   fills: Iterable[JournalFill]) -> dict[str, Decimal]:
    """Move the start balances by each fill: base and quote by side, the fee in its asset.

    Example: 1000 USDC, a buy of 0.01 BTC for 300 USDC with a fee of 0.3 USDC → 699.7 USDC and
    0.01 BTC.
    """
    out: dict[str, Decimal] = {a: Decimal(v) for a, v in start.items()}
    for f in fills:
        base, quote = split_symbol(f.symbol)
        sign = 1 if f.side == "BUY" else -1
        out[base] = out.get(base, Decimal(0)) + sign * f.qty
        out[quote] = out.get(quote, Decimal(0)) - sign * f.quote_qty
        out[f.fee_asset] = out.get(f.fee_asset, Decimal(0)) - f.fee
    return {a: v for a, v in out.items() if v != 0}


def split_symbol(symbol: str) -> tuple[str, str]:
    """Split BTCUSDC into (BTC, USDC) (the bot trades USDT and USDC markets only)."""
    for quote in ("USDT", "USDC"):
        if symbol.endswith(quote) and len(symbol) > len(quote):
            return symbol[: -len(quote)], quote
    raise ValueError(f"no known quote currency in {symbol}")


def duplicate_problems(orders: Sequence[SandboxOrder], intents: Sequence[Intent]) -> list[str]:
    """Each client order id at most once on the exchange, and each order of ours journaled once.

    An intent the journal calls placed must be on the exchange; one it calls rejected must not.
    """
    problems = [f"client order id {cid} is on the exchange {n} times"
                for cid, n in Counter(o.client_order_id for o in orders).items() if n > 1]
    by_cid = Counter(i.client_order_id for i in intents)
    on_exchange = {o.client_order_id for o in orders}
    problems += [f"order {cid} on the exchange has {by_cid[cid]} intents"
                 for cid in sorted(on_exchange) if by_cid[cid] != 1]
    for intent in intents:
        there = intent.client_order_id in on_exchange
        if intent.status in PLACED and not there:
            problems.append(f"intent {intent.client_order_id} is {intent.status}, not on exchange")
        if intent.status == "rejected" and there:
            problems.append(f"intent {intent.client_order_id} is rejected but on the exchange")
    return problems


def journaled_fill_problems(journal: Sequence[JournalFill],
                            exchange: Sequence[SandboxFill]) -> list[str]:
    """Every journaled fill is an exchange fill, field for field, journaled once."""
    keys = Counter((f.symbol, f.trade_id) for f in journal)
    problems = [f"fill {k} journaled {n} times" for k, n in keys.items() if n > 1]
    theirs = {(f.symbol, f.trade_id): f for f in exchange}
    for fill in journal:
        twin = theirs.get((fill.symbol, fill.trade_id))
        if twin is None or attrs.astuple(twin) != attrs.astuple(fill):
            problems.append(f"journaled fill {fill} differs from the exchange's {twin}")
    return problems


def missing_fill_problems(journal: Sequence[JournalFill],
                          exchange: Sequence[SandboxFill]) -> list[str]:
    """Every exchange fill is in the journal."""
    keys = {(f.symbol, f.trade_id) for f in journal}
    return [f"exchange fill {f} missing from the journal" for f in exchange
            if (f.symbol, f.trade_id) not in keys]


def fill_problems(journal: Sequence[JournalFill], exchange: Sequence[SandboxFill]) -> list[str]:
    """Every journaled fill is an exchange fill, once; every exchange fill is journaled."""
    return journaled_fill_problems(journal, exchange) + missing_fill_problems(journal, exchange)


@attrs.frozen
class Purchase:
    """One tick's orders of a runner: when the first and last were journaled."""

    first_ms: int
    last_ms: int
    life: int


def purchases(times_by_life: Iterable[tuple[int, int]], same_tick_ms: int) -> list[Purchase]:
    """Group (life, intent time) pairs: one life's intents closer than `same_tick_ms` are a tick."""
    groups: list[Purchase] = []
    for life, t in sorted(times_by_life, key=lambda p: p[1]):
        last = groups[-1] if groups else None
        if last is not None and last.life == life and t - last.last_ms < same_tick_ms:
            groups[-1] = attrs.evolve(last, last_ms=t)
        else:
            groups.append(Purchase(t, t, life))
    return groups


def cooldown_problems(runner: str, ticks: Sequence[Purchase], starts: Iterable[int],
                      cooldown_ms: int, tick_slack_ms: int) -> list[str]:
    """Each purchase waits out the cooldown that the previous purchase started.

    `starts` are the cooldown starts seen in the state file. The previous purchase's tick
    started between the purchase before it and its own first order; if its cooldown start was
    seen, the next purchase must come at or after start + cooldown (exact). If it was lost (a
    crash between the order and the cooldown write), the tick's start is unknown but at most
    `tick_slack_ms` before its first order, so the next purchase must come at least
    cooldown - slack after that first order.
    """
    seen = sorted(set(starts))
    problems = []
    for k in range(len(ticks) - 1):
        before = ticks[k - 1].last_ms if k else -1
        own = [s for s in seen if before < s <= ticks[k].first_ms]
        start = own[-1] if own else ticks[k].first_ms - tick_slack_ms
        gap = ticks[k + 1].first_ms - start
        if gap < cooldown_ms:
            how = "its cooldown start" if own else "its earliest start (cooldown never stored)"
            problems.append(f"{runner}: purchase at {ticks[k + 1].first_ms} (life "
                            f"{ticks[k + 1].life}) only {gap} ms after {how} at {start} (life "
                            f"{ticks[k].life}); cooldown {cooldown_ms} ms")
    return problems
