"""The advisor made safe to consult (issue 20): a deadline, a catch-all, explanations later.

`SafeAdvisor` puts the `Advisor` port behind `timeout_s` and a catch-all: it answers or gives
None, never raises, never waits longer. `ExplainingNotifier` sends every message at once and,
for each sale and the first PnL summary of each UTC day, the advisor's paragraph after it as a
follow-up message (`explain.<topic>`), when it arrives; nothing ever waits for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from mexcore.advisor import Advisor, AdvisorPolicy, Decision, PeriodSummary, Situation, Verdict
from mexcore.ports import Clock, Level, Notifier

log = logging.getLogger(__name__)
T = TypeVar("T")
Deliver = Callable[[str], Awaitable[None]]
DAY_MS = 86_400_000
SUMMARY_TOPIC = "pnl.summary"


class SafeAdvisor:
    """The advisor port, never slower than `policy.timeout_s` and never raising."""

    def __init__(self, advisor: Advisor, policy: AdvisorPolicy) -> None:
        self.advisor, self.policy = advisor, policy
        self._pending: set[asyncio.Task[None]] = set()

    async def verdict(self, decision: Decision) -> Verdict | None:
        """Return the advisor's verdict on `decision`, or None (no opinion)."""
        return await self._guarded(self.advisor.verdict(decision))

    async def explain(self, situation: Situation) -> str | None:
        """Return the advisor's paragraph on `situation`, or None."""
        return await self._guarded(self.advisor.explain(situation))

    def explain_later(self, situation: Situation, deliver: Deliver) -> None:
        """Ask for an explanation in the background and `deliver` it when it arrives."""
        task = asyncio.get_running_loop().create_task(self._explain_to(situation, deliver))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        """Wait for the explanations under way (each bounded by the timeout)."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def aclose(self) -> None:
        """Let the explanations under way finish, then close the advisor's connections."""
        await self.drain()
        close = getattr(self.advisor, "aclose", None)
        if close is not None:
            await close()

    async def _explain_to(self, situation: Situation, deliver: Deliver) -> None:
        text = await self.explain(situation)
        if text is None:
            return
        try:
            await deliver(text)
        except Exception as e:  # an explanation that cannot be sent is dropped, not fatal
            log.warning("advisor: explanation not sent: %s", type(e).__name__)

    async def _guarded(self, call: Awaitable[T]) -> T | None:
        try:
            async with asyncio.timeout(float(self.policy.timeout_s)):
                return await call
        except TimeoutError:
            return None
        except Exception as e:  # the advisor's failure is never the bot's
            log.debug("advisor: no opinion (%s)", type(e).__name__)
            return None


class ExplainingNotifier:
    """A Notifier whose sales and daily summary are followed by the advisor's paragraph."""

    def __init__(self, notifier: Notifier, advisor: SafeAdvisor, clock: Clock) -> None:
        self._notifier, self._advisor, self._clock = notifier, advisor, clock
        self._summary_day: int | None = None

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None:
        """Send at once; then, for a sale or the day's summary, explain it in the background."""
        await self._notifier.send(topic, text, level)
        situation = self._situation(topic, text)
        if situation is None or not self._notifier.wants(Level.INFO):
            return  # nobody would read the explanation: no tokens spent on it

        async def deliver(paragraph: str) -> None:
            await self._notifier.send(f"explain.{topic}", paragraph, Level.INFO)

        self._advisor.explain_later(situation, deliver)

    def wants(self, level: Level) -> bool:
        """Tell whether the wrapped notifier would deliver `level`."""
        return self._notifier.wants(level)

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None:
        """Send the picture as it is."""
        await self._notifier.send_picture(topic, png, caption)

    def _situation(self, topic: str, text: str) -> Situation | None:
        if topic.startswith("sale."):
            return Decision("sale", topic.removeprefix("sale."), reasons=[text])
        if topic == SUMMARY_TOPIC:
            day = self._clock.now_ms() // DAY_MS
            if day != self._summary_day:
                self._summary_day = day
                return PeriodSummary("daily PnL summary", text)
        return None
