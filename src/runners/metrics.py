"""Prometheus metrics of one bot (`mexbot_…`, listed in docs/metrics.md), in its own registry.

Counters and histograms of events are fed where the events happen: each runner loop's
reports (`watch`) and the MEXC HTTP client's hooks (`instrument`). What the bot *is* — the
portfolio, PnL, runners, the journal, the Telegram queue — is read at scrape time: `refresh`
awaits the ControlPanel and reads the Store, then the registry's collector renders it.
Values leave Decimal here, as floats for Prometheus: nothing comes back from them.
"""

from __future__ import annotations

import logging
import time
from collections import Counter as Tally
from collections.abc import Awaitable, Iterable, Iterator, Sequence
from typing import TypeVar

import httpx
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from mexcore.panel import ControlPanel
from mexcore.ports import Store
from runners.loop import RunnerLoop, TickReport
from runners.metrics_scrape import Queue, Scraped, Waits, scraped_families, tally_journal

log = logging.getLogger(__name__)
T = TypeVar("T")

TICK_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
REQUEST_BUCKETS_S = (0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class BotMetrics:
    """The metrics of one bot: a registry of its own (never the global one)."""

    def __init__(self, panel: ControlPanel, store: Store, queue: Queue | None = None,
                 waits: Waits | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._panel, self._store, self._queue, self._waits = panel, store, queue, waits
        self.scraped = Scraped()
        self._snapshots = 0  # counted so far, by reading on from `_snapshots_from`
        self._snapshots_from: int | None = None
        self.scrape_errors: Tally[str] = Tally()
        reg = self.registry
        self.ticks = Counter("mexbot_runner_ticks", "Ticks run", ["runner"], registry=reg)
        self.tick_errors = Counter("mexbot_runner_tick_errors", "Ticks that failed",
                                   ["runner"], registry=reg)
        self.actions = Counter("mexbot_runner_actions", "Actions taken by ticks (orders, "
                               "sales, reports)", ["runner"], registry=reg)
        self.tick_seconds = Histogram("mexbot_runner_tick_seconds", "Wall time of one tick",
                                      ["runner"], buckets=TICK_BUCKETS_S, registry=reg)
        self.requests = Counter("mexbot_exchange_requests", "HTTP requests to the exchange",
                                ["endpoint", "status"], registry=reg)
        self.request_seconds = Histogram("mexbot_exchange_request_seconds", "Exchange request "
                                         "latency", ["endpoint"], buckets=REQUEST_BUCKETS_S,
                                         registry=reg)
        self.rate_limited = Counter("mexbot_exchange_rate_limited", "Answers 429 (rate limit) "
                                    "and 418 (ban) of the exchange", ["status"], registry=reg)
        reg.register(_ScrapeCollector(self))

    def watch(self, loops: Iterable[RunnerLoop]) -> None:
        """Count every tick of `loops` from now on."""
        for loop in loops:
            loop.observers.append(self.observe_tick)

    def observe_tick(self, report: TickReport) -> None:
        """Count one tick: its duration, actions and failure."""
        self.ticks.labels(report.runner).inc()
        self.actions.labels(report.runner).inc(report.actions)
        self.tick_seconds.labels(report.runner).observe(report.wall_s)
        if report.error is not None:
            self.tick_errors.labels(report.runner).inc()

    def instrument(self, client: httpx.AsyncClient) -> None:
        """Count every request `client` sends: endpoint, status, latency, 429s."""
        client.event_hooks = {
            "request": [*client.event_hooks["request"], _stamp],
            "response": [*client.event_hooks["response"], self._answered],
        }

    async def _answered(self, response: httpx.Response) -> None:
        request = response.request
        endpoint = f"{request.method} {request.url.path}"
        status = str(response.status_code)
        self.requests.labels(endpoint, status).inc()
        began = request.extensions.get("mexbot_began")
        if isinstance(began, float):
            self.request_seconds.labels(endpoint).observe(time.perf_counter() - began)
        if response.status_code in (418, 429):
            self.rate_limited.labels(status).inc()

    async def refresh(self) -> None:
        """Read what the bot is now; a read that fails keeps its last value and is counted."""
        s = self.scraped
        portfolio = await self._read("portfolio", self._panel.portfolio(), s.portfolio)
        pnl = await self._read("pnl", self._panel.pnl(), s.pnl)
        statuses = await self._read("statuses", self._panel.statuses(), s.statuses)
        journal = tally_journal(self._store.intents(), self._store.fills(),
                                self._count_snapshots())
        self.scraped = Scraped(portfolio, pnl, tuple(statuses), journal)

    def _count_snapshots(self) -> int:
        """Count the journal's snapshots, reading only those taken since the last count."""
        new = self._store.snapshots(self._snapshots_from)
        if new:  # unique by time and taken in time order: the next count starts after these
            self._snapshots_from = new[-1].time_ms + 1
        self._snapshots += len(new)
        return self._snapshots

    async def _read(self, part: str, read: Awaitable[T], last: T) -> T:
        try:
            return await read
        except Exception:
            log.warning("metrics: could not read the %s", part, exc_info=True)
            self.scrape_errors[part] += 1
            return last

    def queue_depth(self) -> tuple[int, int] | None:
        """Return the notification queue's length and drops, or None without one."""
        return None if self._queue is None else (len(self._queue), self._queue.dropped)

    def waited_s(self) -> float | None:
        """Return the seconds the rate limiter made calls wait, or None without one."""
        return None if self._waits is None else self._waits.waited_s


async def _stamp(request: httpx.Request) -> None:
    request.extensions["mexbot_began"] = time.perf_counter()


class _ScrapeCollector(Collector):
    def __init__(self, metrics: BotMetrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m = self._metrics
        yield from scraped_families(m.scraped, m.queue_depth(), m.waited_s(), m.scrape_errors)

    def describe(self) -> Sequence[Metric]:
        return []


__all__ = ["BotMetrics", "Queue", "Scraped", "Waits"]
