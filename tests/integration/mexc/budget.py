"""An in-process MEXC (httpx MockTransport) that counts weight as MEXC does and answers 429.

Limits are the sandbox's (`SandboxLimits`: 500 weight per endpoint per 10 s per IP or key,
20 requests/s), on real time. Every request is counted by endpoint; `throttled` counts 429s.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx
from tests.unit.mexc.support import recorded, sample

from adapters.sandbox.state import SandboxLimits

TICKERS = "/api/v3/ticker/24hr"
WEIGHTS = {TICKERS: 40, "/api/v3/exchangeInfo": 10, "/api/v3/account": 10}


class BudgetMexc:
    """Answers rules, tickers, symbol lists, time and the account; 429 over MEXC's budget."""

    def __init__(self) -> None:
        self.limits = SandboxLimits()
        self.requests: Counter[str] = Counter()
        self.weight = 0
        self.throttled = 0

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        weight = 1 if path == TICKERS and b"symbol=" in request.url.query else \
            WEIGHTS.get(path, 1)
        self.requests[path] += 1
        self.weight += weight
        who = request.headers.get("X-MEXC-APIKEY", "127.0.0.1")
        wait = self.limits.check(who, f"{request.method} {path}", weight)
        if wait is not None:
            self.throttled += 1
            return httpx.Response(429, json={"code": 429, "msg": "Too Many Requests"},
                                  headers={"Retry-After": str(max(1, round(wait)))})
        return httpx.Response(200, json=self._answer(path))

    @staticmethod
    def _answer(path: str) -> Any:
        if path == "/api/v3/time":
            return {"serverTime": time.time_ns() // 1_000_000}
        if path == "/api/v3/account":
            return sample("account")
        if path == "/api/v3/selfSymbols":
            return sample("self_symbols")
        return recorded(path)
