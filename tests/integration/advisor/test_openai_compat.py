"""The OpenAI-compatible advisor against a local fake server: every failure is no opinion."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.advisor import AdvisorSettings, OpenAICompatAdvisor
from adapters.advisor.fake_server import FakeOpenAIServer, Reply, completion, verdict_reply
from adapters.fake import FakeClock
from mexcore.advisor import Decision, Question, Verdict, VerdictKind

KEY = "sk-or-v1-test-key-0123456789"
DAY_S = 86_400
CANDIDATE = Decision("buy", "SOLUSDT", {"score": "3"}, ["RSI oversold"])


class Sleeps:
    def __init__(self) -> None:
        self.waited: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waited.append(seconds)


@pytest.fixture
def server() -> FakeOpenAIServer:
    return FakeOpenAIServer()


@pytest.fixture
async def client(server: FakeOpenAIServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=server.transport(),
                                 base_url="http://127.0.0.1/api/v1/") as c:
        yield c


def advisor(client: httpx.AsyncClient, key: str | None = KEY, sleep: Sleeps | None = None,
            **options: float) -> OpenAICompatAdvisor:
    settings = AdvisorSettings("test/model", **options)  # type: ignore[arg-type]
    return OpenAICompatAdvisor(client, settings, key, FakeClock(1_700_000_000_000),
                               sleep or Sleeps())


async def test_an_explanation_is_the_models_paragraph_and_its_tokens_are_counted(
    client: httpx.AsyncClient, server: FakeOpenAIServer
) -> None:
    server.queue(completion("  SOL fell 3 % in 15 minutes, so the bot bought a dip.  ", 120))
    adv = advisor(client)

    text = await adv.explain(CANDIDATE)

    assert text == "SOL fell 3 % in 15 minutes, so the bot bought a dip."
    assert adv.budget.spent == 120
    sent = server.received[0]
    assert sent.authorization == f"Bearer {KEY}"
    assert sent.body["model"] == "test/model"
    assert sent.body["max_tokens"] == 300
    assert "response_format" not in sent.body


async def test_a_local_server_gets_no_authorization_header(
    client: httpx.AsyncClient, server: FakeOpenAIServer
) -> None:
    await advisor(client, key=None).explain(Question("How am I doing?"))

    assert server.received[0].authorization is None


async def test_a_verdict_is_asked_with_a_json_schema_and_read(
    client: httpx.AsyncClient, server: FakeOpenAIServer
) -> None:
    server.queue(verdict_reply("skip", "up 40 % in a day"))

    verdict = await advisor(client).verdict(CANDIDATE)

    assert verdict == Verdict(VerdictKind.SKIP, "up 40 % in a day")
    fmt = server.received[0].body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["schema"]["required"] == ["verdict", "reason"]


async def test_a_slow_model_is_no_opinion_within_the_timeout(
    client: httpx.AsyncClient, server: FakeOpenAIServer
) -> None:
    server.queue(Reply(delay_s=2.0, body=completion("late").body))
    adv = advisor(client, timeout_s=0.2)

    started = time.monotonic()
    verdict = await adv.verdict(CANDIDATE)

    assert verdict is None
    assert time.monotonic() - started < 0.6
    assert adv.warnings == 1


async def test_a_429_is_retried_after_its_retry_after(
    client: httpx.AsyncClient, server: FakeOpenAIServer
) -> None:
    server.queue(Reply(429, {"error": {}}, headers={"Retry-After": "0.05"}),
                 verdict_reply("buy", "a clean dip"))
    sleeps = Sleeps()

    verdict = await advisor(client, sleep=sleeps).verdict(CANDIDATE)

    assert verdict == Verdict(VerdictKind.BUY, "a clean dip")
    assert sleeps.waited == [0.05]
    assert len(server.received) == 2


async def test_a_retry_after_beyond_the_timeout_gives_up_at_once(
    client: httpx.AsyncClient, server: FakeOpenAIServer
) -> None:
    server.queue(Reply(429, {"error": {}}, headers={"Retry-After": "30"}))
    sleeps = Sleeps()

    verdict = await advisor(client, sleep=sleeps, timeout_s=1.0).verdict(CANDIDATE)

    assert verdict is None
    assert sleeps.waited == []
    assert len(server.received) == 1


async def test_5xx_is_retried_a_bounded_number_of_times_with_backoff(
    client: httpx.AsyncClient, server: FakeOpenAIServer
) -> None:
    server.queue(*[Reply(503, {"error": {}})] * 5)
    sleeps = Sleeps()

    assert await advisor(client, sleep=sleeps).explain(CANDIDATE) is None
    assert len(server.received) == 3
    assert sleeps.waited == [0.25, 0.5]


async def test_a_5xx_then_an_answer_is_the_answer(
    client: httpx.AsyncClient, server: FakeOpenAIServer
) -> None:
    server.queue(Reply(502, {"error": {}}), completion("Fine."))

    assert await advisor(client).explain(CANDIDATE) == "Fine."


@pytest.mark.parametrize("reply", [
    Reply(text="{not json"),
    Reply(body={"choices": []}),
    Reply(body={"choices": [{"message": {"content": None}}]}),
    Reply(401, {"error": {"message": "bad key"}}),
])
async def test_a_malformed_or_refused_answer_is_no_opinion(
    client: httpx.AsyncClient, server: FakeOpenAIServer, reply: Reply
) -> None:
    server.queue(reply)

    assert await advisor(client).verdict(CANDIDATE) is None


@pytest.mark.parametrize("content", [
    '{"verdict": "sell", "reason": "x"}', '{"verdict": "skip"}', "skip it", '{"verdict": "buy", '
    '"reason": "ok", "quantity": "1000"}',
])
async def test_a_verdict_breaking_the_schema_is_no_opinion_but_its_tokens_count(
    client: httpx.AsyncClient, server: FakeOpenAIServer, content: str
) -> None:
    server.queue(completion(content, 70))
    adv = advisor(client)

    assert await adv.verdict(CANDIDATE) is None
    assert adv.budget.spent == 70


async def test_a_spent_budget_stops_the_requests_with_one_warning_until_the_next_utc_day(
    server: FakeOpenAIServer
) -> None:
    server.default = completion("ok", 60)
    clock = FakeClock(1_700_000_000_000)
    async with httpx.AsyncClient(transport=server.transport(), base_url="http://x/v1/") as c:
        adv = OpenAICompatAdvisor(c, AdvisorSettings("m", daily_token_budget=100), None, clock)
        answers = [await adv.explain(CANDIDATE) for _ in range(5)]
        assert answers == ["ok", "ok", None, None, None]
        assert len(server.received) == 2
        assert adv.budget.warnings == 1
        clock.advance(DAY_S)
        assert await adv.explain(CANDIDATE) == "ok"


async def test_an_answer_without_usage_counts_an_estimate() -> None:
    server = FakeOpenAIServer(completion("ok", total_tokens=None))
    async with httpx.AsyncClient(transport=server.transport(), base_url="http://x/v1/") as c:
        adv = OpenAICompatAdvisor(c, AdvisorSettings("m", max_tokens=200), None, FakeClock(0))
        await adv.explain(CANDIDATE)

    assert adv.budget.spent > 200


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_network_down_is_one_warning_then_silence_and_never_leaks_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"http://127.0.0.1:{closed_port()}/v1/"
    async with httpx.AsyncClient(base_url=url, timeout=1.0) as c:
        adv = OpenAICompatAdvisor(c, AdvisorSettings("m", timeout_s=1.0), KEY, FakeClock(0))
        answers = [await adv.verdict(CANDIDATE) for _ in range(4)]

    assert answers == [None] * 4
    assert adv.warnings == 1
    assert KEY not in caplog.text


async def test_after_it_answers_again_a_new_failure_is_warned_once_more(
    client: httpx.AsyncClient, server: FakeOpenAIServer
) -> None:
    server.queue(Reply(400, {}), completion("ok"), Reply(400, {}), Reply(400, {}))
    adv = advisor(client)

    for _ in range(4):
        await adv.explain(CANDIDATE)

    assert adv.warnings == 2


async def test_closing_the_safe_advisor_closes_the_adapters_connections(
    client: httpx.AsyncClient,
) -> None:
    from mexcore.advising import SafeAdvisor
    from mexcore.advisor import AdvisorPolicy

    safe = SafeAdvisor(advisor(client), AdvisorPolicy(enabled=True))

    await safe.aclose()

    assert client.is_closed
