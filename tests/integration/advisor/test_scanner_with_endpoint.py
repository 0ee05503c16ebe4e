"""The scanner with the real adapter: its skip vetoes; with the network down nothing changes."""

from __future__ import annotations

import socket
from decimal import Decimal

import attrs
import httpx
from tests.unit.advisor.test_scanner_veto import bought, two_opportunities

from adapters.advisor import AdvisorSettings, OpenAICompatAdvisor
from adapters.advisor.fake_server import FakeOpenAIServer, verdict_reply
from mexcore.advising import SafeAdvisor
from mexcore.advisor import AdvisorPolicy
from mexcore.policies import AntiHypePolicy, ScannerPolicy
from mexcore.services.scanner import MarketScanner
from mexcore.services.scanner_advice import veto_count

POLICY = AdvisorPolicy(enabled=True, veto_buys=True, timeout_s=Decimal(1))
SETTINGS = AdvisorSettings("m", timeout_s=1.0)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_endpoints_skip_vetoes_the_buy() -> None:
    server = FakeOpenAIServer()
    server.queue(verdict_reply("skip", "pumped on no news"), verdict_reply("buy", "a clean dip"))
    w = two_opportunities()
    async with httpx.AsyncClient(transport=server.transport(), base_url="http://l/v1/") as c:
        safe = SafeAdvisor(OpenAICompatAdvisor(c, SETTINGS, None, w.clock), POLICY)
        scanner = MarketScanner(attrs.evolve(w.deps, advisor=safe), ScannerPolicy(),
                                AntiHypePolicy())
        await scanner.tick()
        await safe.drain()

    assert bought(w) == [("ADAUSDT", Decimal(30))]
    assert veto_count(w.store) == 1
    assert "pumped on no news" in w.texts("veto.LINKUSDT")[0]


async def test_with_the_network_down_the_scanner_buys_as_without_and_warns_once() -> None:
    without, down = two_opportunities(), two_opportunities()
    await MarketScanner(without.deps, ScannerPolicy(), AntiHypePolicy()).tick()
    url = f"http://127.0.0.1:{_closed_port()}/v1/"
    async with httpx.AsyncClient(base_url=url, timeout=1.0) as c:
        adapter = OpenAICompatAdvisor(c, SETTINGS, "sk-or-x", down.clock)
        safe = SafeAdvisor(adapter, POLICY)
        scanner = MarketScanner(attrs.evolve(down.deps, advisor=safe), ScannerPolicy(),
                                AntiHypePolicy())
        await scanner.tick()
        await safe.drain()

    assert bought(down) == bought(without) == [("LINKUSDT", Decimal(30))]
    assert adapter.warnings == 1
    assert down.texts("explain.buy.LINKUSDT") == []
