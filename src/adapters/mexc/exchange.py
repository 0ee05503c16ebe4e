"""MexcExchange: the `Exchange` port on MEXC's spot v3 REST API."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import httpx

from adapters.mexc.client import MexcHttp
from adapters.mexc.constants import (
    ACCOUNT,
    DEFAULT_SYMBOLS,
    DEPTH,
    EXCHANGE_INFO,
    INTERVAL_ALIASES,
    KLINE_INTERVALS,
    KLINES,
    MAX_KLINES,
    SELF_SYMBOLS,
    TICKER_24H,
    TRADE_FEE,
)
from adapters.mexc.errors import NOT_API_TRADEABLE
from adapters.mexc.orders import MexcOrders
from adapters.mexc.ratelimit import RateLimiter
from adapters.mexc.schemas import (
    AccountInfo,
    parse_account,
    parse_depth,
    parse_exchange_info,
    parse_klines,
    parse_symbol_list,
    parse_tickers,
    parse_trade_fee,
)
from adapters.mexc.settings import Credentials, MexcSettings
from adapters.mexc.trades import FillPager
from mexcore.errors import MexbotError, SkipSymbol
from mexcore.ports import Clock
from mexcore.values import (
    Balance,
    Candle,
    Fees,
    Fill,
    Order,
    OrderBook,
    OrderRequest,
    SymbolRules,
    Ticker24h,
)

log = logging.getLogger("adapters.mexc")


def mexc_interval(symbol: str, interval: str) -> str:
    """Return `interval` if MEXC knows it, else raise SkipSymbol as MEXC would (-1121).

    MEXC spells an hour `60m` and a week `1W`; `1h` and `1w` are refused, as by MEXC.
    """
    if interval not in KLINE_INTERVALS:
        hint = f"; MEXC spells it {INTERVAL_ALIASES[interval]}" if interval in INTERVAL_ALIASES \
            else f"; MEXC intervals: {' '.join(sorted(KLINE_INTERVALS))}"
        raise SkipSymbol(symbol, f"Invalid interval. (-1121) {interval!r}{hint}")
    return interval


FEE_TTL_MS = 3_600_000  # an account's rates change with its VIP level or a promotion: rarely


class MexcExchange:
    """The `Exchange` port on MEXC: signed, paced, retried where safe, errors typed.

    Without credentials only the public calls work (rules, tickers, candles, book).
    """

    def __init__(self, client: httpx.AsyncClient, settings: MexcSettings | None = None,
                 credentials: Credentials | None = None, *, clock: Clock | None = None,
                 limiter: RateLimiter | None = None) -> None:
        self.settings = settings or MexcSettings()
        self.http = MexcHttp(client, self.settings, credentials, clock=clock, limiter=limiter)
        self._orders = MexcOrders(self.http, repost_when_absent=self.settings.repost_when_absent)
        self._rules: Mapping[str, SymbolRules] | None = None
        self._rules_at_ms = 0
        self._fees: dict[str, tuple[int, Fees]] = {}

    async def server_time_ms(self) -> int:
        """Return MEXC's clock (and resync the offset used for signing)."""
        await self.http.sync_time()
        return await self.http.server_now_ms()

    async def symbol_rules(self) -> Mapping[str, SymbolRules]:
        """Return every symbol's rules; cached for `rules_ttl_s`."""
        now = self.http.clock.now_ms()
        if self._rules is None or now - self._rules_at_ms > self.settings.rules_ttl_s * 1000:
            self._rules = await self._fetch_rules()
            self._rules_at_ms = now
        return self._rules

    async def _fetch_rules(self) -> Mapping[str, SymbolRules]:
        info = await self.http.public(EXCHANGE_INFO)
        return parse_exchange_info(info, await self.api_symbols())

    async def api_symbols(self) -> frozenset[str] | None:
        """Symbols this key may trade by API: `defaultSymbols` ∩ `selfSymbols` (None: unknown)."""
        allowed = await self._symbol_list(DEFAULT_SYMBOLS, signed=False)
        mine = await self.self_symbols() if self.http.has_keys else None
        if allowed is None or not mine:
            return mine or allowed
        return allowed & mine

    async def self_symbols(self) -> frozenset[str] | None:
        """The key's own trading-pair list (`selfSymbols`); None when unknown or empty."""
        return await self._symbol_list(SELF_SYMBOLS, signed=True) or None

    async def _symbol_list(self, path: str, *, signed: bool) -> frozenset[str] | None:
        try:
            data = await (self.http.signed_read(path) if signed else self.http.public(path))
            return parse_symbol_list(data)
        except MexbotError as e:
            log.warning("could not read %s (%s); API tradeability from exchangeInfo only",
                        path, e)
            return None

    async def account_info(self) -> AccountInfo:
        """Return the account: balances, canTrade, canWithdraw, permissions."""
        return parse_account(await self.http.signed_read(ACCOUNT))

    async def balances(self) -> Mapping[str, Balance]:
        """Return the non-zero balances."""
        return (await self.account_info()).balances

    async def tickers_24h(self) -> Mapping[str, Ticker24h]:
        """Return every symbol's 24 h ticker (rows MEXC sends broken are skipped, logged)."""
        tickers, problems = parse_tickers(await self.http.public(TICKER_24H))
        if problems:
            log.warning("skipped %d unreadable 24h tickers, e.g. %s", len(problems), problems[0])
        return tickers

    async def candles(self, symbol: str, interval: str, limit: int) -> Sequence[Candle]:
        """Return up to `limit` (≤ 1000) most recent candles, oldest first."""
        params = [("symbol", symbol), ("interval", mexc_interval(symbol, interval)),
                  ("limit", str(max(1, min(limit, MAX_KLINES))))]
        return parse_klines(await self.http.public(KLINES, params, symbol=symbol))

    async def order_book(self, symbol: str, limit: int = 20) -> OrderBook:
        """Return the order book, `limit` levels a side."""
        params = [("symbol", symbol), ("limit", str(limit))]
        return parse_depth(symbol, await self.http.public(DEPTH, params, symbol=symbol))

    async def place_order(self, request: OrderRequest) -> Order:
        """Place an order and return it as MEXC then reports it (see `MexcOrders.place`)."""
        rules = self._rules.get(request.symbol) if self._rules else None
        if rules is not None and not rules.api_tradeable:
            raise SkipSymbol(request.symbol, NOT_API_TRADEABLE)
        return await self._orders.place(request)

    async def cancel_order(self, symbol: str, client_order_id: str) -> Order:
        """Cancel an order by client order id and return it."""
        return await self._orders.cancel(symbol, client_order_id)

    async def get_order(self, symbol: str, client_order_id: str) -> Order:
        """Return an order by client order id (OrderNotFound when MEXC knows none)."""
        return await self._orders.get(symbol, client_order_id)

    async def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        """Return open orders of one symbol, or of all."""
        return await self._orders.open_orders(symbol)

    async def my_fills(self, symbol: str, since_ms: int | None = None) -> Sequence[Fill]:
        """Return the account's fills on `symbol` since `since_ms` (MEXC keeps 30 days).

        Paged by `FillPager`: complete up to the newest fill returned, even when it stops.
        """
        return await FillPager(self.http, symbol).read(since_ms)

    async def trade_fees(self, symbol: str) -> Fees:
        """Return this account's maker/taker fee on `symbol`, read once an hour (weight 20)."""
        now = self.http.clock.now_ms()
        cached = self._fees.get(symbol)
        if cached is not None and now - cached[0] < FEE_TTL_MS:
            return cached[1]
        data = await self.http.signed_read(TRADE_FEE, [("symbol", symbol)], symbol=symbol)
        fees = parse_trade_fee(data)
        self._fees[symbol] = (now, fees)
        return fees
