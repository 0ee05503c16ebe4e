"""The bot's dashboard asks the bot's advisor, from the real services' read models."""

from __future__ import annotations

from decimal import Decimal

import attrs
import httpx
from tests.unit.services.support import flat_closes, world
from tests.unit.web.support import csrf_of

from adapters.fake.advisor import FakeAdvisor
from mexcore.advising import SafeAdvisor
from mexcore.advisor import AdvisorPolicy
from mexcore.policies import BotConfig
from runners.bot import build_loops
from runners.web_link import WebLink, dashboard_app

POLICY = AdvisorPolicy(enabled=True, timeout_s=Decimal("0.5"))


async def test_the_bots_dashboard_answers_with_the_bots_advisor_from_its_portfolio() -> None:
    fake, config = FakeAdvisor(), BotConfig()
    w = world(flat_closes(["BTCUSDT"]), {"USDT": 100})
    deps = attrs.evolve(w.deps, advisor=SafeAdvisor(fake, POLICY))
    app = dashboard_app(WebLink("127.0.0.1", 0), deps, build_loops(config, deps), config, "",
                        simulated=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://127.0.0.1") as client:
        csrf = csrf_of((await client.get("/ask")).text)
        answer = await client.post("/ask", data={"csrf": csrf, "question": "what do I hold?"})
    assert answer.status_code == 200
    assert "The portfolio is worth 100 USDT (USDT)." in answer.text
    assert '"asset": "USDT"' in fake.prompts[0][1]["content"]


async def test_without_an_advisor_the_bots_dashboard_says_it_is_off() -> None:
    config = BotConfig()
    w = world(flat_closes(["BTCUSDT"]), {"USDT": 100})
    app = dashboard_app(WebLink("127.0.0.1", 0), w.deps, [], config, "")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://127.0.0.1") as client:
        page = await client.get("/ask")
    assert "The AI advisor is off: set [advisor] enabled = true" in page.text
