"""The one dependency-injector container: configuration in, a wired bot out.

The mode selector is the only place where sim, paper and live differ. Tests override any
provider (`container.exchange.override(providers.Object(fake))`); services of your own go in
`container.extra_services.override(providers.Callable(make_mine, container.deps))`, where
`make_mine(deps)` returns a list of `(service, interval_s)`.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import httpx
from dependency_injector import containers, providers

from adapters.fake import ConsoleNotifier, FakeClock, FakeExchange, SystemClock, load_market_data
from adapters.mexc import (
    Credentials,
    MexcExchange,
    MexcSettings,
    RateLimiter,
    SharedMarket,
    limiter_for,
    make_http_client,
)
from adapters.paper import ACCOUNT_FILE, PaperExchange
from adapters.sqlite import SqliteStore
from mexcore.advising import SafeAdvisor
from mexcore.config import config_to_mapping, load_config
from mexcore.errors import ConfigError
from mexcore.policies import BotConfig
from mexcore.ports import Clock, Exchange, Notifier
from mexcore.services.deps import ServiceDeps
from runners.advisor_link import advisor_for
from runners.bot import build_loops
from runners.settings import Secrets, secrets_from_env
from runners.streams import StreamParts, build_streams, market_cache, streaming

CORE_MEXC_KEYS = ("unknown_order_grace_s",)  # [mexc] keys for the executor, not the adapter
_NUMBERS = {f.name for f in attrs.fields(MexcSettings) if f.type in ("int", "float", int, float)}


def mexc_settings(section: dict[str, Any]) -> MexcSettings:
    """Build the adapter's settings from the `[mexc]` section (less the keys the core reads)."""
    values = {k: Decimal(v) if k in _NUMBERS and isinstance(v, str) else v  # decimals as text
              for k, v in section.items() if k not in CORE_MEXC_KEYS}
    return MexcSettings.from_mapping(values)


def credentials(secrets: Secrets) -> Credentials | None:
    """Return the API key pair when both halves are set."""
    if not secrets.has_mexc_keys:
        return None
    return Credentials(secrets.mexc_api_key, secrets.mexc_api_secret)


def live_exchange(
    client: httpx.AsyncClient, settings: MexcSettings, creds: Credentials | None, clock: Clock,
    limiter: RateLimiter,
) -> Exchange:
    """Return the MEXC adapter; live trading needs both API keys."""
    if creds is None:
        raise ConfigError("MEXC_API_KEY", "live mode needs MEXC_API_KEY and MEXC_API_SECRET")
    return MexcExchange(client, settings, creds, clock=clock, limiter=limiter)


STREAMED_TICKERS_TTL_S = 0.05  # over the streams a ticker read is cheap and must stay fresh


def shared_market(exchange: Exchange, settings: MexcSettings, streamed: bool = False) -> Exchange:
    """Return `exchange` with one market snapshot shared by every runner and command."""
    tickers_ttl_s = STREAMED_TICKERS_TTL_S if streamed else settings.tickers_ttl_s
    return SharedMarket(exchange, tickers_ttl_s=tickers_ttl_s,
                        rules_ttl_s=settings.rules_ttl_s, balances_ttl_s=settings.balances_ttl_s)


def paper_exchange(
    client: httpx.AsyncClient, settings: MexcSettings, clock: Clock, config: BotConfig,
    limiter: RateLimiter, cache: Any = None,
) -> Exchange:
    """Return MEXC public market data (one shared snapshot) with a simulated account and fills.

    With a market `cache` (streams on) the market reads come from the streams while fresh.
    """
    public = MexcExchange(client, settings, None, clock=clock, limiter=limiter)
    market = streaming(public, cache, settings.tickers_ttl_s)
    return open_paper_account(shared_market(market, settings, cache is not None), clock, config)


def is_streamed(cache: Any) -> bool:
    """Tell whether a market cache is in use."""
    return cache is not None


def open_paper_account(market: Exchange, clock: Clock, config: BotConfig) -> PaperExchange:
    """Return the paper account kept in `state_dir`, funded with the start balances if new."""
    paper = PaperExchange(market, clock, account_file=Path(config.state_dir) / ACCOUNT_FILE)
    paper.fund(config.sim.start_balances)
    return paper


def sim_exchange(clock: FakeClock, config: BotConfig) -> Exchange:
    """Return the fake exchange over the configured data, funded with the start balances."""
    folder = None if config.sim.data == "bundled" else Path(config.sim.data)
    exchange = FakeExchange(clock, load_market_data(folder, seed=config.sim.seed),
                            seed=config.sim.seed)
    for asset, amount in config.sim.start_balances.items():
        exchange.deposit(asset, amount)
    return exchange


def notifier(secrets: Secrets, config: BotConfig) -> Notifier:
    """Telegram when TELEGRAM_BOT_TOKEN is set, else the console."""
    if not secrets.telegram_bot_token:
        return ConsoleNotifier(sys.stdout)
    from runners.telegram_link import telegram_notifier  # python-telegram-bot only when used

    return telegram_notifier(secrets, config) or ConsoleNotifier(sys.stdout)


def advisor(config: BotConfig, clock: Clock) -> SafeAdvisor | None:
    """Return the AI advisor of `[advisor]` (the fake in sim), or None when it is off."""
    return advisor_for(config.advisor, config.mode, clock)


class Container(containers.DeclarativeContainer):
    """Every collaborator of one bot process."""

    config = providers.Configuration(strict=True)
    bot_config = providers.Singleton(load_config, config)
    secrets = providers.Singleton(secrets_from_env)

    sim_clock = providers.Singleton(FakeClock, 0)
    clock = providers.Selector(config.mode, sim=sim_clock, paper=providers.Singleton(SystemClock),
                               live=providers.Singleton(SystemClock))
    store = providers.Singleton(SqliteStore, config.state_dir, mode=config.mode,
                                base_url=config.mexc.base_url)

    mexc_settings = providers.Singleton(mexc_settings, config.mexc)
    http_client = providers.Singleton(make_http_client, mexc_settings)
    limiter = providers.Singleton(limiter_for, mexc_settings, config.state_dir)  # one a process
    market_cache = providers.Singleton(market_cache, bot_config, clock)  # None: streams off
    exchange = providers.Selector(
        config.mode,
        sim=providers.Singleton(sim_exchange, sim_clock, bot_config),
        paper=providers.Singleton(paper_exchange, http_client, mexc_settings, clock, bot_config,
                                  limiter, market_cache),
        live=providers.Singleton(live_exchange, http_client, mexc_settings,
                                 providers.Callable(credentials, secrets), clock, limiter),
    )
    market = providers.Selector(  # what runners and commands use: live shares one snapshot
        config.mode, sim=exchange, paper=exchange,
        live=providers.Singleton(
            shared_market, providers.Callable(streaming, exchange, market_cache,
                                              mexc_settings.provided.tickers_ttl_s),
            mexc_settings, providers.Callable(is_streamed, market_cache)))
    notifier = providers.Singleton(notifier, secrets, bot_config)
    advisor = providers.Singleton(advisor, bot_config, clock)
    deps = providers.Singleton(ServiceDeps.build, market, store, notifier, clock,
                               config.mexc.unknown_order_grace_s, advisor)
    extra_services = providers.Object(())  # [(service, interval_s)] of your own, beside the rest
    loops = providers.Singleton(build_loops, bot_config, deps, extra=extra_services)
    streams = providers.Singleton(build_streams, providers.Factory(
        StreamParts, bot_config, market_cache,
        rest=providers.Selector(config.mode, sim=providers.Object(None),
                                paper=providers.Object(None), live=exchange),
        paper=providers.Selector(config.mode, sim=providers.Object(None), paper=exchange,
                                 live=providers.Object(None)),
        store=store, clock=clock))


def make_container(config: BotConfig) -> Container:
    """Return a container configured with the validated `config`."""
    container = Container()
    container.config.from_dict(config_to_mapping(config))
    return container
