"""Read the sandbox's own record of the account over signed REST, as any MEXC client would.

Used only while no bot runs: the sandbox judges a fast replay's timestamps per API key, and
this reader shares the bot's key.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import attrs
import httpx
from tests.integration.process.harness import API_KEY, API_SECRET

from adapters.mexc.schemas import parse_exchange_info
from adapters.mexc.signing import signed_query
from mexcore.values import SymbolRules

TIMESTAMP_OUTSIDE_WINDOW = 700003
TOO_MANY_REQUESTS = 429
ATTEMPTS = 10
PAGE = 100


@attrs.frozen
class SandboxOrder:
    """One order as `allOrders` shows it (decimals exact)."""

    symbol: str
    client_order_id: str
    side: str
    type: str
    status: str
    price: Decimal
    quantity: Decimal
    quote_qty: Decimal
    executed_qty: Decimal
    time_ms: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> SandboxOrder:
        """Parse an `allOrders` row."""
        return cls(row["symbol"], row["clientOrderId"], row["side"], row["type"], row["status"],
                   Decimal(row["price"]), Decimal(row["origQty"]),
                   Decimal(row["origQuoteOrderQty"]), Decimal(row["executedQty"]),
                   int(row["time"]))


@attrs.frozen
class SandboxFill:
    """One trade as `myTrades` shows it."""

    symbol: str
    trade_id: str
    order_id: str
    side: str
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    fee: Decimal
    fee_asset: str
    time_ms: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> SandboxFill:
        """Parse a `myTrades` row."""
        return cls(row["symbol"], str(row["id"]), str(row["orderId"]),
                   "BUY" if row["isBuyer"] else "SELL", Decimal(row["price"]),
                   Decimal(row["qty"]), Decimal(row["quoteQty"]), Decimal(row["commission"]),
                   row["commissionAsset"], int(row["time"]))


class SandboxReader:
    """Signed reads (and the one clean-up: cancel open orders) with the bot's sandbox key."""

    def __init__(self, url: str) -> None:
        self._http = httpx.Client(base_url=url, timeout=30)
        self._offset_ms = 0

    def close(self) -> None:
        """Close the HTTP client."""
        self._http.close()

    def _sync(self) -> None:
        server = int(self._public("/api/v3/time", {})["serverTime"])
        self._offset_ms = server - time.time_ns() // 1_000_000

    def _signed(self, method: str, path: str, params: list[tuple[str, str]]) -> Any:
        for _ in range(ATTEMPTS):
            stamp = time.time_ns() // 1_000_000 + self._offset_ms
            query = signed_query(API_SECRET, [*params, ("recvWindow", "60000"),
                                              ("timestamp", str(stamp))])
            answer = self._http.request(method, f"{path}?{query}",
                                        headers={"X-MEXC-APIKEY": API_KEY})
            if answer.status_code == TOO_MANY_REQUESTS:  # the sandbox enforces MEXC's limits
                time.sleep(float(answer.headers.get("Retry-After", "1")))
                continue
            body = answer.json()
            if isinstance(body, dict) and body.get("code") == TIMESTAMP_OUTSIDE_WINDOW:
                self._sync()
                continue
            assert answer.status_code == 200, f"{method} {path}: {answer.status_code} {body}"
            return body
        raise AssertionError(f"{method} {path}: the sandbox kept refusing us")

    def _public(self, path: str, params: dict[str, str | int]) -> Any:
        for _ in range(ATTEMPTS):
            answer = self._http.get(path, params=params)
            if answer.status_code != TOO_MANY_REQUESTS:
                assert answer.status_code == 200, f"GET {path}: {answer.status_code}"
                return answer.json()
            time.sleep(float(answer.headers.get("Retry-After", "1")))
        raise AssertionError(f"GET {path}: the sandbox kept refusing us")

    def rules(self) -> dict[str, SymbolRules]:
        """Return every symbol's rules from `exchangeInfo`."""
        return parse_exchange_info(self._public("/api/v3/exchangeInfo", {}), None)

    def orders(self, symbols: list[str]) -> list[SandboxOrder]:
        """Return every order of the account on `symbols`."""
        found = []
        for symbol in symbols:
            rows = self._signed("GET", "/api/v3/allOrders", [("symbol", symbol),
                                                              ("limit", "1000")])
            found += [SandboxOrder.of(r) for r in rows]
        return found

    def fills(self, symbols: list[str]) -> list[SandboxFill]:
        """Return every fill of the account on `symbols`, paging `myTrades` by start time."""
        found: dict[tuple[str, str], SandboxFill] = {}
        for symbol in symbols:
            start = 0
            while True:
                rows = self._signed("GET", "/api/v3/myTrades", [
                    ("symbol", symbol), ("startTime", str(start)), ("limit", str(PAGE))])
                page = [SandboxFill.of(r) for r in rows]
                new = [f for f in page if (f.symbol, f.trade_id) not in found]
                found.update(((f.symbol, f.trade_id), f) for f in page)
                if len(page) < PAGE or not new:
                    break
                start = max(f.time_ms for f in page)
        return list(found.values())

    def cancel_open_orders(self) -> int:
        """Cancel every open order of the account; return how many there were."""
        open_orders = self._signed("GET", "/api/v3/openOrders", [])
        for symbol in sorted({o["symbol"] for o in open_orders}):
            self._signed("DELETE", "/api/v3/openOrders", [("symbol", symbol)])
        return len(open_orders)

    def candle_range(self, symbol: str, time_ms: int) -> tuple[Decimal, Decimal]:
        """Return the lowest low and highest high of the 1-minute candles around `time_ms`."""
        rows = self._public("/api/v3/klines", {
            "symbol": symbol, "interval": "1m", "startTime": time_ms - 120_000,
            "endTime": time_ms + 60_000, "limit": 1000})
        return min(Decimal(r[3]) for r in rows), max(Decimal(r[2]) for r in rows)
