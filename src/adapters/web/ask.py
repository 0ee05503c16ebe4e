"""The Ask page: a question to the AI advisor, answered from the panel's read models as text.

Asking is reading, so it is served in read-only mode too, but only to a logged-in (or loopback)
session and with that session's CSRF token. Each session asks once every `ask_interval_s`; the
facts, the limit and the wording are `mexcore.asking`'s, shared with Telegram's `/ask`. The
answer is rendered escaped (autoescaping Jinja2): never HTML from the model, never executed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from adapters.web.auth import Session, same_secret
from mexcore.asking import AskDesk, Asked, AskLimiter, Outcome, worded

if TYPE_CHECKING:
    from adapters.web.app import Dashboard

log = logging.getLogger(__name__)
PANEL_TIMEOUT_S = 10.0
USAGE = "Type a question, for example: how is my BTC doing?"
STATUS = {Outcome.ANSWERED: 200, Outcome.EMPTY: 400, Outcome.TOO_SOON: 429,
          Outcome.OFF: 503, Outcome.NO_ANSWER: 503}


class AskPage:
    """Serve the Ask form (GET) and one session's question (POST)."""

    def __init__(self, dashboard: Dashboard) -> None:
        options = dashboard.options
        self._dashboard, self._off = dashboard, options.advisor is None
        limiter = AskLimiter(options.ask_clock, options.ask_interval_s)
        self.desk = AskDesk(dashboard.panel, options.advisor, limiter, PANEL_TIMEOUT_S)

    async def serve(self, request: Request, form: dict[str, str] | None) -> Response:
        """Show the form; for a POST (`form`, None when too large) ask first, CSRF checked."""
        if request.method == "GET":
            notice = worded(Asked(Outcome.OFF), 0, USAGE) if self._off else ""
            return self._render(request, 200, notice=notice)
        if form is None:
            return self._render(request, 413, notice="the form is too large")
        session: Session = request.state.session
        question = form.get("question", "")
        if not same_secret(form.get("csrf"), session.csrf):
            return self._render(request, 403, question=question,
                                notice="missing or wrong CSRF token: open the Ask page again")
        asked = await self._ask(session, question)
        return self._shown(request, asked, question)

    async def _ask(self, session: Session, question: str) -> Asked:
        try:
            return await self.desk.ask(session.csrf, question)  # one CSRF token per session
        except Exception as e:  # the panel did not answer in time: no answer, the bot goes on
            log.warning("web: /ask could not read the panel (%s)", type(e).__name__)
            return Asked(Outcome.NO_ANSWER)

    def _shown(self, request: Request, asked: Asked, question: str) -> Response:
        text = worded(asked, self.desk.limiter.interval_s, USAGE)
        answered = asked.outcome is Outcome.ANSWERED
        response = self._render(request, STATUS[asked.outcome], question=question,
                                answer=text if answered else "",
                                notice="" if answered else text)
        if asked.outcome is Outcome.TOO_SOON:
            response.headers["Retry-After"] = str(asked.wait_s)
        return response

    def _render(self, request: Request, status: int, question: str = "", answer: str = "",
                notice: str = "") -> Response:
        return self._dashboard.render(request, "ask.html", status, page="ask", question=question,
                                      answer=answer, notice=notice,
                                      interval_s=self.desk.limiter.interval_s)
