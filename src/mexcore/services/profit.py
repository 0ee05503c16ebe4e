"""Take profit on a position: the shared logic of the PnL and alts monitors (SPEC §1.3, §1.4)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from mexcore.client_ids import client_order_id
from mexcore.errors import SkipSymbol
from mexcore.money import ZERO, format_decimal
from mexcore.ports import Level
from mexcore.positions import Position, position_from_fills
from mexcore.pricing import ProfitSell, profit_sell_decision, profit_sell_level
from mexcore.services.deps import ServiceDeps
from mexcore.services.journal_positions import JournalPositions
from mexcore.services.market import MarketView
from mexcore.services.refusals import REFUSED, SymbolRefusals
from mexcore.trade_side import may_trade
from mexcore.values import Balance, Order, OrderRequest, OrderType, Side

log = logging.getLogger(__name__)


@attrs.frozen
class Sale:
    """A profit sale that was placed, with what it freed."""

    symbol: str
    order: Order
    position: Position
    unrealised: Decimal


class ProfitTaker:
    """Sell a symbol's free quantity when its unrealised PnL exceeds a threshold."""

    def __init__(self, runner: str, deps: ServiceDeps) -> None:
        self._runner = runner
        self._store, self._notifier, self._clock = deps.store, deps.notifier, deps.clock
        self._executor, self._funds, self._exchange = deps.executor, deps.funds, deps.exchange
        self._journal = JournalPositions(deps.store)
        self._refusals = SymbolRefusals(deps.store, deps.notifier, runner)

    def position(self, symbol: str, view: MarketView) -> Position | None:
        """Return the average-cost position of `symbol` from the fill journal."""
        rules = view.rules.get(symbol)
        folded = None if rules is None else self._journal.folded(symbol, rules)
        if rules is None or folded is None:
            return None
        if folded.third_asset_fee:
            prices = view.fee_prices(rules.quote)  # a fee in a third asset needs its price
            return position_from_fills(self._store.fills(symbol), rules.base, rules.quote,
                                       prices)
        return folded.position

    def wake_levels(
        self, symbols: Sequence[str], view: MarketView, threshold: Decimal
    ) -> dict[str, Decimal] | None:
        """Return, per symbol held, the price up to which `take` would not sell.

        None when no such promise can be made: a symbol without rules, or a fee paid in a
        third asset (the position then moves with that asset's price).
        """
        levels = {}
        for symbol in symbols:
            rules = view.rules.get(symbol)
            if rules is None:
                return None
            folded = self._journal.folded(symbol, rules)
            if folded is None:
                continue  # no fills: nothing held by the bot, no price sells
            if folded.third_asset_fee:
                return None
            level = profit_sell_level(folded.position, threshold)
            if level is not None:
                levels[symbol] = level
        return levels

    async def take_or_warn(
        self, symbol: str, view: MarketView, threshold: Decimal, factor: Decimal
    ) -> Sale | None:
        """Like `take`, but a refused or skipped sale is warned about once and gives None."""
        try:
            return await self.take(symbol, view, threshold, factor)
        except REFUSED as e:
            await self._refusals.warn(symbol, e, "profit sale")
            return None

    async def take(
        self, symbol: str, view: MarketView, threshold: Decimal, factor: Decimal
    ) -> Sale | None:
        """Sell `symbol` at `price × factor` if its unrealised PnL exceeds `threshold`.

        The decision is taken again under the base asset's lock with fresh balances, so two
        runners selling the same asset never sell it twice. Raise SkipSymbol when a sale is due
        but the symbol may not be sold now (tradeSideType buy-only or none, paused).
        """
        rules = view.rules.get(symbol)
        if rules is None or self._decide(symbol, view, view.balances, threshold, factor) is None:
            return None
        if not may_trade(rules, Side.SELL):
            raise SkipSymbol(symbol, f"selling is not allowed now (tradeSideType "
                                     f"{rules.trade_side.value}, status {rules.status.value})")
        async with self._funds.spending(self._runner, rules.base):
            balances = await self._exchange.balances()
            decided = self._decide(symbol, view, balances, threshold, factor)
            if decided is None:
                return None
            decision, position, price = decided
            order = await self._executor.submit(self._runner, self._request(symbol, decision),
                                                decision.reason)
        unrealised = position.unrealised(price)
        await self._notifier.send(f"sale.{symbol}", _sale_text(symbol, decision, position,
                                                              price, unrealised), Level.ALERT)
        return Sale(symbol, order, position, unrealised)

    def _decide(
        self, symbol: str, view: MarketView, balances: Mapping[str, Balance],
        threshold: Decimal, factor: Decimal,
    ) -> tuple[ProfitSell, Position, Decimal] | None:
        position = self.position(symbol, view)
        price = view.price(symbol)
        rules = view.rules.get(symbol)
        if position is None or price is None or rules is None or position.quantity <= ZERO:
            return None
        held = balances.get(rules.base)
        free = min(held.free if held is not None else ZERO, position.quantity)
        decision = profit_sell_decision(position, price, free, rules, threshold, factor)
        if not isinstance(decision, ProfitSell):
            log.debug("%s %s: hold (%s)", self._runner, symbol, decision.reason)
            return None
        return decision, position, price

    def _request(self, symbol: str, decision: ProfitSell) -> OrderRequest:
        now = self._clock.now_ms()
        return OrderRequest(
            symbol=symbol, side=Side.SELL, type=OrderType.LIMIT,
            client_order_id=client_order_id(self._runner, symbol, now, side=Side.SELL,
                                            purpose="profit-sell"),
            quantity=decision.quantity, price=decision.price,
        )


def _sale_text(
    symbol: str, decision: ProfitSell, position: Position, price: Decimal, unrealised: Decimal
) -> str:
    return (f"SELL {symbol} at profit: {format_decimal(decision.quantity)} @ "
            f"{format_decimal(decision.price)} (limit): {decision.reason}")
