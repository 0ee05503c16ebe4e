"""InMemoryStore: the Store port in a few dicts, for unit tests and throwaway runs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from mexcore.values import Fill, IntentStatus, OrderIntent, PortfolioSnapshot


class InMemoryStore:
    """Keep fills, intents, runner state and snapshots in memory, with SqliteStore's semantics.

    Fills are unique by (symbol, trade id), the first one journaled wins, and they are listed
    oldest first (by time, then by arrival). Intents are unique by client order id and listed by
    creation time, then id. Snapshots are unique by time (a later one replaces an earlier one).
    """

    def __init__(self, mode: str | None = None, base_url: str | None = None) -> None:
        self.mode = mode  # the mode this journal belongs to, as SqliteStore.mode
        self.base_url = base_url
        self._fills: dict[tuple[str, str], Fill] = {}
        self._intents: dict[str, OrderIntent] = {}
        self._by_status: dict[IntentStatus, dict[str, OrderIntent]] = {}  # the open ones: few
        self._state: dict[str, str] = {}
        self._snapshots: dict[int, PortfolioSnapshot] = {}
        self._sorted_fills: dict[str | None, list[Fill]] = {}  # dropped when one is added

    def record_fills(self, fills: Iterable[Fill]) -> int:
        """Add fills not yet journaled (unique by symbol and trade id); return how many."""
        added = 0
        for fill in fills:
            key = (fill.symbol, fill.trade_id)
            if key not in self._fills:
                self._fills[key] = fill
                added += 1
                self._sorted_fills.pop(fill.symbol, None)
                self._sorted_fills.pop(None, None)
        return added

    def fills(self, symbol: str | None = None) -> Sequence[Fill]:
        """Return journaled fills, oldest first."""
        found = self._sorted_fills.get(symbol)
        if found is None:
            chosen = [f for f in self._fills.values() if symbol is None or f.symbol == symbol]
            found = self._sorted_fills[symbol] = sorted(chosen, key=lambda f: f.time_ms)
        return list(found)

    def save_intent(self, intent: OrderIntent) -> None:
        """Insert or replace the intent with this client order id."""
        cid = intent.client_order_id
        old = self._intents.get(cid)
        if old is not None:
            del self._by_status[old.status][cid]
        self._intents[cid] = intent
        self._by_status.setdefault(intent.status, {})[cid] = intent

    def intent(self, client_order_id: str) -> OrderIntent | None:
        """Return the intent with this client order id, if any."""
        return self._intents.get(client_order_id)

    def intents(self, statuses: Iterable[IntentStatus] | None = None) -> Sequence[OrderIntent]:
        """Return intents (only those in `statuses` when given), oldest first."""
        if statuses is None:
            chosen = list(self._intents.values())
        else:
            chosen = [i for s in set(statuses) for i in self._by_status.get(s, {}).values()]
        return sorted(chosen, key=lambda i: (i.created_ms, i.client_order_id))

    def get_state(self, key: str) -> str | None:
        """Read one value of runner state (cooldowns, pause flags, throttles, cursors)."""
        return self._state.get(key)

    def set_state(self, key: str, value: str | None) -> None:
        """Write (or with None delete) one value of runner state."""
        if value is None:
            self._state.pop(key, None)
        else:
            self._state[key] = value

    def add_snapshot(self, snapshot: PortfolioSnapshot) -> None:
        """Journal a portfolio snapshot (replacing one taken at the same millisecond)."""
        self._snapshots[snapshot.time_ms] = snapshot

    def snapshots(self, since_ms: int | None = None) -> Sequence[PortfolioSnapshot]:
        """Return snapshots taken at or after `since_ms`, oldest first."""
        times = sorted(t for t in self._snapshots if since_ms is None or t >= since_ms)
        return [self._snapshots[t] for t in times]

    def snapshot_totals(self, since_ms: int | None = None) -> Sequence[tuple[int, Decimal]]:
        """Return (time_ms, total value) of snapshots taken at or after `since_ms`, oldest first."""
        times = sorted(t for t in self._snapshots if since_ms is None or t >= since_ms)
        return [(t, self._snapshots[t].total_value) for t in times]
