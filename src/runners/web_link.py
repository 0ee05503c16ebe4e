"""The web dashboard beside the runners: `--web [HOST:]PORT` or `[web] enabled = true`."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from mexcore.config_rules import ListenError, parse_listen
from mexcore.errors import ConfigError
from mexcore.policies import BotConfig
from mexcore.services.deps import ServiceDeps
from runners.cli_checks import UsageError
from runners.logs import FILE_NAME as LOG_FILE
from runners.loop import RunnerLoop
from runners.settings import secrets_from_env

if TYPE_CHECKING:
    from starlette.applications import Starlette

TOKEN_VARIABLE = "MEXBOT_WEB_TOKEN"


@attrs.frozen(repr=False)
class WebLink:
    """Where the dashboard listens, its token (never shown) and whether actions are allowed."""

    host: str
    port: int
    token: str | None = None
    allow_actions: bool = False

    def __repr__(self) -> str:
        return f"WebLink({self.host}:{self.port}, allow_actions={self.allow_actions})"


def web_link(config: BotConfig, option: str | None,
             env: Mapping[str, str] | None = None) -> WebLink | None:
    """Return the dashboard's settings from `--web` (wins) and `[web]`; None when it is off.

    Raises UsageError/ConfigError (exit 2) for a bad address or beyond loopback without a token.
    """
    from adapters.web.auth import token_problem  # starlette and jinja2 only when used

    if option is None and not config.web.enabled:
        return None
    try:
        host, port = parse_listen(option if option is not None else config.web.listen)
    except ListenError as e:
        raise UsageError("--web", str(e)) from e
    token = (os.environ if env is None else env).get(TOKEN_VARIABLE) or None
    if problem := token_problem(host, token):
        raise ConfigError("web.listen" if option is None else "--web", problem)
    return WebLink(host, port, token, config.web.allow_actions)


def dashboard_app(link: WebLink, deps: ServiceDeps, loops: Sequence[RunnerLoop],
                  config: BotConfig, config_text: str, simulated: bool = False) -> Starlette:
    """Return the dashboard app over the bot's services, asking the bot's advisor (if any)."""
    from adapters.web import BotTime, WebOptions, create_app
    from runners.panel import ServicePanel

    def origins() -> dict[str, tuple[str, str]]:
        return {i.client_order_id: (i.runner, i.reason) for i in deps.store.intents()}

    hide = (*secrets_from_env().values(), *((link.token,) if link.token else ()))
    options = WebOptions(BotTime(deps.clock.now_ms, simulated), link.token, link.allow_actions,
                         Path(config.state_dir) / LOG_FILE, origins, hide, advisor=deps.advisor)
    return create_app(ServicePanel(deps, config, loops, config_text), options)


@asynccontextmanager
async def web_running(link: WebLink | None, deps: ServiceDeps, loops: Sequence[RunnerLoop],
                      config: BotConfig, config_text: str, simulated: bool = False
                      ) -> AsyncIterator[str | None]:
    """Serve the dashboard over the running bot while the block runs; yield its URL (or None)."""
    if link is None:
        yield None
        return
    from adapters.web.server import bind, serving

    app = dashboard_app(link, deps, loops, config, config_text, simulated)
    try:
        sock = bind(link.host, link.port)
    except OSError as e:
        raise UsageError("--web", f"cannot listen on {link.host}:{link.port}: {e.strerror}") from e
    async with serving(app, sock) as url:
        mode = "actions allowed" if link.allow_actions else "read-only"
        print(f"mexbot web: dashboard on {url} ({mode})", file=sys.stderr, flush=True)
        yield url
