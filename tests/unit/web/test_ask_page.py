"""The dashboard's Ask page: the fake advisor answers from the panel, as escaped text, once per
session every 30 s, with the session's CSRF token, also in read-only mode."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from tests.unit.web.support import NOW_MS, TOKEN, csrf_of, dashboard

from adapters.fake.advisor import Failure, FakeAdvisor
from adapters.fake.clock import FakeClock
from adapters.fake.panel import StaticControlPanel
from adapters.telegram.demo import demo_panel
from mexcore.advising import SafeAdvisor
from mexcore.advisor import AdvisorPolicy
from mexcore.panel import PortfolioView

POLICY = AdvisorPolicy(enabled=True, timeout_s=Decimal("0.05"))
LAN = "http://192.168.1.20:8080"


def advised(fake: FakeAdvisor, clock: FakeClock | None = None) -> dict[str, object]:
    """Return the dashboard options of an advisor over `fake` and a simulated ask clock."""
    return {"advisor": SafeAdvisor(fake, POLICY), "ask_clock": clock or FakeClock(NOW_MS)}


async def _ask(client: httpx.AsyncClient, question: str) -> httpx.Response:
    page = await client.get("/ask")
    assert page.status_code == 200
    return await client.post("/ask", data={"csrf": csrf_of(page.text), "question": question})


async def test_the_ask_page_has_a_post_form_with_the_sessions_csrf_token() -> None:
    async with dashboard(**advised(FakeAdvisor())) as (client, _):
        page = await client.get("/ask")
    assert page.status_code == 200
    assert '<form method="post" action="/ask">' in page.text
    assert len(csrf_of(page.text)) > 20
    assert 'href="/ask"' in page.text


async def test_an_answer_from_the_panel_is_shown_as_escaped_text() -> None:
    fake = FakeAdvisor()
    async with dashboard(**advised(fake)) as (client, _):
        answer = await _ask(client, "how is <b>BTC</b> & co doing?")
    assert answer.status_code == 200
    assert "You asked &#34;how is &lt;b&gt;BTC&lt;/b&gt; &amp; co doing?&#34;" in answer.text
    assert "The portfolio is worth 600" in answer.text
    assert "<b>BTC</b>" not in answer.text
    prompt = fake.prompts[0][1]["content"]
    assert '"question": "how is <b>BTC</b> & co doing?"' in prompt
    assert '"portfolio"' in prompt
    assert '"open_orders"' in prompt


async def test_asking_is_allowed_in_read_only_mode() -> None:
    async with dashboard(allow_actions=False, **advised(FakeAdvisor())) as (client, _):
        answer = await _ask(client, "what do I hold?")
    assert answer.status_code == 200
    assert "You asked" in answer.text


@pytest.mark.parametrize("csrf", [None, "", "forged-token"])
async def test_a_question_without_the_sessions_csrf_token_is_refused(csrf: str | None) -> None:
    fake = FakeAdvisor()
    async with dashboard(**advised(fake)) as (client, _):
        await client.get("/ask")
        form = {"question": "what do I hold?"} | ({} if csrf is None else {"csrf": csrf})
        response = await client.post("/ask", data=form)
    assert response.status_code == 403
    assert fake.prompts == []


async def test_another_sessions_csrf_token_is_refused() -> None:
    fake = FakeAdvisor()
    async with dashboard(**advised(fake)) as (client, _):
        csrf = csrf_of((await client.get("/ask")).text)
        client.cookies.clear()
        response = await client.post("/ask", data={"csrf": csrf, "question": "hi?"})
    assert response.status_code == 403
    assert fake.prompts == []


async def test_a_second_question_within_30_s_is_refused_then_allowed_after() -> None:
    fake, clock = FakeAdvisor(), FakeClock(NOW_MS)
    async with dashboard(**advised(fake, clock)) as (client, _):
        first = await _ask(client, "first?")
        clock.advance_to(NOW_MS + 10_000)
        second = await _ask(client, "second?")
        clock.advance_to(NOW_MS + 30_000)
        third = await _ask(client, "third?")
    assert (first.status_code, second.status_code, third.status_code) == (200, 429, 200)
    assert second.headers["retry-after"] == "20"
    assert "One question every 30 s; ask again in 20 s." in second.text
    assert len(fake.prompts) == 2


async def test_the_rate_limit_is_per_session() -> None:
    fake = FakeAdvisor()
    async with dashboard(**advised(fake)) as (client, _):
        first = await _ask(client, "first?")
        client.cookies.clear()  # another browser: its own session
        other = await _ask(client, "other?")
    assert (first.status_code, other.status_code) == (200, 200)
    assert len(fake.prompts) == 2


async def test_with_the_advisor_off_the_page_and_a_question_say_how_to_turn_it_on() -> None:
    async with dashboard() as (client, _):
        page = await client.get("/ask")
        answer = await client.post("/ask", data={"csrf": csrf_of(page.text), "question": "hi?"})
    assert "The AI advisor is off: set [advisor] enabled = true" in page.text
    assert answer.status_code == 503
    assert "The AI advisor is off: set [advisor] enabled = true" in answer.text


@pytest.mark.parametrize("failure", list(Failure))
async def test_a_failing_advisor_is_shown_as_a_plain_notice(failure: Failure) -> None:
    async with dashboard(**advised(FakeAdvisor(failure=failure))) as (client, _):
        answer = await _ask(client, "what do I hold?")
    assert answer.status_code == 503
    assert "The advisor did not answer" in answer.text
    assert "Trading goes on as usual." in answer.text


async def test_an_empty_question_is_refused_with_a_hint() -> None:
    fake = FakeAdvisor()
    async with dashboard(**advised(fake)) as (client, _):
        answer = await _ask(client, "   ")
    assert answer.status_code == 400
    assert "Type a question" in answer.text
    assert fake.prompts == []


async def test_beyond_loopback_a_question_needs_the_web_token() -> None:
    fake = FakeAdvisor()
    async with dashboard(base_url=LAN, token=TOKEN, **advised(fake)) as (client, _):
        refused = await client.post("/ask", data={"csrf": "x", "question": "hi?"})
        await client.post("/login", data={"token": TOKEN})
        answered = await _ask(client, "what do I hold?")
    assert refused.status_code == 403
    assert 'action="/login"' in refused.text
    assert answered.status_code == 200
    assert len(fake.prompts) == 1


class _Unreadable(StaticControlPanel):
    async def portfolio(self) -> PortfolioView:
        raise ConnectionError("the exchange did not answer")


async def test_a_panel_that_cannot_be_read_gives_the_plain_notice_not_an_error_page() -> None:
    fake = FakeAdvisor()
    panel = demo_panel(NOW_MS)
    panel.__class__ = _Unreadable  # the demo's data; its portfolio read fails
    async with dashboard(panel, **advised(fake)) as (client, _):
        answer = await _ask(client, "what do I hold?")
    assert answer.status_code == 503
    assert "The advisor did not answer" in answer.text
    assert fake.prompts == []
