"""The account's fills from `GET /api/v3/myTrades`, paged so that nothing is lost.

MEXC answers at most 100 rows a call and has no `fromId`; its only handles are `startTime`,
`endTime` and `orderId`. A full page is split in two time windows, oldest first, down to one
millisecond; a full millisecond is read order by order. Reading stops after `max_pages`
calls, and then only the fills before the oldest unread window are returned: the answer is
always complete up to its newest fill, so a caller can resume from the next millisecond.

What MEXC cannot tell: more than 100 fills of one order in one millisecond, and the fills of
an order none of whose fills in that millisecond made the first page. Both are logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from adapters.mexc.client import MexcHttp
from adapters.mexc.constants import MY_TRADES, MY_TRADES_HISTORY_MS, MY_TRADES_PAGE
from adapters.mexc.schemas import parse_fills
from mexcore.values import Fill

log = logging.getLogger("adapters.mexc")

MAX_FILL_PAGES = 100
Window = tuple[int, int | None]  # first and last millisecond; None: no end (MEXC's now)


def _inside(page: Sequence[Fill], low: int, high: int | None) -> bool:
    return all(low <= f.time_ms and (high is None or f.time_ms <= high) for f in page)


class FillPager:
    """Read one symbol's fills from `start_ms` on, at most `max_pages` myTrades calls."""

    def __init__(self, http: MexcHttp, symbol: str, max_pages: int = MAX_FILL_PAGES) -> None:
        self._http = http
        self._symbol = symbol
        self._max_pages = max_pages
        self.pages = 0
        self.fills: dict[str, Fill] = {}

    async def read(self, since_ms: int | None) -> list[Fill]:
        """Return the fills from `since_ms` on (30 days at most), oldest first, complete."""
        end = await self._http.server_now_ms()
        start = max(since_ms or 0, end - MY_TRADES_HISTORY_MS + 60_000)
        complete_to = await self._walk([(start, None)], end)
        kept = (f for f in self.fills.values() if (since_ms is None or f.time_ms >= since_ms)
                and (complete_to is None or f.time_ms <= complete_to))
        return sorted(kept, key=lambda f: (f.time_ms, f.trade_id))

    async def _walk(self, windows: list[Window], end: int) -> int | None:
        """Read the windows oldest first; return the last complete millisecond if stopped."""
        while windows:
            low, high = windows.pop()
            if self.pages >= self._max_pages:
                return self._stopped(low)
            page = await self._page(low, high)
            if len(page) < MY_TRADES_PAGE or not _inside(page, low, high):
                continue  # complete, or MEXC ignored the window (splitting cannot help)
            if high is not None and high == low:
                if not await self._by_order(page, low):
                    return self._stopped(low)
                continue
            top = high if high is not None else max(end, *(f.time_ms for f in page))
            middle = (low + top) // 2
            windows += [(middle + 1, top), (low, middle)]
        return None

    async def _by_order(self, page: Sequence[Fill], ms: int) -> bool:
        """Read a full millisecond order by order; False when the page budget ran out."""
        for order_id in sorted({f.order_id for f in page}):
            if self.pages >= self._max_pages:
                return False
            rows = await self._page(ms, ms, order_id)
            if len(rows) >= MY_TRADES_PAGE:
                log.error("%s: MEXC lists only %d fills of order %s at %d ms; the journal may "
                          "lack some of them", self._symbol, len(rows), order_id, ms)
        log.warning("%s: more than %d fills at %d ms, read order by order (an order none of "
                    "whose fills MEXC listed first stays unseen)", self._symbol, len(page), ms)
        return True

    def _stopped(self, low: int) -> int:
        log.warning("%s: stopped paging myTrades after %d pages; complete up to %d ms",
                    self._symbol, self.pages, low - 1)
        return low - 1

    async def _page(self, start_ms: int, end_ms: int | None, order_id: str | None = None
                    ) -> list[Fill]:
        params = [("symbol", self._symbol)]
        if order_id is not None:
            params.append(("orderId", order_id))
        params.append(("startTime", str(start_ms)))
        if end_ms is not None:
            params.append(("endTime", str(end_ms)))
        params.append(("limit", str(MY_TRADES_PAGE)))
        self.pages += 1
        page = parse_fills(await self._http.signed_read(MY_TRADES, params, symbol=self._symbol))
        self.fills.update((f.trade_id, f) for f in page)
        return page
