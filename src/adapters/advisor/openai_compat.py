"""An Advisor over any OpenAI-compatible chat-completions endpoint, with httpx directly.

httpx rather than the `openai` client: it is already a dependency, and this adapter needs full
control of one overall deadline (`timeout_s`, retries included) and of Retry-After; tenacity
retries 429 and 5xx a few times. Every failure is "no opinion" (None): a timeout, the network
down, an HTTP error, a malformed body, an answer off the schema, the day's budget spent. The
first failure is warned about once, then the advisor is silent until it answers again. The key
(`OPENROUTER_API_KEY`, none for a local server) goes only into the Authorization header.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import attrs
import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from adapters.advisor.budget import TokenBudget
from mexcore.advisor import (
    VERDICT_SCHEMA,
    AdvisorPolicy,
    Decision,
    Situation,
    Verdict,
    advisor_messages,
    explain_task,
    parse_verdict,
)
from mexcore.ports import Clock

log = logging.getLogger(__name__)
API_KEY_VARIABLE = "OPENROUTER_API_KEY"
MAX_PARAGRAPH_CHARS = 1200
RESPONSE_FORMAT = {"type": "json_schema",
                   "json_schema": {"name": "verdict", "strict": True, "schema": VERDICT_SCHEMA}}
Messages = list[dict[str, str]]
Sleep = Callable[[float], Awaitable[None]]


@attrs.frozen
class AdvisorSettings:
    """The adapter's options, from `[advisor]`; `attempts` bounds the tries of one request."""

    model: str
    base_url: str = "https://openrouter.ai/api/v1"
    timeout_s: float = 10.0
    max_tokens: int = 300
    daily_token_budget: int = 50000
    language: str = "en"
    attempts: int = 3

    @classmethod
    def from_policy(cls, policy: AdvisorPolicy) -> AdvisorSettings:
        """Take the adapter's options from the validated `[advisor]` section."""
        return cls(policy.model, policy.base_url, float(policy.timeout_s), policy.max_tokens,
                   policy.daily_token_budget, policy.language)


def make_advisor_client(settings: AdvisorSettings) -> httpx.AsyncClient:
    """Return an HTTP client for the endpoint; no request may outlast `timeout_s`."""
    return httpx.AsyncClient(base_url=settings.base_url.rstrip("/") + "/",
                             timeout=settings.timeout_s)


class _Retryable(Exception):
    def __init__(self, what: str, retry_after_s: float | None) -> None:
        super().__init__(what)
        self.retry_after_s = retry_after_s


class _Failed(Exception):
    """A consultation that gives no opinion; the message says why, never a secret."""


class OpenAICompatAdvisor:
    """Explanations and verdicts from an OpenAI-compatible model; None whenever it fails."""

    def __init__(
        self, client: httpx.AsyncClient, settings: AdvisorSettings, api_key: str | None,
        clock: Clock, sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._client, self._settings, self._sleep = client, settings, sleep
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.budget = TokenBudget(settings.daily_token_budget, clock)
        self.failing = False
        self.warnings = 0  # failures warned about: one for each run of failures

    async def explain(self, situation: Situation) -> str | None:
        """Return the model's short paragraph on `situation`, or None."""
        task = explain_task(situation)
        text = await self._consult(advisor_messages(situation, self._settings.language, task))
        text = (text or "").strip()
        return text[:MAX_PARAGRAPH_CHARS] or None

    async def verdict(self, decision: Decision) -> Verdict | None:
        """Return the model's buy/skip verdict on `decision`; None off the schema or on failure."""
        messages = advisor_messages(decision, self._settings.language, "verdict")
        text = await self._consult(messages, RESPONSE_FORMAT)
        return None if text is None else parse_verdict(text)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client.aclose()

    async def _consult(self, messages: Messages, fmt: dict[str, Any] | None = None) -> str | None:
        if not self.budget.allows():
            return None
        payload: dict[str, Any] = {"model": self._settings.model, "messages": messages,
                                   "max_tokens": self._settings.max_tokens, "temperature": 0}
        if fmt is not None:
            payload["response_format"] = fmt
        try:
            async with asyncio.timeout(self._settings.timeout_s):
                body = await self._post(payload)
        except TimeoutError:
            self._fail(f"no answer within {self._settings.timeout_s} s")
            return None
        except (_Failed, _Retryable) as e:
            self._fail(str(e))
            return None
        self._recover()
        estimate = self._settings.max_tokens + sum(len(m["content"]) for m in messages) // 4
        self.budget.spend(body.get("usage"), estimate)
        return _content(body)

    async def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + self._settings.timeout_s
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._settings.attempts), sleep=self._sleep, reraise=True,
            retry=retry_if_exception_type(_Retryable), wait=_wait_for(deadline))
        async for attempt in retrying:
            with attempt:
                return await self._post_once(payload)
        raise AssertionError("unreachable: tenacity reraises")

    async def _post_once(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._client.post("chat/completions", json=payload,
                                               headers=self._headers)
        except httpx.TimeoutException as e:
            raise _Failed("the request timed out") from e
        except httpx.HTTPError as e:
            raise _Failed(f"the endpoint cannot be reached ({type(e).__name__})") from e
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}", _retry_after_s(response))
        if response.status_code != 200:
            raise _Failed(f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as e:
            raise _Failed("the answer is not JSON") from e
        if not isinstance(body, dict):
            raise _Failed("the answer is not a JSON object")
        return body

    def _fail(self, why: str) -> None:
        if not self.failing:
            self.failing, self.warnings = True, self.warnings + 1
            log.warning("advisor: no opinion (%s); trading goes on without it, silently until "
                        "it answers again", why)

    def _recover(self) -> None:
        if self.failing:
            self.failing = False
            log.info("advisor: answering again")


def _wait_for(deadline: float) -> Callable[[RetryCallState], float]:
    """Wait Retry-After (else 0.25, 0.5, 1 s...), but never past the deadline: then give up."""

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        hint = error.retry_after_s if isinstance(error, _Retryable) else None
        delay = hint if hint is not None else min(0.25 * 2 ** (state.attempt_number - 1), 2.0)
        left = deadline - asyncio.get_running_loop().time()
        if delay >= left:
            raise _Failed(f"{error}: retry after {delay:g} s would pass the deadline")
        return delay

    return wait


def _retry_after_s(response: httpx.Response) -> float | None:
    text = response.headers.get("Retry-After", "").strip()
    try:
        seconds = Decimal(text)
    except ArithmeticError:
        return None  # an HTTP date or garbage: back off instead
    return float(seconds) if seconds.is_finite() and seconds >= 0 else None


def _content(body: dict[str, Any]) -> str | None:
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return None
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    return content if isinstance(content, str) else None
