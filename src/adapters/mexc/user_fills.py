"""The user-data stream's orders and fills, into the journal (the `Store`) the moment they come.

A fill is journaled by symbol and trade id, the identity `myTrades` fills have, so a fill seen
on the stream and in myTrades (in either order) is journaled once; MEXC shows trade ids of the
same form (`<digits>X1`) in both (that they are the same id: unverified, no sample pairs them).
Every own fill is journaled, as FillSync imports every myTrades row of a symbol: a fill of an
order the bot did not place is the account's history too. An order push moves the bot's intent
(its client order id) like a REST look-up does; a push for an intent not journaled yet (the
stream can outrun the runner) is kept a while and applied once the intent exists.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import attrs

from adapters.mexc.ws_frames import OrderPush, OwnDealPush
from mexcore.client_ids import is_ours
from mexcore.errors import ExchangeDataError
from mexcore.money import format_decimal
from mexcore.ports import Clock, Store
from mexcore.services.execution import intent_status_of
from mexcore.values import Fill, Order, OrderIntent, OrderType

log = logging.getLogger("adapters.mexc.ws")

EARLY_KEPT = 200  # order pushes waiting for their intent, at most
EARLY_KEEP_S = 600  # then the REST look-ups of the runner and the reconciler take over


def fill_of(deal: OwnDealPush) -> Fill:
    """Turn a privateDeals push into the journal's Fill (ExchangeDataError when it cannot)."""
    if not deal.trade_id:
        raise ExchangeDataError(f"a {deal.symbol} fill pushed without tradeId cannot be "
                                "journaled once; myTrades will bring it")
    if deal.price <= 0 or deal.qty <= 0:
        raise ExchangeDataError(f"a {deal.symbol} fill pushed with price {deal.price} and "
                                f"quantity {deal.qty}: both must be positive")
    return Fill(
        symbol=deal.symbol, trade_id=deal.trade_id, order_id=deal.order_id, side=deal.side,
        price=deal.price, qty=deal.qty, quote_qty=deal.quote_qty or deal.price * deal.qty,
        fee=deal.fee, fee_asset=deal.fee_asset, is_maker=deal.is_maker,
        time_ms=deal.fill_time_ms or deal.time_ms, client_order_id=deal.client_order_id)


def _as_order(push: OrderPush) -> Order:
    return Order(symbol=push.symbol, order_id=push.order_id,
                 client_order_id=push.client_order_id, side=push.side,
                 type=push.order_type or OrderType.LIMIT, status=push.status)


class UserFills:
    """Journal pushed fills at once and move intents with pushed order states."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._early: OrderedDict[str, tuple[OrderPush, int]] = OrderedDict()
        self._ended: OrderedDict[str, tuple[OrderPush, int]] = OrderedDict()
        self.journaled = 0
        self.foreign_orders = 0

    def on_deal(self, deal: OwnDealPush) -> bool:
        """Journal the pushed fill; return whether it was new to the journal."""
        self.settle_early()
        fill = fill_of(deal)
        new = self._store.record_fills([fill]) > 0
        if new:
            self.journaled += 1
            log.info("%s: fill %s journaled from the stream: %s %s @ %s", fill.symbol,
                     fill.trade_id, fill.side.value, format_decimal(fill.qty),
                     format_decimal(fill.price))
        return new

    def on_order(self, push: OrderPush) -> None:
        """Record a pushed order state on the bot's intent of that client order id."""
        self.settle_early()
        if not is_ours(push.client_order_id):
            self.foreign_orders += 1
            return
        intent = self._store.intent(push.client_order_id)
        if intent is None:
            self._keep_early(push)
            return
        self._apply(intent, push)

    def settle_early(self) -> None:
        """Apply kept order pushes whose intents exist now; forget those kept too long.

        An order the stream saw end stays ended: a slower REST answer (the new-order reply
        that still says NEW) written over it is undone here, at the next push.
        """
        now = self._clock.now_ms()
        for cid, (push, kept_ms) in list(self._early.items()):
            intent = self._store.intent(cid)
            if intent is not None:
                del self._early[cid]
                self._apply(intent, push)
            elif now - kept_ms > EARLY_KEEP_S * 1000:
                del self._early[cid]
                log.warning("order %s: pushed %s but never journaled as an intent; the "
                            "reconciler will look it up", cid, push.status)
        for cid, (push, kept_ms) in list(self._ended.items()):
            intent = self._store.intent(cid)
            if now - kept_ms > EARLY_KEEP_S * 1000:
                del self._ended[cid]
            elif intent is not None and not intent.status.is_final:
                self._apply(intent, push)

    @property
    def waiting(self) -> tuple[str, ...]:
        """Client order ids of order pushes still waiting for their intent."""
        return tuple(self._early)

    def _keep_early(self, push: OrderPush) -> None:
        _keep(self._early, push, self._clock.now_ms())

    def _apply(self, intent: OrderIntent, push: OrderPush) -> None:
        if (intent.symbol, intent.side) != (push.symbol, push.side):
            log.error("order %s: the journal says %s %s, the stream says %s %s; left as it is",
                      intent.client_order_id, intent.side, intent.symbol, push.side,
                      push.symbol)
            return
        status = intent_status_of(_as_order(push))
        if intent.status.is_final:
            return  # a late push cannot reopen an ended order (pushes may come out of order)
        order_id = push.order_id or intent.order_id
        if (status, order_id) == (intent.status, intent.order_id):
            return
        self._store.save_intent(attrs.evolve(intent, status=status, order_id=order_id,
                                             updated_ms=self._clock.now_ms()))
        if status.is_final:
            _keep(self._ended, push, self._clock.now_ms())
        log.info("order %s %s %s: %s (from the stream)", intent.client_order_id, intent.side,
                 intent.symbol, push.status)


def _keep(kept: OrderedDict[str, tuple[OrderPush, int]], push: OrderPush, now_ms: int) -> None:
    kept[push.client_order_id] = (push, now_ms)
    kept.move_to_end(push.client_order_id)  # the latest state of an order wins
    while len(kept) > EARLY_KEPT:
        kept.popitem(last=False)
