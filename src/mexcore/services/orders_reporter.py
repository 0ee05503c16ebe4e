"""OrdersReporter (SPEC §1.6): every 30 min, the open orders and the fills since last time."""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from decimal import Decimal

from mexcore.durations import every
from mexcore.money import CENT, format_decimal, format_step
from mexcore.ports import Clock, Exchange, Level, Notifier, Store
from mexcore.quiet import Quiet
from mexcore.services.market import STABLES
from mexcore.values import Fill, Order

CURSOR_KEY = "orders_reporter.last_ms"
SEEN_KEY = "orders_reporter.seen_fills"
LATE_MS = 3_600_000
MAX_LINES = 30
FEE_STEP = Decimal("0.0001")  # a maker fee is a fraction of a cent: shown to 1/100 cent


class OrdersReporter:
    """Report open orders and the journal's new fills; one report per tick."""

    name = "orders_reporter"
    quiet: Quiet | None = None  # no promise: ticks every interval

    def __init__(
        self, exchange: Exchange, store: Store, notifier: Notifier, clock: Clock,
        every_s: int | None = None,
    ) -> None:
        self._every_s = every_s
        self._exchange = exchange
        self._store = store
        self._notifier = notifier
        self._clock = clock

    async def tick(self) -> int:
        """Send one report; return 1 (the action count), or 0 when nobody would receive it.

        A fill counts as new when the journal did not hold it at the last report, even if it
        happened before (the monitors import fills up to a minute late); fills that reach the
        journal more than `LATE_MS` after they happened are not reported.
        """
        now = self._clock.now_ms()
        raw = self._store.get_state(CURSOR_KEY)
        since = int(raw) if raw else 0
        seen = set(json.loads(self._store.get_state(SEEN_KEY) or "[]"))
        orders = await self._exchange.open_orders()
        journal = self._store.fills()  # oldest first: the recent ones are a tail
        recent = journal[bisect.bisect_right(journal, since - LATE_MS, key=_time):]
        fills = [f for f in recent if _key(f) not in seen]
        sent = self._notifier.wants(Level.INFO)  # else neither rendered nor counted
        if sent:
            await self._notifier.send("orders", orders_report(orders, fills, self._every_s),
                                      Level.INFO)
        self._store.set_state(CURSOR_KEY, str(now))
        self._store.set_state(SEEN_KEY, json.dumps(sorted(_key(f) for f in recent)))
        return int(sent)


def orders_report(
    orders: Sequence[Order], fills: Sequence[Fill], every_s: int | None = None
) -> str:
    """Render the open orders and recent fills as plain text (and how often they come)."""
    reported = "" if every_s is None else f" (reported {every(every_s)})"
    lines = [f"Open orders: {len(orders)}{reported}"]
    lines += [_order_line(o) for o in orders[:MAX_LINES]]
    lines.append(f"Fills since the last report: {len(fills)}")
    lines += [_fill_line(f) for f in fills[-MAX_LINES:]]
    return "\n".join(lines)


def _time(fill: Fill) -> int:
    return fill.time_ms


def _key(fill: Fill) -> str:
    return f"{fill.symbol}:{fill.trade_id}"


def _order_line(order: Order) -> str:
    price = format_decimal(order.price) if order.price is not None else "market"
    return (f"  {order.side} {order.symbol} {format_decimal(order.orig_qty)} @ {price} "
            f"({order.type}, {order.status}, filled {format_decimal(order.executed_qty)})")


def _fill_line(fill: Fill) -> str:
    role = "maker" if fill.is_maker else "taker"
    quote = next((q for q in sorted(STABLES) if fill.symbol.endswith(q)), None)
    value = f"{format_step(fill.quote_qty, CENT)} {quote}" if quote else format_decimal(
        fill.quote_qty)
    fee = format_step(fill.fee, FEE_STEP) if fill.fee_asset in STABLES else format_decimal(
        fill.fee)
    return (f"  {fill.side} {fill.symbol} {format_decimal(fill.qty)} @ {format_decimal(fill.price)}"
            f" = {value}, fee {fee} {fill.fee_asset} ({role})")
