"""Keep the fill journal complete: merge the exchange's own fills into the Store."""

from __future__ import annotations

import json
from collections.abc import Iterable

from mexcore.ports import Exchange, Store

CURSOR_KEY = "fills.cursor"
OVERLAP_MS = 60_000


class FillSync:
    """Import fills the journal lacks, symbol by symbol, without duplicates.

    A per-symbol cursor (the newest fill time seen) keeps each call small; the window starts
    a minute before the cursor so a fill stamped late is not missed (duplicates are dropped by
    the Store, which keys fills by symbol and trade id).
    """

    def __init__(self, exchange: Exchange, store: Store) -> None:
        self._exchange = exchange
        self._store = store

    async def sync(self, symbols: Iterable[str]) -> int:
        """Import new fills for `symbols`; return how many were new to the journal."""
        cursors = self._cursors()
        added = 0
        for symbol in symbols:
            since = cursors.get(symbol)
            fills = await self._exchange.my_fills(
                symbol, None if since is None else max(0, since - OVERLAP_MS)
            )
            added += self._store.record_fills(fills)
            if fills:
                cursors[symbol] = max([since or 0, *(f.time_ms for f in fills)])
        self._store.set_state(CURSOR_KEY, json.dumps(cursors, sort_keys=True))
        return added

    def _cursors(self) -> dict[str, int]:
        raw = self._store.get_state(CURSOR_KEY)
        return {str(k): int(v) for k, v in json.loads(raw).items()} if raw else {}
