"""Reconciliation: make the journal agree with the exchange before any runner trades.

Run at start-up and on demand. Every intent whose outcome is not final is looked up by client
order id; fills the journal lacks are imported; open orders the bot placed are tracked again;
open orders it did not place are reported and left alone. When the exchange cannot be reached
or the journal contradicts the exchange, the report says `ok=False` and why, an ALERT goes out,
and the caller must not trade until a later reconciliation succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import attrs

from mexcore.client_ids import is_ours
from mexcore.errors import ExchangeDataError, OrderNotFound, RetryLater, SkipSymbol
from mexcore.ports import Clock, Exchange, Level, Notifier, Store
from mexcore.services.execution import intent_status_of
from mexcore.services.fills import FillSync
from mexcore.services.warnings import WarnOnce
from mexcore.values import IntentStatus, Order, OrderIntent

log = logging.getLogger(__name__)

TOPIC = "reconcile"
PENDING = tuple(s for s in IntentStatus if not s.is_final)
RECOVERED_RUNNER = "recovered"


@attrs.frozen
class IntentChange:
    """One intent whose status reconciliation changed (`old` is None for a recovered order)."""

    client_order_id: str
    symbol: str
    old: IntentStatus | None
    new: IntentStatus


@attrs.frozen
class ReconcileReport:
    """What reconciliation found and did; trade only when `ok`."""

    ok: bool
    reason: str = ""
    changes: tuple[IntentChange, ...] = ()
    unresolved: tuple[str, ...] = ()
    tracked: tuple[str, ...] = ()
    foreign: tuple[Order, ...] = ()
    fills_imported: int = 0
    skipped: tuple[str, ...] = ()  # symbols the exchange no longer lists (warned once)

    def summary(self) -> str:
        """Describe the report in a few lines for people."""
        lines = ["reconciled" if self.ok else f"NOT reconciled, not trading: {self.reason}"]
        lines += [
            f"{c.client_order_id} {c.symbol}: {c.old or 'no intent'} -> {c.new}"
            for c in self.changes
        ]
        if self.fills_imported:
            lines.append(f"{self.fills_imported} fills imported into the journal")
        if self.unresolved:
            lines.append(f"still unknown (retry later): {', '.join(self.unresolved)}")
        if self.tracked:
            lines.append(f"open orders tracked: {', '.join(self.tracked)}")
        if self.skipped:
            lines.append(f"skipped, not listed on the exchange: {', '.join(self.skipped)}")
        lines += [
            f"open order not placed by mexbot, left alone: {o.symbol} {o.side} {o.orig_qty}"
            f" @ {o.price} ({o.client_order_id or o.order_id})"
            for o in self.foreign
        ]
        return "\n".join(lines)

    @property
    def eventful(self) -> bool:
        """Tell whether the report has anything a person should hear about."""
        return bool(
            self.changes or self.unresolved or self.foreign or self.fills_imported
            or not self.ok
        )


@attrs.define
class _Pass:
    now_ms: int
    symbols: set[str]
    changes: list[IntentChange] = attrs.Factory(list)
    unresolved: list[str] = attrs.Factory(list)
    tracked: list[str] = attrs.Factory(list)
    foreign: list[Order] = attrs.Factory(list)
    contradictions: list[str] = attrs.Factory(list)
    skipped: list[str] = attrs.Factory(list)

    def report(self, fills_imported: int, failure: str = "") -> ReconcileReport:
        reason = failure or "; ".join(self.contradictions)
        return ReconcileReport(
            ok=not reason, reason=reason, changes=tuple(self.changes),
            unresolved=tuple(self.unresolved), tracked=tuple(self.tracked),
            foreign=tuple(self.foreign), fills_imported=fills_imported,
            skipped=tuple(sorted(set(self.skipped))),
        )


class Reconciler:
    """Resolve unfinished intents, import missing fills and re-adopt the bot's open orders.

    An order the exchange does not know is "never placed" only once its intent is older than
    `grace_s` (MEXC can answer -2013 for a moment right after creating an order).
    """

    def __init__(
        self, exchange: Exchange, store: Store, notifier: Notifier, clock: Clock,
        grace_s: int = 60,
    ) -> None:
        self._exchange = exchange
        self._store = store
        self._notifier = notifier
        self._clock = clock
        self._grace_ms = grace_s * 1000
        self._last_failure = ""
        self._warn = WarnOnce(store, notifier, TOPIC)

    async def reconcile(self, symbols: Iterable[str] | None = None) -> ReconcileReport:
        """Reconcile the journal with the exchange; `symbols` None means every symbol."""
        pending = self._store.intents(PENDING)
        wanted = None if symbols is None else set(symbols)
        work = _Pass(self._clock.now_ms(), (wanted or set()) | {i.symbol for i in pending})
        try:
            for intent in pending:
                await self._resolve(intent, work)
            await self._adopt_open_orders(None if wanted is None else set(work.symbols), work)
            if wanted is None:  # every symbol the bot ever ordered on may have fills to import
                work.symbols |= {i.symbol for i in self._store.intents()}
            imported = await self._import_fills(sorted(work.symbols), work)
        except (RetryLater, ExchangeDataError) as e:
            report = work.report(0, failure=f"exchange unavailable ({type(e).__name__}: {e})")
        else:
            report = work.report(imported)
        await self._tell(report)
        return report

    async def reconcile_until_ok(
        self, symbols: Iterable[str] | None = None, retry_s: int = 30, attempts: int | None = None
    ) -> ReconcileReport:
        """Reconcile, waiting `retry_s` between tries, until it succeeds or `attempts` run out."""
        wanted = None if symbols is None else tuple(symbols)
        tried = 0
        while True:
            report = await self.reconcile(wanted)
            tried += 1
            if report.ok or (attempts is not None and tried >= attempts):
                return report
            await self._clock.sleep(retry_s)

    async def _resolve(self, intent: OrderIntent, work: _Pass) -> None:
        try:
            order = await self._exchange.get_order(intent.symbol, intent.client_order_id)
        except OrderNotFound:
            self._not_found(intent, work)
            return
        except SkipSymbol as e:
            log.warning("cannot look up %s: %s", intent.client_order_id, e)
            work.unresolved.append(intent.client_order_id)
            return
        problem = _mismatch(intent, order)
        if problem:
            work.contradictions.append(problem)
            return
        self._update(intent, intent_status_of(order), order.order_id, "", work)

    def _not_found(self, intent: OrderIntent, work: _Pass) -> None:
        age_ms = work.now_ms - max(intent.created_ms, intent.updated_ms)
        if age_ms < self._grace_ms:  # unknown: its runner looks it up again while running
            work.unresolved.append(intent.client_order_id)
            self._update(intent, IntentStatus.UNKNOWN, None, "", work)
        elif intent.status is IntentStatus.ACKNOWLEDGED:
            why = "the exchange no longer knows this acknowledged order"
            self._update(intent, IntentStatus.CANCELLED, None, why, work)
        else:
            why = "never placed: the exchange has no order with this client id"
            self._update(intent, IntentStatus.REJECTED, None, why, work)

    async def _adopt_open_orders(self, wanted: set[str] | None, work: _Pass) -> None:
        if wanted is None:
            orders = list(await self._exchange.open_orders(None))
        else:
            orders = [o for s in sorted(wanted) for o in await self._open_orders(s, work)]
        for order in orders:
            work.symbols.add(order.symbol)
            if is_ours(order.client_order_id):
                self._track(order, work)
            else:
                work.foreign.append(order)

    async def _open_orders(self, symbol: str, work: _Pass) -> Sequence[Order]:
        try:
            return await self._exchange.open_orders(symbol)
        except SkipSymbol as e:
            await self._skip(symbol, e, work)
            return ()

    async def _import_fills(self, symbols: Iterable[str], work: _Pass) -> int:
        """Import each symbol's missing fills; a symbol the exchange no longer lists is skipped."""
        sync, imported = FillSync(self._exchange, self._store), 0
        for symbol in symbols:
            try:
                imported += await sync.sync([symbol])
            except SkipSymbol as e:
                await self._skip(symbol, e, work)
        return imported

    async def _skip(self, symbol: str, error: SkipSymbol, work: _Pass) -> None:
        work.skipped.append(symbol)
        await self._warn.once(f"{symbol}.{error.reason}", f"{symbol} skipped: the exchange "
                              f"answers {error.reason!r} (delisted or unknown); its journal "
                              "stays as it is and the other symbols are reconciled")

    def _track(self, order: Order, work: _Pass) -> None:
        intent = self._store.intent(order.client_order_id)
        problem = "" if intent is None else _contradiction(intent, order)
        if problem:
            work.contradictions.append(problem)
            return
        if intent is None:
            recovered = _recovered_intent(order, work.now_ms)
            self._store.save_intent(recovered)
            change = IntentChange(order.client_order_id, order.symbol, None, recovered.status)
            work.changes.append(change)
        else:
            self._update(intent, intent_status_of(order), order.order_id, "", work)
        work.tracked.append(order.client_order_id)

    def _update(
        self, intent: OrderIntent, status: IntentStatus, order_id: str | None, why: str,
        work: _Pass,
    ) -> None:
        order_id = order_id or intent.order_id
        if status is intent.status and order_id == intent.order_id:
            return
        reason = f"{intent.reason}; {why}" if intent.reason and why else intent.reason or why
        new = attrs.evolve(
            intent, status=status, order_id=order_id, updated_ms=work.now_ms, reason=reason
        )
        self._store.save_intent(new)
        work.changes.append(IntentChange(new.client_order_id, new.symbol, intent.status, status))

    async def _tell(self, report: ReconcileReport) -> None:
        if not report.ok:
            log.error("reconciliation failed: %s", report.reason)
            if report.reason != self._last_failure:
                await self._notifier.send(TOPIC, report.summary(), Level.ALERT)
            self._last_failure = report.reason
            return
        self._last_failure = ""
        if report.eventful:
            log.info("reconciliation: %s", report.summary())
            await self._notifier.send(TOPIC, report.summary(), Level.INFO)


def _contradiction(intent: OrderIntent, order: Order) -> str:
    if intent.status in (IntentStatus.FILLED, IntentStatus.CANCELLED):
        return (
            f"{intent.client_order_id} is {intent.status} in the journal but open on the exchange"
        )
    return _mismatch(intent, order)


def _mismatch(intent: OrderIntent, order: Order) -> str:
    if (order.client_order_id, order.symbol, order.side) == (
        intent.client_order_id, intent.symbol, intent.side
    ):
        return ""
    return (
        f"{intent.client_order_id}: the journal says {intent.side} {intent.symbol}, the exchange"
        f" says {order.side} {order.symbol} ({order.client_order_id})"
    )


def _recovered_intent(order: Order, now_ms: int) -> OrderIntent:
    return OrderIntent(
        client_order_id=order.client_order_id, runner=RECOVERED_RUNNER, symbol=order.symbol,
        side=order.side, type=order.type, status=intent_status_of(order),
        created_ms=order.time_ms or now_ms, quantity=order.orig_qty,
        quote_qty=order.orig_quote_qty, price=order.price, order_id=order.order_id,
        updated_ms=now_ms, reason="recovered from the exchange's open orders (no intent found)",
    )
