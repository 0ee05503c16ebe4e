"""/metrics and /healthz over a short simulated run, through httpx's in-process transport."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.fake import FakeClock, RecordingNotifier
from adapters.sqlite import SqliteStore
from mexcore.policies import BotConfig
from mexcore.services.deps import ServiceDeps
from runners.loop import RunnerLoop
from runners.metrics import BotMetrics
from runners.metrics_link import bot_metrics
from runners.metrics_server import metrics_app, metrics_routes
from runners.panel import ServicePanel
from runners.sim import SimOptions, SimRun, run_sim

DOCS = Path(__file__).parents[3] / "docs" / "metrics.md"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


class _Sim:
    """One short sim run, kept with its parts so that the endpoints can be asked after it."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.store = SqliteStore.temporary()
        self.parts: tuple[ServiceDeps, list[RunnerLoop], ServicePanel, BotMetrics] | None = None

    @asynccontextmanager
    async def session(self, deps: ServiceDeps, loops: list[RunnerLoop]) -> AsyncIterator[None]:
        panel = ServicePanel(deps, BotConfig(), loops, "")
        self.parts = (deps, loops, panel, bot_metrics(deps, loops, panel))
        yield

    async def run(self) -> SimRun:
        return await run_sim(BotConfig(mode="sim"), SimOptions(days=Decimal(1), progress=False),
                             RecordingNotifier(), store=self.store, session=self.session,
                             clock=self.clock)

    def client(self) -> httpx.AsyncClient:
        assert self.parts is not None
        _, _, panel, metrics = self.parts
        app = metrics_app(metrics_routes(metrics, panel, self.clock))
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot")


@pytest.fixture
async def sim() -> AsyncIterator[tuple[_Sim, SimRun]]:
    s = _Sim()
    run = await s.run()
    yield s, run
    s.store.close()


def _samples(text: str) -> Samples:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


async def test_metrics_after_a_sim_day_count_orders_ticks_and_value_the_portfolio(
    sim: tuple[_Sim, SimRun],
) -> None:
    s, run = sim
    async with s.client() as client:
        response = await client.get("/metrics")

    samples = _samples(response.text)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    placed = sum(v for (name, labels), v in samples.items()
                 if name == "mexbot_orders_placed_total"
                 and ("runner", "balance_monitor") in labels)
    assert placed > 0
    assert _value(samples, "mexbot_portfolio_value_usdt") == pytest.approx(
        float(run.summary.final_value), rel=1e-9)
    assert _value(samples, "mexbot_runner_ticks_total", runner="balance_monitor") > 0
    assert _value(samples, "mexbot_runner_tick_seconds_count", runner="balance_monitor") > 0
    assert _value(samples, "mexbot_runner_paused", runner="scanner") == 0
    assert _value(samples, "mexbot_journal_rows", table="fills") == len(s.store.fills())


async def test_every_metric_the_docs_name_is_exported_after_a_sim_run(
    sim: tuple[_Sim, SimRun],
) -> None:
    s, _ = sim
    assert s.parts is not None
    async with s.client() as client:
        text = (await client.get("/metrics")).text
    families = {f.name for f in text_string_to_metric_families(text)}
    families |= {f"{n}_total" for n in families}  # the parser drops counters' suffix
    # exchange requests, the rate limiter and Telegram exist only with MEXC and a token
    only_live = ("mexbot_exchange_", "mexbot_ratelimit_", "mexbot_telegram_")
    documented = set(re.findall(r"`(mexbot_[a-z_]+)`", DOCS.read_text(encoding="utf-8")))

    missing = {n for n in documented - families if not n.startswith(only_live)}

    assert len(documented) >= 20
    assert missing == set()


async def test_healthz_is_ok_after_the_run_and_names_a_runner_that_stops_ticking(
    sim: tuple[_Sim, SimRun],
) -> None:
    s, _ = sim
    assert s.parts is not None
    _, loops, panel, _ = s.parts
    async with s.client() as client:
        fresh = await client.get("/healthz")
        await panel.pause("scanner")  # paused runners tick on, refusing to trade: not stale
        slowest = max(loop.interval_s for loop in loops)
        s.clock.advance(3 * slowest + 1)
        for loop in loops:
            if loop.name != "balance_monitor":  # its tick hangs, say on the network
                await loop.tick_once()
        stale = await client.get("/healthz")

    assert fresh.status_code == 200
    assert fresh.json()["status"] == "ok"
    assert stale.status_code == 503
    assert stale.json()["stale"] == ["balance_monitor"]
    scanner = next(r for r in stale.json()["runners"] if r["name"] == "scanner")
    assert scanner["paused"] is True


def test_the_grafana_dashboard_queries_only_documented_metrics() -> None:
    dashboard = json.loads((DOCS.parent / "examples" / "grafana-dashboard.json").read_text())
    documented = set(re.findall(r"`(mexbot_[a-z_]+)`", DOCS.read_text(encoding="utf-8")))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = {re.sub(r"_(bucket|count|sum)$", "", n) for e in exprs
            for n in re.findall(r"mexbot_[a-z_]+", e)}

    assert len(dashboard["panels"]) >= 5
    assert used <= documented
