"""The metrics' view of the journal stays bounded: counts per label set, new snapshots only."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from adapters.fake import InMemoryStore
from mexcore.panel import PnlView, PortfolioView, RunnerStatus
from mexcore.values import (
    Fill,
    IntentStatus,
    OrderIntent,
    OrderType,
    PortfolioSnapshot,
    Side,
)
from runners.metrics import BotMetrics

MINUTE = 60_000


class _Panel:
    """A bot with nothing to show: the journal is what these tests read."""

    async def statuses(self) -> Sequence[RunnerStatus]:
        return ()

    async def portfolio(self) -> PortfolioView:
        return PortfolioView((), Decimal(0))

    async def pnl(self) -> PnlView:
        return PnlView(())


class _CountingStore(InMemoryStore):
    """Count the snapshots each read hands out."""

    def __init__(self) -> None:
        super().__init__()
        self.snapshots_read: list[int] = []

    def snapshots(self, since_ms: int | None = None) -> Sequence[PortfolioSnapshot]:
        found = super().snapshots(since_ms)
        self.snapshots_read.append(len(found))
        return found


def _journal_rows(metrics: BotMetrics) -> dict[str, float]:
    text = generate_latest(metrics.registry).decode()
    return {s.labels["table"]: s.value for f in text_string_to_metric_families(text)
            for s in f.samples if s.name == "mexbot_journal_rows"}


def _snapshot(minute: int) -> PortfolioSnapshot:
    return PortfolioSnapshot(minute * MINUTE, Decimal(600), {"USDT": Decimal(600)})


def _buy(n: int) -> tuple[OrderIntent, Fill]:
    cid = f"scan{n}"
    intent = OrderIntent(cid, "scanner", "BTCUSDT", Side.BUY, OrderType.MARKET,
                         IntentStatus.FILLED, created_ms=n * MINUTE)
    fill = Fill("BTCUSDT", f"{n}00", f"o{n}", Side.BUY, Decimal(30000), Decimal("0.001"),
                Decimal(30), Decimal("0.015"), fee_asset="USDT", is_maker=False,
                time_ms=n * MINUTE, client_order_id=cid)
    return intent, fill


async def test_a_refresh_reads_only_the_snapshots_taken_since_the_last_one() -> None:
    store = _CountingStore()
    metrics = BotMetrics(_Panel(), store)
    for minute in range(100):
        store.add_snapshot(_snapshot(minute))
    await metrics.refresh()
    for minute in range(100, 103):
        store.add_snapshot(_snapshot(minute))

    await metrics.refresh()

    assert store.snapshots_read[-1] == 3
    assert _journal_rows(metrics)["snapshots"] == 103


async def test_a_snapshot_replaced_at_the_same_time_is_not_counted_twice() -> None:
    store = InMemoryStore()
    metrics = BotMetrics(_Panel(), store)
    store.add_snapshot(_snapshot(1))
    await metrics.refresh()
    store.add_snapshot(_snapshot(1))
    store.add_snapshot(_snapshot(2))

    await metrics.refresh()
    await metrics.refresh()

    assert _journal_rows(metrics)["snapshots"] == 2


async def test_the_scraped_journal_keeps_one_count_per_label_set_however_many_fills() -> None:
    store = InMemoryStore()
    metrics = BotMetrics(_Panel(), store)
    for n in range(1, 301):
        intent, fill = _buy(n)
        store.save_intent(intent)
        store.record_fills([fill])

    await metrics.refresh()

    journal = metrics.scraped.journal
    assert journal.fills == {("scanner", "BUY"): 300}
    assert journal.fees == {("scanner", "USDT"): Decimal("4.500")}
    assert journal.placed == {("scanner", "BUY"): 300}
    assert _journal_rows(metrics) == {"intents": 300, "fills": 300, "snapshots": 0}
