"""One tick's view of the market and the account: rules, prices, balances, USDT values."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from mexcore.money import ONE, ZERO
from mexcore.ports import Exchange
from mexcore.values import Balance, SymbolRules, Ticker24h

STABLES = frozenset({"USDT", "USDC"})
CORE_ASSETS = frozenset({"USDT", "USDC", "BTC", "ETH"})
FEE_ASSETS = ("MX", "BTC", "ETH", "USDT", "USDC")  # what MEXC may charge a fee in


@attrs.frozen
class MarketView:
    """What a runner knows at the start of its tick; build it with `MarketView.load`."""

    rules: Mapping[str, SymbolRules]
    tickers: Mapping[str, Ticker24h]
    balances: Mapping[str, Balance]

    @classmethod
    async def load(cls, exchange: Exchange) -> MarketView:
        """Read rules, 24 h tickers and balances from the exchange."""
        rules = await exchange.symbol_rules()
        tickers = await exchange.tickers_24h()
        balances = await exchange.balances()
        return cls(rules=rules, tickers=tickers, balances=balances)

    def price(self, symbol: str) -> Decimal | None:
        """Return the last price of `symbol`, or None when the exchange has no ticker for it."""
        ticker = self.tickers.get(symbol)
        return ticker.last_price if ticker is not None else None

    def free(self, asset: str) -> Decimal:
        balance = self.balances.get(asset)
        return balance.free if balance is not None else ZERO

    def total(self, asset: str) -> Decimal:
        balance = self.balances.get(asset)
        return balance.total if balance is not None else ZERO

    def usdt_price(self, asset: str) -> Decimal | None:
        """Return the price of one `asset` in USDT: direct, or through USDC.

        >>> # BTCUSDT missing, BTCUSDC 60000 and USDCUSDT 0.9990 give 59940 USDT per BTC.
        """
        if asset == "USDT":
            return ONE
        usdc_usdt = self.price("USDCUSDT") or ONE
        if asset == "USDC":
            return usdc_usdt
        direct = self.price(f"{asset}USDT")
        if direct is not None:
            return direct
        via_usdc = self.price(f"{asset}USDC")
        return via_usdc * usdc_usdt if via_usdc is not None else None

    def price_in(self, asset: str, quote: str) -> Decimal | None:
        """Return the price of one `asset` in `quote`: the direct market, else through USDT.

        MX in USDC without an MXUSDC market: MXUSDT 2.5 / USDCUSDT 0.9990 = 2.5025… USDC.
        """
        if asset == quote:
            return ONE
        direct = self.price(f"{asset}{quote}")
        if direct is not None:
            return direct
        asset_usdt, quote_usdt = self.usdt_price(asset), self.usdt_price(quote)
        if asset_usdt is None or quote_usdt is None or quote_usdt <= ZERO:
            return None
        return asset_usdt / quote_usdt

    def fee_prices(self, quote: str) -> dict[str, Decimal]:
        """Return the prices in `quote` of the assets fees are paid in (for positions)."""
        prices = {asset: self.price_in(asset, quote) for asset in FEE_ASSETS}
        return {asset: price for asset, price in prices.items() if price is not None}

    def usdt_value(self, asset: str, qty: Decimal) -> Decimal:
        """Return the USDT value of `qty` of `asset` (zero when it has no price)."""
        price = self.usdt_price(asset)
        return qty * price if price is not None else ZERO

    def values_usdt(self) -> dict[str, Decimal]:
        """Return the USDT value of every asset held (free + locked)."""
        return {a: self.usdt_value(a, b.total) for a, b in self.balances.items() if b.total > 0}

    def tradeable(self, symbol: str) -> bool:
        rules = self.rules.get(symbol)
        return rules is not None and rules.tradeable
