"""`/ask QUESTION`: the AI advisor answers from the control panel's read models, as plain text.

Only the allow-listed chats reach it (the bot's guard runs first), one question per chat every
`interval_s`. The question is passed to the model as data inside the facts; the answer is shown
escaped, as text: never executed, never parsed for commands. The facts and the rate limit are
`mexcore.asking`'s, shared with the dashboard's Ask page.
"""

from __future__ import annotations

from adapters.telegram.panel import ControlPanel
from mexcore.advising import SafeAdvisor
from mexcore.asking import ASK_INTERVAL_S, AskDesk, Asked, AskLimiter, Outcome
from mexcore.ports import Clock

OFF = "The AI advisor is off: set [advisor] enabled = true (see docs/advisor.md)."
USAGE = "Usage: /ask QUESTION, for example /ask how is my BTC doing?"
NO_ANSWER = ("The advisor did not answer (off-line, too slow or out of its daily budget). "
             "Trading goes on as usual.")


class AskCommand:
    """Answer one chat's question through the advisor, at most once per `interval_s`."""

    def __init__(self, panel: ControlPanel, advisor: SafeAdvisor | None, clock: Clock,
                 panel_timeout_s: float, interval_s: float = ASK_INTERVAL_S) -> None:
        self._desk = AskDesk(panel, advisor, AskLimiter(clock, interval_s), panel_timeout_s)

    async def answer(self, chat_id: int, question: str) -> str:
        """Return the plain-text answer to `question` (or why there is none)."""
        return self._worded(await self._desk.ask(chat_id, question))

    def _worded(self, asked: Asked) -> str:
        if asked.outcome is Outcome.ANSWERED:
            return asked.text
        if asked.outcome is Outcome.TOO_SOON:
            return (f"One question every {self._desk.limiter.interval_s} s; ask again in "
                    f"{asked.wait_s} s.")
        return {Outcome.OFF: OFF, Outcome.EMPTY: USAGE}.get(asked.outcome, NO_ANSWER)
