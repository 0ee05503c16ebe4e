"""RSI dip: buy a slice of free USDT (over a reserve) when RSI(14) on 15m candles dips."""

from decimal import Decimal
from typing import Any

from mexcore import (
    FillSync,
    JournalPositions,
    MarketOrders,
    MarketView,
    ServiceDeps,
    snapshot,
    went_through,
)


class RsiDip:
    """Each tick: sell all at `take_profit` over the average cost, else buy when RSI < `below`."""

    def __init__(self, deps: ServiceDeps, symbol: str, slice_: Decimal, below: Decimal,
                 take_profit: Decimal, reserve: Decimal) -> None:
        self.name = "rsi_dip"
        self.deps, self.symbol, self.reserve = deps, symbol, reserve  # reserve: never spent
        self.slice, self.below, self.take_profit = slice_, below, take_profit
        self.fills = FillSync(deps.exchange, deps.store)
        self.positions = JournalPositions(deps.store)

    async def tick(self) -> int:
        await self.fills.sync([self.symbol])  # our fills into the journal: the average cost
        orders = MarketOrders(self.name, self.deps)  # orders under our name: our report row
        async with self.deps.funds.spending(self.name, "USDT"):  # no one else spends it now
            view = await MarketView.load(self.deps.exchange)
            rules, price = view.rules[self.symbol], view.price(self.symbol)
            held = self.positions.folded(self.symbol, rules)
            if price is None:
                return 0
            if held and held.position.quantity > 0 and (
                    price >= held.position.avg_cost * (1 + self.take_profit)):
                value = view.free(rules.base) * price
                return int(went_through(await orders.sell_value(view, self.symbol, value,
                                                                "take profit")))
            candles = await self.deps.exchange.candles(self.symbol, "15m", 100)
            rsi = snapshot(candles).rsi
            if rsi is None or rsi >= self.below:
                return 0
            spend = (view.free(rules.quote) - self.reserve) * self.slice
            if spend <= 0:
                return 0
            return int(went_through(await orders.buy(view, self.symbol, spend, f"RSI {rsi}")))


def make(deps: ServiceDeps, options: dict[str, Any]) -> RsiDip:
    """Build the service from its `[services.options]` table (decimals arrive as text)."""
    return RsiDip(deps, str(options.get("symbol", "SOLUSDT")),
                  Decimal(options.get("slice", "0.2")), Decimal(options.get("below", 30)),
                  Decimal(options.get("take_profit", "0.02")),
                  Decimal(options.get("reserve", 20)))
