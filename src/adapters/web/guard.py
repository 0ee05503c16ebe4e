"""The middleware in front of every page: Host check, web token, session cookie, headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp

from adapters.web.auth import COOKIE, Session, Sessions, bearer, host_name, is_loopback, same_secret

HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; "
                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
Next = Callable[[Request], Awaitable[Response]]
LoginPage = Callable[[Request, str, int], Response]


class Guard(BaseHTTPMiddleware):
    """Serve a request only from this machine (no token) or with the web token."""

    def __init__(self, app: ASGIApp, token: str | None, sessions: Sessions,
                 login_page: LoginPage) -> None:
        super().__init__(app)
        self._token, self._sessions, self._login_page = token, sessions, login_page

    async def dispatch(self, request: Request, call_next: Next) -> Response:
        """Refuse, or pass the request on with `request.state.session` set (None: not in)."""
        if self._token is None and not is_loopback(host_name(request.headers.get("host", ""))):
            return _headed(PlainTextResponse("403: this dashboard answers on loopback only "
                                             "(Host header names another machine)", 403))
        session = self._sessions.get(request.cookies.get(COOKIE))
        request.state.session = session
        if not self._allowed(request, session):  # no session for it: none to push others out
            if not _is_open(request.url.path):
                message = "wrong web token" if request.headers.get("authorization") else ""
                return _headed(self._login_page(request, message, 403))
            return _headed(await call_next(request))
        session_id = None
        if session is None:
            session_id, request.state.session = self._sessions.open(authenticated=True)
        response = await call_next(request)
        if session_id is not None and not response.headers.get("set-cookie"):
            set_session_cookie(response, session_id)
        return _headed(response)

    def _allowed(self, request: Request, session: Session | None) -> bool:
        if self._token is None or (session is not None and session.authenticated):
            return True
        return same_secret(bearer(request.headers.get("authorization")), self._token)


def _is_open(path: str) -> bool:
    """Tell whether a path is served without the token: the login form and the static files."""
    return path == "/login" or path.startswith("/static/")


def set_session_cookie(response: Response, session_id: str) -> None:
    """Set the session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site)."""
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="strict", path="/")


def _headed(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
