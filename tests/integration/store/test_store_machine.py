"""SqliteStore and InMemoryStore, driven by the same random operations, never disagree."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from adapters.fake.store import InMemoryStore
from adapters.sqlite import SqliteStore
from mexcore.values import Fill, IntentStatus, OrderIntent, PortfolioSnapshot

from .strategies import SYMBOLS, exact, fills, intents, snapshots

# Small key pools, so duplicates, replacements and deletions happen often.
TRADE_IDS = st.sampled_from(["1", "2", "3", "4", "5", "6"])
CLIENT_IDS = st.sampled_from(["mxa", "mxb", "mxc", "mxd"])
STATE_KEYS = ("cooldown:scanner", "pause", "throttle:summary", "")
SNAPSHOT_TIMES = st.integers(min_value=0, max_value=6)


class StoresAgree(RuleBasedStateMachine):
    """Apply each operation to both stores and compare every answer."""

    def __init__(self) -> None:
        super().__init__()
        self.memory = InMemoryStore()
        self.sqlite = SqliteStore.temporary()

    def teardown(self) -> None:
        self.sqlite.close()

    @rule(batch=st.lists(fills(trade_ids=TRADE_IDS), max_size=5))
    def record_fills(self, batch: list[Fill]) -> None:
        assert self.sqlite.record_fills(batch) == self.memory.record_fills(batch)

    @rule(intent=intents(client_ids=CLIENT_IDS))
    def save_intent(self, intent: OrderIntent) -> None:
        self.sqlite.save_intent(intent)
        self.memory.save_intent(intent)

    @rule(key=st.sampled_from(STATE_KEYS), value=st.none() | st.text(max_size=30))
    def set_state(self, key: str, value: str | None) -> None:
        self.sqlite.set_state(key, value)
        self.memory.set_state(key, value)

    @rule(snapshot=snapshots(times_ms=SNAPSHOT_TIMES))
    def add_snapshot(self, snapshot: PortfolioSnapshot) -> None:
        self.sqlite.add_snapshot(snapshot)
        self.memory.add_snapshot(snapshot)

    @rule(symbol=st.none() | st.sampled_from(SYMBOLS))
    def fills_agree(self, symbol: str | None) -> None:
        assert _exact(self.sqlite.fills(symbol)) == _exact(self.memory.fills(symbol))

    @rule(statuses=st.none() | st.sets(st.sampled_from(IntentStatus)))
    def intents_agree(self, statuses: set[IntentStatus] | None) -> None:
        assert _exact(self.sqlite.intents(statuses)) == _exact(self.memory.intents(statuses))

    @rule(client_id=CLIENT_IDS)
    def intent_agrees(self, client_id: str) -> None:
        assert exact(self.sqlite.intent(client_id)) == exact(self.memory.intent(client_id))

    @rule(since_ms=st.none() | SNAPSHOT_TIMES)
    def snapshots_agree(self, since_ms: int | None) -> None:
        assert _exact(self.sqlite.snapshots(since_ms)) == _exact(self.memory.snapshots(since_ms))
        totals = [(s.time_ms, exact(s.total_value)) for s in self.memory.snapshots(since_ms)]
        assert [(t, exact(v)) for t, v in self.sqlite.snapshot_totals(since_ms)] == totals
        assert [(t, exact(v)) for t, v in self.memory.snapshot_totals(since_ms)] == totals

    @invariant()
    def everything_agrees(self) -> None:
        assert _exact(self.sqlite.fills()) == _exact(self.memory.fills())
        assert _exact(self.sqlite.intents()) == _exact(self.memory.intents())
        assert _exact(self.sqlite.snapshots()) == _exact(self.memory.snapshots())
        for key in STATE_KEYS:
            assert self.sqlite.get_state(key) == self.memory.get_state(key)


def _exact(values: Sequence[object]) -> list[object]:
    return [exact(v) for v in values]


StoresAgree.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
test_sqlite_and_memory_stores_agree_operation_by_operation = StoresAgree.TestCase
