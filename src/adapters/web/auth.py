"""Who may use the dashboard: the listen address, the web token, sessions and CSRF tokens.

On loopback without a token every local request is served (a Host header naming another
machine is refused: DNS rebinding). Beyond loopback a token is required: a request carries it
as `Authorization: Bearer TOKEN`, or logs in once through the form, which sets an HttpOnly,
SameSite=Strict session cookie. Every action POST carries its session's CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from collections import OrderedDict

import attrs

from mexcore.config_rules import ListenError, parse_listen

LOOPBACK_NAMES = ("localhost", "::1")
COOKIE = "mexbot_session"
MIN_TOKEN_LENGTH = 16
MAX_SESSIONS = 256
__all__ = ["ListenError", "parse_listen"]  # where the CLI and the app read them


def is_loopback(host: str) -> bool:
    """Tell whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    return host in LOOPBACK_NAMES or host.startswith("127.")


def token_problem(host: str, token: str | None) -> str:
    """Return why the dashboard may not listen on `host` with `token` ("" when it may)."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        return f"MEXBOT_WEB_TOKEN must be at least {MIN_TOKEN_LENGTH} characters"
    if token is None and not is_loopback(host):
        return (f"listening on {host} (beyond loopback) needs MEXBOT_WEB_TOKEN: export a long "
                "random one (e.g. `openssl rand -hex 32`), or listen on 127.0.0.1")
    return ""


def same_secret(given: str | None, expected: str) -> bool:
    """Compare a secret in constant time; None never matches."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@attrs.define
class Session:
    """One browser: its CSRF token and whether it logged in with the web token."""

    csrf: str
    authenticated: bool = False


class Sessions:
    """The open sessions, by the random id of their cookie; the oldest go beyond MAX_SESSIONS."""

    def __init__(self, limit: int = MAX_SESSIONS) -> None:
        self._limit = limit
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def get(self, session_id: str | None) -> Session | None:
        """Return the session of a cookie value, or None."""
        if session_id is None:
            return None
        return self._sessions.get(session_id)

    def open(self, authenticated: bool = False) -> tuple[str, Session]:
        """Start a session with a fresh CSRF token; return its id and itself."""
        session_id = secrets.token_urlsafe(32)
        session = Session(secrets.token_urlsafe(32), authenticated)
        self._sessions[session_id] = session
        while len(self._sessions) > self._limit:
            self._sessions.popitem(last=False)
        return session_id, session


def bearer(authorization: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer TOKEN` header, or None."""
    if authorization is None:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def host_name(host_header: str) -> str:
    """Return the host of a Host header, without its port (`[::1]:80` → `::1`)."""
    if host_header.startswith("["):
        return host_header[1:].partition("]")[0]
    return host_header.rpartition(":")[0] if host_header.count(":") == 1 else host_header
