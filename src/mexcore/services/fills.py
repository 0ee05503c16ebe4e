"""Keep the fill journal complete: merge the exchange's own fills into the Store."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence

from mexcore.money import format_decimal
from mexcore.ports import Exchange, Store
from mexcore.values import Fill

log = logging.getLogger("mexcore.fills")

CURSOR_KEY = "fills.cursor"
OVERLAP_MS = 60_000
MAX_ROUNDS = 50
SHOWN = 5  # fills named in a log line; the rest are counted


class FillSync:
    """Import fills the journal lacks, symbol by symbol, without duplicates.

    A per-symbol cursor (the newest fill time read completely) keeps each call small; the
    first read starts a minute before it so a fill stamped late is not missed (the Store drops
    duplicates by symbol and trade id). The exchange may answer only the oldest part of the
    history, complete up to its newest fill's millisecond, so the sync reads on from the
    millisecond after the cursor until an answer is empty, at most `max_rounds` reads a
    symbol; the cursor then holds what was read and the next sync goes on from there.
    """

    def __init__(self, exchange: Exchange, store: Store, *, max_rounds: int = MAX_ROUNDS
                 ) -> None:
        self._exchange = exchange
        self._store = store
        self._max_rounds = max_rounds

    async def sync(self, symbols: Iterable[str]) -> int:
        """Import new fills for `symbols`; return how many were new to the journal."""
        added = 0
        for symbol in symbols:
            added += await self._sync_symbol(symbol)
        return added

    async def _sync_symbol(self, symbol: str) -> int:
        cursor = self._cursors().get(symbol)
        since = None if cursor is None else max(0, cursor - OVERLAP_MS)
        added = 0
        for _ in range(self._max_rounds):
            fills = await self._exchange.my_fills(symbol, since)
            if not fills:
                return added
            new = self._store.record_fills(fills)
            if new:
                _log_new(symbol, new, [f for f in fills if cursor is None or f.time_ms > cursor])
            added += new
            newest = max(f.time_ms for f in fills)
            if since is not None and newest < since:
                return added  # an exchange that ignores `since` has nothing more to say
            cursor = max(cursor or 0, newest)
            self._save(symbol, cursor)
            since = cursor + 1  # all up to the cursor is read: the overlap is read only once
        log.warning("%s: fills not read to the end after %d reads; the next sync goes on",
                    symbol, self._max_rounds)
        return added

    def _save(self, symbol: str, cursor: int) -> None:
        cursors = self._cursors()
        cursors[symbol] = cursor
        self._store.set_state(CURSOR_KEY, json.dumps(cursors, sort_keys=True))

    def _cursors(self) -> dict[str, int]:
        raw = self._store.get_state(CURSOR_KEY)
        return {str(k): int(v) for k, v in json.loads(raw).items()} if raw else {}


def _log_new(symbol: str, count: int, recent: Sequence[Fill]) -> None:
    shown = ", ".join(f"{f.side.value} {format_decimal(f.qty)} @ {format_decimal(f.price)}"
                      for f in recent[:SHOWN])
    more = f" and {len(recent) - SHOWN} more" if len(recent) > SHOWN else ""
    log.info("%s: %d new fill(s) journaled: %s%s", symbol, count, shown or "(late ones)", more)
