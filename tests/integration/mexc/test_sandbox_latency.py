"""The sandbox's latency fault: every request waits first, then is answered as usual."""

from __future__ import annotations

import httpx
from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import FakeClock
from adapters.sandbox import SandboxConfig, SandboxFaults, running_sandbox


async def test_latency_set_through_the_admin_endpoint_still_answers_every_request() -> None:
    config = SandboxConfig(rate_limit=False, faults=SandboxFaults(latency_s=0.001))
    async with running_sandbox(config, clock=FakeClock(START_MS), market=bundled_market()) \
            as run, httpx.AsyncClient(base_url=run.base_url) as client:
        changed = await client.post("/sandbox/faults", json={"latency_s": 0.002})
        answer = await client.get("/api/v3/klines?symbol=ADAUSDT&interval=15m&limit=5")
    assert changed.status_code == 200
    assert run.sandbox.faults.latency_s == 0.002
    assert answer.status_code == 200
    assert len(answer.json()) == 5
