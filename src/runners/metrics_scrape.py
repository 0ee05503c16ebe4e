"""The metrics read at scrape time: portfolio, PnL, runners, the journal, the Telegram queue."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Protocol

import attrs
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from mexcore.money import ZERO
from mexcore.panel import PnlView, PortfolioView, RunnerStatus
from mexcore.values import Fill, IntentStatus, OrderIntent

NOT_PLACED = (IntentStatus.INTENDED, IntentStatus.REJECTED)
REASONS = (  # bounded label values out of the journal's free-text reasons, first match wins
    ("delisted", "delisted"), ("not found", "not_found"), ("insufficient", "insufficient_funds"),
    ("minimum", "below_minimum"), ("expired", "expired"), ("unknown", "outcome_unknown"),
)


class Queue(Protocol):
    """What the metrics read of an outbound notification queue (the Telegram outbox)."""

    dropped: int

    def __len__(self) -> int: ...


class Waits(Protocol):
    """What the metrics read of a rate limiter: the seconds its calls waited in all."""

    waited_s: float


ROW_TABLES = ("intents", "fills", "snapshots")
Tally = Mapping[tuple[str, ...], int]


@attrs.frozen
class JournalTally:
    """The journal as the metrics show it: one number per label set, never its rows."""

    placed: Tally = attrs.field(factory=dict)  # (runner, side)
    rejected: Tally = attrs.field(factory=dict)  # (runner, reason)
    cancelled: Tally = attrs.field(factory=dict)  # (runner, reason)
    fills: Tally = attrs.field(factory=dict)  # (runner, side)
    fees: Mapping[tuple[str, ...], Decimal] = attrs.field(factory=dict)  # (runner, fee asset)
    rows: Mapping[str, int] = attrs.field(factory=lambda: dict.fromkeys(ROW_TABLES, 0))


@attrs.frozen
class Scraped:
    """What the bot is, as last read for a scrape."""

    portfolio: PortfolioView = attrs.field(factory=lambda: PortfolioView((), ZERO))
    pnl: PnlView = attrs.field(factory=lambda: PnlView(()))
    statuses: tuple[RunnerStatus, ...] = ()
    journal: JournalTally = attrs.field(factory=JournalTally)


def tally_journal(
    intents: Sequence[OrderIntent], fills: Iterable[Fill], snapshots: int
) -> JournalTally:
    """Count the journal's orders, fills and fees by label set, and its rows by table."""
    placed: Counter[tuple[str, ...]] = Counter(
        (i.runner, i.side.value) for i in intents if i.status not in NOT_PLACED)
    rejected: Counter[tuple[str, ...]] = Counter(
        (i.runner, order_reason(i.reason)) for i in intents if i.status is IntentStatus.REJECTED)
    cancelled: Counter[tuple[str, ...]] = Counter(
        (i.runner, order_reason(i.reason)) for i in intents if i.status is IntentStatus.CANCELLED)
    runner_of = {i.client_order_id: i.runner for i in intents}
    count: Counter[tuple[str, ...]] = Counter()
    fees: dict[tuple[str, ...], Decimal] = {}
    for f in fills:
        runner = runner_of.get(f.client_order_id, "unknown")
        count[(runner, f.side.value)] += 1
        key = (runner, f.fee_asset)
        fees[key] = fees.get(key, ZERO) + f.fee
    rows = {"intents": len(intents), "fills": count.total(), "snapshots": snapshots}
    return JournalTally(dict(placed), dict(rejected), dict(cancelled), dict(count), fees, rows)


def order_reason(text: str) -> str:
    """Return a bounded label for a journal reason: 'delisted', 'not_found' … else 'other'."""
    lowered = text.lower()
    return next((label for word, label in REASONS if word in lowered), "other")


def scraped_families(
    s: Scraped, queue: tuple[int, int] | None, waited_s: float | None,
    errors: Mapping[str, int],
) -> Iterator[Metric]:
    """Yield every metric read at scrape time."""
    yield from _portfolio(s.portfolio)
    yield from _pnl(s.pnl)
    yield from _runners(s.statuses)
    yield from _journal(s.journal)
    yield from _plumbing(queue, waited_s, errors)


def _portfolio(p: PortfolioView) -> Iterator[Metric]:
    yield GaugeMetricFamily("mexbot_portfolio_value_usdt", "Portfolio value in USDT",
                            value=float(p.total_usdt))
    value = GaugeMetricFamily("mexbot_asset_value_usdt", "Value of one asset in USDT",
                              labels=["asset"])
    balance = GaugeMetricFamily("mexbot_asset_balance", "Balance of one asset (free + locked)",
                                labels=["asset"])
    for h in p.holdings:
        value.add_metric([h.asset], float(h.value_usdt))
        balance.add_metric([h.asset], float(h.free + h.locked))
    yield value
    yield balance


def _pnl(view: PnlView) -> Iterator[Metric]:
    realised = GaugeMetricFamily("mexbot_pnl_realised", "Realised PnL of one asset, in its "
                                 "market's quote currency", labels=["asset", "symbol"])
    unrealised = GaugeMetricFamily("mexbot_pnl_unrealised", "Unrealised PnL of one asset, in "
                                   "its market's quote currency", labels=["asset", "symbol"])
    for a in view.assets:
        base = a.asset.split(" ", 1)[0]
        realised.add_metric([base, a.symbol], float(a.realised))
        unrealised.add_metric([base, a.symbol], float(a.unrealised))
    yield realised
    yield unrealised


def _runners(statuses: tuple[RunnerStatus, ...]) -> Iterator[Metric]:
    last = GaugeMetricFamily("mexbot_runner_last_tick_timestamp_seconds", "When the runner "
                             "last ticked, on the bot's clock (simulated in sim)",
                             labels=["runner"])
    paused = GaugeMetricFamily("mexbot_runner_paused", "1 while the runner is paused",
                               labels=["runner"])
    interval = GaugeMetricFamily("mexbot_runner_interval_seconds", "How often the runner "
                                 "ticks", labels=["runner"])
    for s in statuses:
        if s.last_tick_ms is not None:
            last.add_metric([s.name], s.last_tick_ms / 1000)
        paused.add_metric([s.name], 1.0 if s.paused else 0.0)
        if s.interval_s is not None:
            interval.add_metric([s.name], s.interval_s)
    yield from (last, paused, interval)


def _journal(j: JournalTally) -> Iterator[Metric]:
    yield _counter("mexbot_orders_placed", "Orders the exchange took", ["runner", "side"],
                   j.placed)
    yield _counter("mexbot_orders_rejected", "Orders the exchange refused",
                   ["runner", "reason"], j.rejected)
    yield _counter("mexbot_orders_cancelled", "Orders cancelled or expired",
                   ["runner", "reason"], j.cancelled)
    yield _counter("mexbot_fills", "Trades of the bot's orders", ["runner", "side"], j.fills)
    yield _counter("mexbot_fees", "Fees paid, in the fee asset", ["runner", "asset"], j.fees)
    rows = GaugeMetricFamily("mexbot_journal_rows", "Rows in the journal", labels=["table"])
    for table in ROW_TABLES:
        rows.add_metric([table], j.rows[table])
    yield rows


def _plumbing(
    queue: tuple[int, int] | None, waited_s: float | None, errors: Mapping[str, int]
) -> Iterator[Metric]:
    if queue is not None:
        yield GaugeMetricFamily("mexbot_telegram_queue_depth", "Notifications waiting to go",
                                value=queue[0])
        yield CounterMetricFamily("mexbot_telegram_dropped", "Notifications dropped by the "
                                  "queue's bounds", value=queue[1])
    if waited_s is not None:
        yield CounterMetricFamily("mexbot_ratelimit_wait_seconds", "Time calls waited for the "
                                  "rate limiter (budgets and 429 pauses)", value=waited_s)
    yield _counter("mexbot_scrape_errors", "Scrape-time reads that failed", ["part"],
                   {(part,): n for part, n in errors.items()})


def _counter(
    name: str, text: str, labels: list[str], values: Mapping[tuple[str, ...], int | Decimal]
) -> CounterMetricFamily:
    family = CounterMetricFamily(name, text, labels=labels)
    for key, value in sorted(values.items()):
        family.add_metric(list(key), float(value))
    return family
