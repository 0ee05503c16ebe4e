"""`/ask QUESTION`: the AI advisor answers from the control panel's read models, as plain text.

Only the allow-listed chats reach it (the bot's guard runs first), one question per chat every
`interval_s`. The question is passed to the model as data inside the facts; the answer is shown
escaped, as text: never executed, never parsed for commands.
"""

from __future__ import annotations

import asyncio

from adapters.telegram.panel import ControlPanel
from mexcore.advising import SafeAdvisor
from mexcore.advisor import Question
from mexcore.ports import Clock

ASK_INTERVAL_S = 30
OFF = "The AI advisor is off: set [advisor] enabled = true (see docs/advisor.md)."
USAGE = "Usage: /ask QUESTION, for example /ask how is my BTC doing?"
NO_ANSWER = ("The advisor did not answer (off-line, too slow or out of its daily budget). "
             "Trading goes on as usual.")


class AskCommand:
    """Answer one chat's question through the advisor, at most once per `interval_s`."""

    def __init__(self, panel: ControlPanel, advisor: SafeAdvisor | None, clock: Clock,
                 panel_timeout_s: float, interval_s: float = ASK_INTERVAL_S) -> None:
        self._panel, self._advisor, self._clock = panel, advisor, clock
        self._timeout_s, self._interval_ms = panel_timeout_s, round(interval_s * 1000)
        self._last_ms: dict[int, int] = {}

    async def answer(self, chat_id: int, question: str) -> str:
        """Return the plain-text answer to `question` (or why there is none)."""
        question = question.strip()
        if self._advisor is None:
            return OFF
        if not question:
            return USAGE
        wait_ms = self._wait_ms(chat_id)
        if wait_ms > 0:
            return f"One question every {self._interval_ms // 1000} s; ask again in " \
                   f"{-(-wait_ms // 1000)} s."
        self._last_ms[chat_id] = self._clock.now_ms()
        return await self._advisor.explain(await self._question(question)) or NO_ANSWER

    def _wait_ms(self, chat_id: int) -> int:
        last = self._last_ms.get(chat_id)
        return 0 if last is None else last + self._interval_ms - self._clock.now_ms()

    async def _question(self, text: str) -> Question:
        async with asyncio.timeout(self._timeout_s):
            portfolio, pnl, orders, autobuy = await asyncio.gather(
                self._panel.portfolio(), self._panel.pnl(), self._panel.orders(),
                self._panel.autobuy())
        return Question(text, portfolio, pnl, orders, autobuy)
