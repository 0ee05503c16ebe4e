"""Asking the advisor about the portfolio (issue 20): Telegram's `/ask` and the dashboard's box.

`AskDesk` builds the `Question` from the control panel's read models (portfolio, PnL, open
orders and fills, recent decisions), lets each asker (a chat, a browser session) ask once every
`interval_s`, and says what came of it as an `Asked` value; each adapter words and shows it, as
escaped text. The question is data inside the facts, the answer is text: never executed.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Hashable
from enum import StrEnum

import attrs

from mexcore.advising import SafeAdvisor
from mexcore.advisor import Question
from mexcore.panel import ControlPanel
from mexcore.ports import Clock

ASK_INTERVAL_S = 30
OFF_TEXT = "The AI advisor is off: set [advisor] enabled = true (see docs/advisor.md)."
NO_ANSWER_TEXT = ("The advisor did not answer (off-line, too slow or out of its daily budget). "
                  "Trading goes on as usual.")


class Outcome(StrEnum):
    """What became of one question."""

    ANSWERED = "answered"
    OFF = "off"  # no advisor: `[advisor] enabled = false`
    EMPTY = "empty"  # nothing was asked
    TOO_SOON = "too_soon"  # the asker's last question was less than `interval_s` ago
    NO_ANSWER = "no_answer"  # the advisor gave no opinion: off-line, slow, out of budget


@attrs.frozen
class Asked:
    """The outcome of one question, the answer's text (if any) and the seconds left to wait."""

    outcome: Outcome
    text: str = ""
    wait_s: int = 0


async def panel_question(panel: ControlPanel, text: str, timeout_s: float) -> Question:
    """Return `text` as a Question carrying the panel's read models, read within `timeout_s`."""
    async with asyncio.timeout(timeout_s):
        portfolio, pnl, orders, autobuy = await asyncio.gather(
            panel.portfolio(), panel.pnl(), panel.orders(), panel.autobuy())
    return Question(text, portfolio, pnl, orders, autobuy)


class AskLimiter:
    """One question per asker every `interval_s`; only the askers of the last interval are kept."""

    def __init__(self, clock: Clock, interval_s: float = ASK_INTERVAL_S) -> None:
        self._clock, self._interval_ms = clock, round(interval_s * 1000)
        self._last_ms: OrderedDict[Hashable, int] = OrderedDict()

    @property
    def interval_s(self) -> int:
        """Return the interval in whole seconds."""
        return self._interval_ms // 1000

    def wait_ms(self, asker: Hashable) -> int:
        """Return how long `asker` must still wait (0 or less: it may ask now)."""
        last = self._last_ms.get(asker)
        return 0 if last is None else last + self._interval_ms - self._clock.now_ms()

    def record(self, asker: Hashable) -> None:
        """Note that `asker` asks now; forget those whose interval is over."""
        now_ms = self._clock.now_ms()
        self._last_ms[asker] = now_ms
        self._last_ms.move_to_end(asker)
        while self._last_ms:
            oldest, at_ms = next(iter(self._last_ms.items()))
            if at_ms + self._interval_ms > now_ms:
                break
            del self._last_ms[oldest]

    def __len__(self) -> int:
        return len(self._last_ms)


class AskDesk:
    """Answer an asker's question through the advisor, at most once per interval each."""

    def __init__(self, panel: ControlPanel, advisor: SafeAdvisor | None, limiter: AskLimiter,
                 panel_timeout_s: float) -> None:
        self._panel, self._advisor, self.limiter = panel, advisor, limiter
        self._timeout_s = panel_timeout_s

    async def ask(self, asker: Hashable, question: str) -> Asked:
        """Return what came of `asker` asking `question` (the answer's text when answered)."""
        question = question.strip()
        if self._advisor is None:
            return Asked(Outcome.OFF)
        if not question:
            return Asked(Outcome.EMPTY)
        wait_ms = self.limiter.wait_ms(asker)
        if wait_ms > 0:
            return Asked(Outcome.TOO_SOON, wait_s=-(-wait_ms // 1000))
        self.limiter.record(asker)
        facts = await panel_question(self._panel, question, self._timeout_s)
        answer = await self._advisor.explain(facts)
        return Asked(Outcome.ANSWERED, answer) if answer else Asked(Outcome.NO_ANSWER)


def worded(asked: Asked, interval_s: int, usage: str) -> str:
    """Return `asked` as the plain text shown to the asker (`usage` for an empty question)."""
    if asked.outcome is Outcome.ANSWERED:
        return asked.text
    if asked.outcome is Outcome.TOO_SOON:
        return f"One question every {interval_s} s; ask again in {asked.wait_s} s."
    return {Outcome.OFF: OFF_TEXT, Outcome.EMPTY: usage}.get(asked.outcome, NO_ANSWER_TEXT)
