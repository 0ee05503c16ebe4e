"""The web dashboard: pages, fragments and confirmed actions over a ControlPanel."""

from adapters.web.app import WebOptions, create_app
from adapters.web.auth import ListenError, is_loopback, parse_listen, token_problem
from adapters.web.views import BotTime

__all__ = ["BotTime", "ListenError", "WebOptions", "create_app", "is_loopback", "parse_listen",
           "token_problem"]
