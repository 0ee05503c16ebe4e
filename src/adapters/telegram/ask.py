"""`/ask QUESTION`: the AI advisor answers from the control panel's read models, as plain text.

Only the allow-listed chats reach it (the bot's guard runs first), one question per chat every
`interval_s`. The question is passed to the model as data inside the facts; the answer is shown
escaped, as text: never executed, never parsed for commands. The facts and the rate limit are
`mexcore.asking`'s, shared with the dashboard's Ask page.
"""

from __future__ import annotations

from adapters.telegram.panel import ControlPanel
from mexcore.advising import SafeAdvisor
from mexcore.asking import ASK_INTERVAL_S, NO_ANSWER_TEXT, OFF_TEXT, AskDesk, AskLimiter, worded
from mexcore.ports import Clock

OFF, NO_ANSWER = OFF_TEXT, NO_ANSWER_TEXT
USAGE = "Usage: /ask QUESTION, for example /ask how is my BTC doing?"


class AskCommand:
    """Answer one chat's question through the advisor, at most once per `interval_s`."""

    def __init__(self, panel: ControlPanel, advisor: SafeAdvisor | None, clock: Clock,
                 panel_timeout_s: float, interval_s: float = ASK_INTERVAL_S) -> None:
        self._desk = AskDesk(panel, advisor, AskLimiter(clock, interval_s), panel_timeout_s)

    async def answer(self, chat_id: int, question: str) -> str:
        """Return the plain-text answer to `question` (or why there is none)."""
        asked = await self._desk.ask(chat_id, question)
        return worded(asked, self._desk.limiter.interval_s, USAGE)
