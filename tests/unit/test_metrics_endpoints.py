"""The metrics' pieces alone: the listen address, the HTTP hooks, /healthz over plain data."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client import generate_latest

from adapters.fake import FakeClock
from adapters.fake.panel import StaticControlPanel
from adapters.fake.store import InMemoryStore
from mexcore.panel import RunnerStatus
from runners.metrics import BotMetrics
from runners.metrics_server import (
    Health,
    Listen,
    metrics_app,
    metrics_routes,
    parse_listen,
    serving,
)


def test_a_bare_port_listens_on_loopback_and_a_host_can_be_given() -> None:
    assert parse_listen("9108") == Listen("127.0.0.1", 9108)
    assert parse_listen("0.0.0.0:9108") == Listen("0.0.0.0", 9108)
    assert parse_listen("[::1]:9108").is_loopback
    assert not parse_listen("0.0.0.0:9108").is_loopback


@pytest.mark.parametrize("text", ["", "abc", "70000", ":9108", "host:"])
def test_a_bad_listen_address_is_refused_naming_the_form(text: str) -> None:
    with pytest.raises(ValueError, match=r"\[HOST:\]PORT"):
        parse_listen(text)


async def test_exchange_requests_are_counted_by_endpoint_status_and_429() -> None:
    metrics = BotMetrics(StaticControlPanel(), InMemoryStore())

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429 if request.url.path == "/api/v3/order" else 200, json={})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer),
                                 base_url="https://api.mexc.com") as client:
        metrics.instrument(client)
        await client.get("/api/v3/time")
        await client.post("/api/v3/order")
    text = generate_latest(metrics.registry).decode()

    assert 'mexbot_exchange_requests_total{endpoint="GET /api/v3/time",status="200"} 1.0' in text
    assert 'mexbot_exchange_rate_limited_total{status="429"} 1.0' in text
    assert 'mexbot_exchange_request_seconds_count{endpoint="POST /api/v3/order"} 1.0' in text


async def test_health_counts_a_runner_that_never_ticked_from_the_first_check() -> None:
    clock = FakeClock(1_000_000)
    panel = StaticControlPanel([RunnerStatus("scanner", interval_s=60),
                                RunnerStatus("pnl", last_tick_ms=1_000_000, interval_s=600)])
    health = Health(panel, clock)

    first, _ = await health.check()
    clock.advance(181)
    later, body = await health.check()

    assert first is True
    assert later is False
    assert body["stale"] == ["scanner"]


async def test_the_server_answers_metrics_and_health_on_a_free_loopback_port() -> None:
    clock = FakeClock(0)
    panel = StaticControlPanel([RunnerStatus("scanner", last_tick_ms=0, interval_s=60)])
    metrics = BotMetrics(panel, InMemoryStore())
    app = metrics_app(metrics_routes(metrics, panel, clock))

    async with serving(app, Listen("127.0.0.1", 0)) as port, httpx.AsyncClient() as client:
        scraped = await client.get(f"http://127.0.0.1:{port}/metrics")
        health = await client.get(f"http://127.0.0.1:{port}/healthz")

    assert 'mexbot_runner_interval_seconds{runner="scanner"} 60.0' in scraped.text
    assert health.status_code == 200
