"""The ControlPanel of a bot that runs elsewhere: its read models from the journal alone.

`mexbot status` reads a state_dir while the bot runs in another process (or not at all): no
exchange, no network. Balances and prices are those of the bot's last portfolio snapshot; the
commands need the running bot and are refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from mexcore.money import ZERO
from mexcore.panel import (
    AssetPnl,
    AutobuyView,
    OrdersView,
    PnlView,
    PortfolioView,
    PriceHistory,
    RunnerStatus,
)
from mexcore.policies import BotConfig
from mexcore.ports import Store
from mexcore.positions import MissingFeePrice, Position, position_from_fills
from mexcore.services.portfolio_record import HeldPortfolio, saved_last
from mexcore.state import PauseFlags, RunnerStatuses
from mexcore.values import Fill, IntentStatus, OrderIntent, PortfolioSnapshot
from runners.panel import RECENT, autobuy_view, panel_status
from runners.panel_vs import portfolio_view

QUOTES = ("USDT", "USDC", "BTC", "ETH")
OPEN = (IntentStatus.ACKNOWLEDGED, IntentStatus.SENT, IntentStatus.UNKNOWN)
SNAPSHOT_RUNNER = "snapshots"


class ReadOnlyPanelError(RuntimeError):
    """A command asked of a panel that only reads a journal."""


class JournalPanel:
    """Read models of the configuration's bot from its Store; commands are refused."""

    def __init__(self, store: Store, config: BotConfig, runners: Mapping[str, float | None],
                 config_text: str, version_text: str) -> None:
        self._store, self._config = store, config
        self._runners = dict(runners)  # name -> interval_s, in the order shown
        self._config_text, self._version = config_text, version_text
        self._last = saved_last(store)

    @property
    def last_portfolio(self) -> HeldPortfolio | None:
        """Return the bot's last portfolio snapshot with its prices, or None before one."""
        return self._last

    async def statuses(self) -> Sequence[RunnerStatus]:
        """Return every runner of the configuration as the journal last recorded it."""
        pauses, statuses = PauseFlags(self._store).state(), RunnerStatuses(self._store)
        return [panel_status(statuses.get(name), pauses.is_paused(name), interval)
                for name, interval in self._runners.items()]

    async def portfolio(self) -> PortfolioView:
        """Return the holdings of the last snapshot (none before the first)."""
        if self._last is None:
            return PortfolioView((), ZERO)
        targets = self._config.balance_monitor.targets
        return portfolio_view(self._last, self._store, targets, {})

    async def pnl(self) -> PnlView:
        """Return each symbol's average-cost position, unrealised at the last snapshot's price."""
        prices = self._last.symbol_prices if self._last is not None else {}
        rows = []
        for symbol, position in journal_positions(self._store.fills()).items():
            if position is None:
                continue
            price = prices.get(symbol)
            unrealised = position.unrealised(price) if price is not None else ZERO
            rows.append(AssetPnl(f"{position.base} ({symbol})", position.quantity,
                                 position.avg_cost, position.realised_pnl, unrealised, symbol,
                                 position.fees_paid))
        return PnlView(rows)

    def unpriced(self) -> list[str]:
        """Return the symbols with a position but no price in the last snapshot."""
        prices = self._last.symbol_prices if self._last is not None else {}
        return [s for s, p in journal_positions(self._store.fills()).items()
                if p is not None and p.quantity > 0 and s not in prices]

    def unknown(self) -> list[str]:
        """Return the symbols whose position needs a fee price the journal lacks (MX fees)."""
        return [s for s, p in journal_positions(self._store.fills()).items() if p is None]

    async def autobuy(self) -> AutobuyView:
        return autobuy_view(self._store)

    async def orders(self) -> OrdersView:
        """Return the journal's recent fills (open orders: see `open_intents`)."""
        return OrdersView((), list(self._store.fills())[-RECENT:])

    def open_intents(self) -> list[OrderIntent]:
        """Return the orders the journal has as sent and not known to be done."""
        return list(self._store.intents(OPEN))

    async def pause(self, runner: str | None = None) -> Sequence[str]:
        raise _read_only("pause")

    async def resume(self, runner: str | None = None) -> Sequence[str]:
        raise _read_only("resume")

    async def sell(self, asset: str) -> str:
        raise _read_only("sell")

    async def rebalance(self) -> str:
        raise _read_only("rebalance")

    async def config_text(self) -> str:
        return self._config_text

    async def version(self) -> str:
        return self._version

    async def portfolio_snapshots(self) -> Sequence[PortfolioSnapshot]:
        return list(self._store.snapshots())

    async def btc_price_history(self) -> PriceHistory:
        return PriceHistory("BTCUSDT")  # prices come from the exchange: none in a journal


def _read_only(command: str) -> ReadOnlyPanelError:
    return ReadOnlyPanelError(
        f"{command}: this panel reads the journal only; ask the running bot (Telegram or the "
        "dashboard)")


def journal_positions(fills: Sequence[Fill]) -> dict[str, Position | None]:
    """Return each traded symbol's average-cost position (None: a fee needs a price)."""
    by_symbol: dict[str, list[Fill]] = defaultdict(list)
    for fill in fills:
        by_symbol[fill.symbol].append(fill)
    positions: dict[str, Position | None] = {}
    for symbol, group in sorted(by_symbol.items()):
        quote = next((q for q in QUOTES if symbol.endswith(q) and symbol != q), None)
        try:
            positions[symbol] = (None if quote is None else position_from_fills(
                group, symbol.removesuffix(quote), quote))
        except MissingFeePrice:  # a fee in MX: its price is on the exchange, not the journal
            positions[symbol] = None
    return positions

