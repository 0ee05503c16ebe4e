"""The web dashboard: a Starlette app over a ControlPanel, server-rendered with Jinja2.

Pages refresh their values by fetching `/fragments/<page>` every few seconds (static/
dashboard.js). Actions are read-only by default; when allowed, a button leads to a confirm
page whose form POSTs to `/actions/<action>` with the session's CSRF token. `/ask` puts a
question to the AI advisor (adapters.web.ask), in read-only mode too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import attrs
import jinja2
from markupsafe import escape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from adapters.fake.clock import SystemClock
from adapters.web import views
from adapters.web.ask import AskPage
from adapters.web.auth import Session, Sessions, same_secret
from adapters.web.guard import Guard, set_session_cookie
from adapters.web.views import BotTime, Origins
from mexcore.advising import SafeAdvisor
from mexcore.asking import ASK_INTERVAL_S
from mexcore.panel import ControlPanel, UnknownAssetError, UnknownRunnerError
from mexcore.ports import Clock

HERE = Path(__file__).parent
MAX_FORM_BYTES = 4096
PAGES = ("overview", "runners", "positions", "orders", "log")
ACTIONS = ("pause", "resume", "sell", "rebalance")


def _no_origins() -> Mapping[str, tuple[str, str]]:
    return {}


@attrs.frozen
class WebOptions:
    """How the dashboard behaves: its clock, token, actions, log file, secrets to hide, advisor.

    `ask_clock` paces the Ask page's one question per session every `ask_interval_s`.
    """

    time: BotTime
    token: str | None = None
    allow_actions: bool = False
    log_path: Path | None = None
    origins: Origins = _no_origins
    hide: tuple[str, ...] = ()
    refresh_s: int = 5
    advisor: SafeAdvisor | None = None
    ask_clock: Clock = attrs.field(factory=SystemClock)
    ask_interval_s: float = ASK_INTERVAL_S


class Dashboard:
    """The pages, fragments and actions over one panel."""

    def __init__(self, panel: ControlPanel, options: WebOptions) -> None:
        self.panel, self.options = panel, options
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                      autoescape=True, undefined=jinja2.StrictUndefined)
        self.env.filters["hide"] = self.scrub
        self.asking = AskPage(self)

    def scrub(self, text: object) -> str:
        """Replace every secret value in `text` by ***."""
        out = str(text)
        for secret in self.options.hide:
            if secret:
                out = out.replace(secret, "***")
        return out

    def render(self, request: Request, template: str, status: int = 200,
               **values: Any) -> HTMLResponse:
        """Render a template with the values every page knows."""
        session: Session | None = getattr(request.state, "session", None)
        html = self.env.get_template(template).render(
            csrf=session.csrf if session else "", allow_actions=self.options.allow_actions,
            simulated=self.options.time.simulated, refresh_s=self.options.refresh_s,
            token_mode=self.options.token is not None, **values)
        return HTMLResponse(html, status)

    async def data(self, page: str) -> dict[str, Any]:
        """Return the values of one page."""
        time = self.options.time
        if page == "overview":
            return await views.overview(self.panel, time)
        if page == "runners":
            return await views.runners(self.panel, time)
        if page == "positions":
            return await views.positions(self.panel, time)
        if page == "orders":
            return await views.orders(self.panel, time, self.options.origins)
        return views.log_tail(self.options.log_path)

    async def page(self, request: Request) -> Response:
        """Serve a whole page."""
        name = request.path_params.get("page", "overview")
        if name not in PAGES:
            return self._message(request, 404, "Not found", f"no page {name!r}")
        try:
            values = await self.data(name)
        except Exception as e:  # the exchange did not answer: say so, the bot goes on
            return self._message(request, 503, "Not available", self._unread(e))
        return self.render(request, "page.html", page=name, **values)

    async def fragment(self, request: Request) -> Response:
        """Serve the refreshed part of a page (503 keeps the last one shown, marked stale)."""
        name = request.path_params["page"]
        if name not in PAGES:
            return HTMLResponse("no such fragment", 404)
        try:
            values = await self.data(name)
        except Exception as e:
            return HTMLResponse(f"<p>{escape(self._unread(e))}</p>", 503)
        return self.render(request, f"{name}.html", page=name, **values)

    def _unread(self, error: Exception) -> str:
        return self.scrub(f"could not read the bot: {type(error).__name__}: {error}")

    async def confirm(self, request: Request) -> Response:
        """Ask to confirm an action; its form POSTs with the CSRF token."""
        action = request.path_params["action"]
        if refusal := self._refusal(request, action):
            return refusal
        target = request.query_params.get("runner") or request.query_params.get("asset") or ""
        return self.render(request, "confirm.html", action=action, target=target,
                           question=_question(action, target))

    async def act(self, request: Request) -> Response:
        """Run a confirmed action: CSRF checked, then through the panel."""
        action = request.path_params["action"]
        if refusal := self._refusal(request, action):
            return refusal
        form = await _form(request)
        if form is None:
            return self._message(request, 413, "Refused", "the form is too large")
        session: Session = request.state.session
        if not same_secret(form.get("csrf"), session.csrf):
            return self._message(request, 403, "Refused",
                                 "missing or wrong CSRF token: open the confirm page again")
        try:
            result = await self._run(action, form.get("target", ""))
        except (UnknownRunnerError, UnknownAssetError) as e:
            return self._message(request, 404, "Not done", f"{action}: unknown {e}")
        except Exception as e:  # an exchange error: said in one line, the bot goes on
            return self._message(request, 502, "Failed", f"{action} failed: {type(e).__name__}: "
                                                         f"{self.scrub(e)}")
        return self._message(request, 200, "Done", result)

    async def _run(self, action: str, target: str) -> str:
        if action in ("pause", "resume"):
            command = self.panel.pause if action == "pause" else self.panel.resume
            names = await command(target or None)
            return f"{action}d: {', '.join(names)}"
        if action == "sell":
            return await self.panel.sell(target)
        return await self.panel.rebalance()

    def _refusal(self, request: Request, action: str) -> Response | None:
        if action not in ACTIONS:
            return self._message(request, 404, "Not found", f"no action {action!r}")
        if not self.options.allow_actions:
            return self._message(request, 403, "Read-only",
                                 "actions are off: set [web] allow_actions = true to allow them")
        return None

    def _message(self, request: Request, status: int, title: str, message: str) -> Response:
        return self.render(request, "message.html", status, title=title, message=message)

    async def ask(self, request: Request) -> Response:
        """Serve the Ask page; a POST puts its question to the advisor."""
        form = await _form(request) if request.method == "POST" else {}
        return await self.asking.serve(request, form)

    def login_page(self, request: Request, message: str, status: int) -> Response:
        """Serve the login form."""
        return self.render(request, "login.html", status, message=message)

    async def login(self, request: Request, sessions: Sessions) -> Response:
        """Check the submitted web token; start a logged-in session on success."""
        if request.method == "GET" or self.options.token is None:
            return self.login_page(request, "", 200) if self.options.token else _home()
        form = await _form(request) or {}
        if not same_secret(form.get("token"), self.options.token):
            return self.login_page(request, "wrong web token", 403)
        session_id, _ = sessions.open(authenticated=True)  # a new id: no session fixation
        response = _home()
        set_session_cookie(response, session_id)
        return response


def _home() -> Response:
    return RedirectResponse("/", 303)


def _question(action: str, target: str) -> str:
    if action == "pause":
        return f"Pause {target or 'every runner'}? It places no new orders until resumed."
    if action == "resume":
        return f"Resume {target or 'every runner'}? It may place orders again at its next tick."
    if action == "sell":
        return f"Sell all free {target} now, at market?"
    return "Run the portfolio rebalance now? It may sell the overweight asset."


async def _form(request: Request) -> dict[str, str] | None:
    """Read a urlencoded form (first value of each field); None when it is too large."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def create_app(panel: ControlPanel, options: WebOptions) -> Starlette:
    """Return the dashboard app over `panel`."""
    dashboard, sessions = Dashboard(panel, options), Sessions()

    async def login(request: Request) -> Response:
        return await dashboard.login(request, sessions)

    def route(path: str, endpoint: Callable[[Request], Awaitable[Response]],
              methods: tuple[str, ...] = ("GET",)) -> Route:
        return Route(path, endpoint, methods=list(methods))

    routes = [
        route("/", dashboard.page), route("/login", login, ("GET", "POST")),
        route("/fragments/{page}", dashboard.fragment),
        route("/confirm/{action}", dashboard.confirm),
        route("/ask", dashboard.ask, ("GET", "POST")),
        route("/actions/{action}", dashboard.act, ("POST",)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        route("/{page}", dashboard.page),
    ]
    guard = Middleware(Guard, token=options.token, sessions=sessions,
                       login_page=dashboard.login_page)
    app = Starlette(routes=routes, middleware=[guard])
    app.state.dashboard = dashboard
    return app
