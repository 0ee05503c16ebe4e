"""Frozen policy objects: one per section of the configuration, with the SPEC §2 defaults.

Field names are the TOML keys exactly. `mexcore.config.load_config` builds them from a raw
mapping and validates every value.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from mexcore.advisor import AdvisorPolicy
from mexcore.values import money, money_map

D = Decimal


def _targets(**kw: str) -> Any:
    return money_map(factory=lambda: MappingProxyType({k: D(v) for k, v in kw.items()}))


def _symbols(*names: str) -> Any:
    return attrs.field(factory=lambda: tuple(names), converter=tuple)


@attrs.frozen
class MexcPolicy:
    base_url: str = "https://api.mexc.com"
    recv_window_ms: int = 5000
    timeout_s: int = 10
    unknown_order_grace_s: int = 60
    read_attempts: int = 4
    rules_ttl_s: Decimal = D("300")
    max_requests_per_s: Decimal = D("15")
    max_orders_per_s: Decimal = D("10")
    max_endpoint_weight: int = 400
    tickers_ttl_s: Decimal = D("5")
    balances_ttl_s: Decimal = D("1")
    max_wait_s: Decimal = D("30")
    repost_when_absent: bool = False
    websocket: bool = True  # paper and live: market and account streams (sim never streams)
    ws_url: str = "wss://wbs-api.mexc.com/ws"


@attrs.frozen
class TelegramPolicy:
    base_url: str = "https://api.telegram.org/bot"
    summary_min_interval_s: int = 600


@attrs.frozen
class ScannerPolicy:
    enabled: bool = True
    interval_s: int = 600
    min_quote_volume: Decimal = money(default=D("10000"))
    max_pairs: int = 200
    excluded_symbols: tuple[str, ...] = _symbols()
    candle_interval: str = "15m"
    candles: int = 100
    concurrency: int = 10
    min_score: int = 2
    min_buy: Decimal = money(default=D("6"))
    small_balance: Decimal = money(default=D("20"))
    small_balance_fraction: Decimal = money(default=D("0.6"))
    fraction: Decimal = money(default=D("0.3"))
    max_buy: Decimal = money(default=D("50"))
    report_every_cycles: int = 2


@attrs.frozen
class BalanceMonitorPolicy:
    enabled: bool = True
    interval_s: int = 60
    targets: Mapping[str, Decimal] = _targets(BTCUSDC="0.6", ETHUSDC="0.4")
    min_qty: Mapping[str, Decimal] = _targets(BTCUSDC="0.0001", ETHUSDC="0.001")
    min_balance: Decimal = money(default=D("10"))
    max_purchase: Decimal = money(default=D("100"))
    reserve: Decimal = money(default=D("2"))
    cooldown_s: int = 300
    rebalance_deviation: Decimal = money(default=D("0.10"))
    order_attempts: int = 3
    requote_after_s: int = 30
    max_requotes: int = 3
    top_up_from_usdt: bool = True


@attrs.frozen
class PnlMonitorPolicy:
    enabled: bool = True
    interval_s: int = 60
    symbols: tuple[str, ...] = _symbols("BTCUSDC", "ETHUSDC")
    profit_threshold: Decimal = money(default=D("0.07"))
    sell_price_factor: Decimal = money(default=D("0.999"))
    summary_interval_s: int = 600
    post_sale_rebalance: bool = True


@attrs.frozen
class PortfolioRebalancePolicy:
    enabled: bool = True
    interval_s: int = 3600
    allow_negative_pnl: bool = False


@attrs.frozen
class AltsMonitorPolicy:
    enabled: bool = True
    interval_s: int = 60
    profit_threshold: Decimal = money(default=D("0.15"))


@attrs.frozen
class Balancer5050Policy:
    enabled: bool = True
    interval_s: int = 60
    cooldown_s: int = 60
    min_balance: Decimal = money(default=D("10"))
    max_operation: Decimal = money(default=D("100"))
    reserve: Decimal = money(default=D("20"))
    deviation: Decimal = money(default=D("0.10"))
    min_per_asset: Decimal = money(default=D("5"))
    btc_eth_targets: Mapping[str, Decimal] = _targets(BTCUSDC="0.6", ETHUSDC="0.4")
    alts: tuple[str, ...] = _symbols("ADAUSDC", "DOTUSDC", "LINKUSDC", "MATICUSDC", "AVAXUSDC")


@attrs.frozen
class OrdersReporterPolicy:
    enabled: bool = True
    interval_s: int = 1800


@attrs.frozen
class AntiHypePolicy:
    block_change_24h: Decimal = money(default=D("0.15"))
    block_change_1h: Decimal = money(default=D("0.08"))
    block_rsi: Decimal = money(default=D("80"))
    damp_change_24h: Decimal = money(default=D("0.05"))
    damp_multiplier: Decimal = money(default=D("0.5"))
    dip_from_high: Decimal = money(default=D("0.05"))
    dip_rsi: Decimal = money(default=D("35"))
    dip_multiplier: Decimal = money(default=D("2"))
    rebalance_block_change_24h: Decimal = money(default=D("0.25"))


@attrs.frozen
class SimPolicy:
    data: str = "bundled"
    start_balances: Mapping[str, Decimal] = _targets(USDT="300", USDC="300")
    days: int = 7
    seed: int = 1


@attrs.frozen
class ServiceSpec:
    """One `[[services]]` table: a service of your own, made by `factory(deps, options)`.

    `factory` is `"package.module:attribute"`; `name` (None: the service's own) attributes its
    orders; `options` is its `[services.options]` table, the raw TOML values (ints, Decimals,
    strings, booleans, lists and tables).
    """

    factory: str
    interval_s: int = 60
    name: str | None = None
    enabled: bool = True
    options: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class WebPolicy:
    """The `[web]` section: the local dashboard (read-only unless `allow_actions`)."""

    enabled: bool = False
    listen: str = "127.0.0.1:8080"
    allow_actions: bool = False


STATE_ROOT = "./mexbot-state"


def default_state_dir(mode: str) -> str:
    """Return the state directory of `mode` when none is configured: paper never shares live's."""
    return f"{STATE_ROOT}/{mode}"


def _mode_state_dir(config: Any) -> str:
    return default_state_dir(config.mode)


@attrs.frozen
class BotConfig:
    """The whole configuration: top-level keys and one policy per section."""

    mode: str = "sim"
    state_dir: str = attrs.field(default=attrs.Factory(_mode_state_dir, takes_self=True))
    mexc: MexcPolicy = attrs.field(factory=MexcPolicy)
    telegram: TelegramPolicy = attrs.field(factory=TelegramPolicy)
    scanner: ScannerPolicy = attrs.field(factory=ScannerPolicy)
    balance_monitor: BalanceMonitorPolicy = attrs.field(factory=BalanceMonitorPolicy)
    pnl_monitor: PnlMonitorPolicy = attrs.field(factory=PnlMonitorPolicy)
    portfolio_rebalance: PortfolioRebalancePolicy = attrs.field(factory=PortfolioRebalancePolicy)
    alts_monitor: AltsMonitorPolicy = attrs.field(factory=AltsMonitorPolicy)
    balancer_5050: Balancer5050Policy = attrs.field(factory=Balancer5050Policy)
    orders_reporter: OrdersReporterPolicy = attrs.field(factory=OrdersReporterPolicy)
    antihype: AntiHypePolicy = attrs.field(factory=AntiHypePolicy)
    sim: SimPolicy = attrs.field(factory=SimPolicy)
    services: tuple[ServiceSpec, ...] = ()
    web: WebPolicy = attrs.field(factory=WebPolicy)
    advisor: AdvisorPolicy = attrs.field(factory=AdvisorPolicy)
