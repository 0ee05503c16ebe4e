import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mexcore.config import (
    RELATIONS,
    SCHEMA,
    SECTIONS,
    config_to_mapping,
    config_value,
    load_config,
    redacted,
    to_toml,
)
from mexcore.config_rules import Boolean, Integer, Listen, Number, Symbols, Table, Text
from mexcore.config_services import SERVICE_RULES
from mexcore.errors import ConfigError
from mexcore.policies import BotConfig, ServiceSpec

D = Decimal
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mexbot.toml"
DEFAULTS = config_to_mapping(BotConfig())


def _error(raw: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(raw)
    return info.value


def test_empty_mapping_gives_the_spec_defaults() -> None:
    config = load_config({})

    assert config_to_mapping(config) == DEFAULTS
    assert config.scanner.candles == 100
    assert config.balance_monitor.targets == {"BTCUSDC": D("0.6"), "ETHUSDC": D("0.4")}


def test_defaults_round_trip_through_mapping_and_toml_text() -> None:
    text = to_toml(DEFAULTS)

    again = load_config(tomllib.loads(text, parse_float=Decimal))

    assert config_to_mapping(again) == DEFAULTS


def test_example_file_holds_every_key_with_its_default() -> None:
    with EXAMPLE.open("rb") as f:
        raw = tomllib.load(f, parse_float=Decimal)

    assert config_to_mapping(load_config(raw)) == DEFAULTS
    assert {k for k, v in raw.items() if not isinstance(v, dict)} == set(SCHEMA[""])
    assert {n: set(raw[n]) for n in SECTIONS} == {n: set(SCHEMA[n]) for n in SECTIONS}


def test_schema_has_one_rule_for_every_policy_field() -> None:
    for name, cls in SECTIONS.items():
        assert set(SCHEMA[name]) == {f.name for f in attrs.fields(cls)}, name
    top = {f.name for f in attrs.fields(BotConfig)} - set(SECTIONS) - {"services"}
    assert set(SCHEMA[""]) == top
    assert set(SERVICE_RULES) == {f.name for f in attrs.fields(ServiceSpec)}


def test_numbers_may_be_int_decimal_or_string() -> None:
    config = load_config({"scanner": {"max_buy": 40, "min_buy": D("5.5"), "fraction": "0.25",
                                      "interval_s": D("300"), "max_pairs": "150"}})

    assert (config.scanner.max_buy, config.scanner.min_buy) == (D(40), D("5.5"))
    assert config.scanner.fraction == D("0.25")
    assert (config.scanner.interval_s, config.scanner.max_pairs) == (300, 150)


def test_candles_at_34_are_enough_for_macd() -> None:
    assert load_config({"scanner": {"candles": 34}}).scanner.candles == 34


@pytest.mark.parametrize(
    ("raw", "key", "rule"),
    [
        ({"scaner": {}}, "scaner", "unknown section; did you mean 'scanner'?"),
        ({"mdoe": "sim"}, "mdoe", "unknown key; did you mean 'mode'?"),
        ({"scanner": {"min_scor": 1}}, "scanner.min_scor", "did you mean 'min_score'?"),
        ({"sim": {"zzz": 1}}, "sim.zzz", "known: data, days, seed, start_balances"),
        ({"scanner": 5}, "scanner", "must be a table"),
        ({"mode": "real"}, "mode", "one of sim, paper, live"),
        ({"state_dir": ""}, "state_dir", "a non-empty string"),
        ({"mexc": {"base_url": "api.mexc.com"}}, "mexc.base_url", "a URL starting with"),
        ({"mexc": {"recv_window_ms": 70000}}, "mexc.recv_window_ms", "from 1 to 60000"),
        ({"scanner": {"min_buy": "-1"}}, "scanner.min_buy", "a decimal > 0"),
        ({"balance_monitor": {"reserve": -2}}, "balance_monitor.reserve", "≥ 0"),
        ({"scanner": {"min_quote_volume": "lots"}}, "scanner.min_quote_volume", "got 'lots'"),
        ({"scanner": {"fraction": 0.3}}, "scanner.fraction", "got the float 0.3"),
        ({"scanner": {"max_buy": True}}, "scanner.max_buy", "got True"),
        ({"scanner": {"max_buy": "NaN"}}, "scanner.max_buy", "got 'NaN'"),
        ({"scanner": {"fraction": "1.5"}}, "scanner.fraction", "≤ 1 (a fraction"),
        ({"balance_monitor": {"rebalance_deviation": "0"}},
         "balance_monitor.rebalance_deviation", "> 0"),
        ({"antihype": {"block_change_24h": "15"}}, "antihype.block_change_24h", "≤ 1"),
        ({"antihype": {"block_rsi": 120}}, "antihype.block_rsi", "≤ 100"),
        ({"antihype": {"dip_multiplier": "0.5"}}, "antihype.dip_multiplier", "≥ 1"),
        ({"pnl_monitor": {"sell_price_factor": "2"}}, "pnl_monitor.sell_price_factor", "≤ 1.1"),
        ({"scanner": {"interval_s": 0}}, "scanner.interval_s", "an integer ≥ 1"),
        ({"orders_reporter": {"interval_s": "1.5"}}, "orders_reporter.interval_s", "integer"),
        ({"balance_monitor": {"cooldown_s": -1}}, "balance_monitor.cooldown_s", "≥ 0"),
        ({"scanner": {"enabled": "yes"}}, "scanner.enabled", "true or false"),
        ({"scanner": {"candle_interval": "1h"}}, "scanner.candle_interval", "one of 1m, 5m"),
        ({"scanner": {"candles": 24}}, "scanner.candles", "MACD(12,26,9) needs 34"),
        ({"scanner": {"candles": 33}}, "scanner.candles", "from 34 to 1000"),
        ({"scanner": {"excluded_symbols": ["btcusdt"]}}, "scanner.excluded_symbols[0]",
         "uppercase letters and digits ending in USDT"),
        ({"balancer_5050": {"alts": ["ADAUSDC", "ADA-USDC"]}}, "balancer_5050.alts[1]",
         "a symbol"),
        ({"pnl_monitor": {"symbols": ["BTCXYZ"]}}, "pnl_monitor.symbols[0]", "a symbol"),
        ({"pnl_monitor": {"symbols": ["USDT"]}}, "pnl_monitor.symbols[0]", "a symbol"),
        ({"pnl_monitor": {"symbols": "BTCUSDC"}}, "pnl_monitor.symbols", "a list"),
        ({"balancer_5050": {"alts": ["ADAUSDC", "ADAUSDC"]}}, "balancer_5050.alts", "distinct"),
        ({"balance_monitor": {"targets": {"BTCUSDC": "0.6", "ETHUSDC": "0.3"}}},
         "balance_monitor.targets", "weights must add up to 1, they add up to 0.9"),
        ({"balancer_5050": {"btc_eth_targets": {"BTCUSDC": "0.7", "ETHUSDC": "0.4"}}},
         "balancer_5050.btc_eth_targets", "add up to 1.1"),
        ({"balance_monitor": {"targets": {}}}, "balance_monitor.targets", "adding up to 1"),
        ({"balance_monitor": {"targets": {"BTCUSDC": "1.5", "ETHUSDC": "-0.5"}}},
         "balance_monitor.targets.BTCUSDC", "≤ 1"),
        ({"balance_monitor": {"targets": {"BTC": "1"}}}, "balance_monitor.targets.BTC",
         "a symbol"),
        ({"balance_monitor": {"min_qty": {"BTCUSDC": "0"}}},
         "balance_monitor.min_qty.BTCUSDC", "> 0"),
        ({"balance_monitor": {"min_qty": ["BTCUSDC"]}}, "balance_monitor.min_qty", "a table"),
        ({"sim": {"start_balances": {"usdt": "300"}}}, "sim.start_balances.usdt",
         "an asset name"),
        ({"sim": {"start_balances": {"USDT": "-1"}}}, "sim.start_balances.USDT", "≥ 0"),
        ({"sim": {"days": 0}}, "sim.days", "from 1 to 366"),
        ({"scanner": {"min_buy": "60"}}, "scanner.min_buy", "<= scanner.max_buy (50), got 60"),
        ({"balancer_5050": {"min_per_asset": "200"}}, "balancer_5050.min_per_asset",
         "<= balancer_5050.max_operation (100)"),
        ({"antihype": {"damp_change_24h": "0.2"}}, "antihype.damp_change_24h",
         "<= antihype.block_change_24h (0.15)"),
        ({"antihype": {"block_change_24h": "0.3"}}, "antihype.block_change_24h",
         "<= antihype.rebalance_block_change_24h (0.25)"),
        ({"antihype": {"dip_rsi": 80}}, "antihype.dip_rsi", "< antihype.block_rsi (80)"),
    ],
)
def test_each_rule_names_the_key_and_the_rule(raw: dict[str, Any], key: str, rule: str) -> None:
    error = _error(raw)

    assert error.key == key
    assert rule in error.rule
    assert str(error).startswith(f"config {key}: ")


def test_redacted_hides_keys_secrets_and_tokens_at_any_depth() -> None:
    mapping = {"mexc": {"api_key": "abc", "API_SECRET": "def", "base_url": "https://x"},
               "telegram": {"bot_token": "123:xyz", "chat_ids": [1, 2]}, "empty_token": ""}

    assert redacted(mapping) == {
        "mexc": {"api_key": "***", "API_SECRET": "***", "base_url": "https://x"},
        "telegram": {"bot_token": "***", "chat_ids": [1, 2]}, "empty_token": ""}


def test_redacted_leaves_the_input_unchanged() -> None:
    mapping = {"token": "t"}

    redacted(mapping)

    assert mapping == {"token": "t"}


def test_to_toml_escapes_quotes_and_backslashes() -> None:
    mapping = {**DEFAULTS, "state_dir": 'C:\\bot "state"'}

    parsed = tomllib.loads(to_toml(mapping), parse_float=Decimal)

    assert load_config(parsed).state_dir == 'C:\\bot "state"'


def test_config_value_reads_a_dotted_key() -> None:
    assert config_value(BotConfig(), "antihype.block_rsi") == D(80)


# Property tests: values drawn from each key's own rule object.

SYMBOLS = ["BTCUSDC", "ETHUSDC", "ADAUSDT", "DOGEUSDT", "MXUSDT", "ETHBTC", "USDCUSDT"]
RELATED = {k for left, _, right in RELATIONS for k in (left, right)}
KEYS = [(s, k) for s, rules in SCHEMA.items() for k in rules
        if (f"{s}.{k}" if s else k) not in RELATED]


def _exact(d: Decimal) -> st.SearchStrategy[Any]:
    forms: list[Any] = [d, str(d)]
    if d == d.to_integral_value():
        forms.append(int(d))
    return st.sampled_from(forms)


def _number(rule: Number) -> st.SearchStrategy[Any]:
    lo = rule.lo if rule.lo is not None else D(-10**6)
    lo += D("0.0001") if rule.lo_open else 0
    hi = rule.hi if rule.hi is not None else lo + 10**6
    return (st.decimals(min_value=lo, max_value=hi, places=4)
            .filter(rule.contains).flatmap(_exact))


def _weights() -> st.SearchStrategy[dict[str, Any]]:
    return st.integers(0, 100).map(lambda w: {"BTCUSDC": D(w) / 100, "ETHUSDC": D(100 - w) / 100})


def _text(rule: Text) -> st.SearchStrategy[str]:
    if rule.choices:
        return st.sampled_from(rule.choices)
    tail = st.text("abcdefghij/._-", min_size=1, max_size=12)
    return tail.map(lambda t: rule.prefixes[0] + t) if rule.prefixes else tail


def valid_value(rule: Any) -> st.SearchStrategy[Any]:
    if isinstance(rule, Boolean):
        return st.booleans()
    if isinstance(rule, Integer):
        lo = rule.lo if rule.lo is not None else -(10**6)
        return st.integers(lo, rule.hi if rule.hi is not None else lo + 10**6)
    if isinstance(rule, Number):
        return _number(rule)
    if isinstance(rule, Text):
        return _text(rule)
    if isinstance(rule, Symbols):
        return st.lists(st.sampled_from(SYMBOLS), unique=True, max_size=4)
    if isinstance(rule, Listen):
        return st.sampled_from(["127.0.0.1:8080", "0.0.0.0:0", "[::1]:65535", "localhost:80"])
    assert isinstance(rule, Table)
    if rule.weights:
        return _weights()
    names = st.sampled_from(["USDT", "BTC", "MX"] if rule.assets else SYMBOLS)
    return st.dictionaries(names, _number(rule.value), max_size=3)


def invalid_value(rule: Any) -> st.SearchStrategy[Any]:
    if isinstance(rule, Boolean):
        return st.sampled_from(["true", 1, D(0)])
    if isinstance(rule, Integer):
        lo = rule.lo if rule.lo is not None else 0
        return st.sampled_from([lo - 1, D("1.5"), 1.0, "ten", True])
    if isinstance(rule, Number):
        below = (rule.lo - 1) if rule.lo is not None else D(0)
        return st.sampled_from([below, str(below), 0.5, "x", None])
    if isinstance(rule, Text):
        return st.sampled_from(["", 7, "   ", "nope://x" if rule.prefixes else ""])
    if isinstance(rule, Symbols):
        return st.sampled_from([["btcusdc"], ["BTC-USDT"], "BTCUSDC", ["USDC"]])
    if isinstance(rule, Listen):
        return st.sampled_from(["8080", "host:port", "::1:80", "1.2.3.4:70000", 8080, ""])
    assert isinstance(rule, Table)
    return st.sampled_from([{"bad key": "1"}, ["BTCUSDC"], {"BTCUSDC": 0.5}])


def _put(raw: dict[str, Any], section: str, key: str, value: Any) -> None:
    (raw.setdefault(section, {}) if section else raw)[key] = value


@st.composite
def valid_configs(draw: st.DrawFn) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for section, key in draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=12)):
        _put(raw, section, key, draw(valid_value(SCHEMA[section][key])))
    return raw


@settings(max_examples=150, deadline=None)
@given(valid_configs())
def test_random_valid_configs_load_with_their_values(raw: dict[str, Any]) -> None:
    config = load_config(raw)

    for section, key in KEYS:
        given_value = (raw.get(section, {}) if section else raw).get(key)
        if given_value is None:
            continue
        dotted = f"{section}.{key}" if section else key
        loaded = config_value(config, dotted)
        expected = SCHEMA[section][key](dotted, given_value)
        assert (dict(loaded) if isinstance(loaded, Mapping) else loaded) == expected


@st.composite
def invalid_cases(draw: st.DrawFn) -> tuple[str, str, Any]:
    section, key = draw(st.sampled_from([(s, k) for s, rules in SCHEMA.items() for k in rules]))
    return section, key, draw(invalid_value(SCHEMA[section][key]))


@settings(max_examples=150, deadline=None)
@given(invalid_cases())
def test_random_invalid_values_raise_naming_the_key(case: tuple[str, str, Any]) -> None:
    section, key, value = case
    raw: dict[str, Any] = {}
    _put(raw, section, key, value)
    dotted = f"{section}.{key}" if section else key

    error = _error(raw)

    assert error.key.startswith(dotted)


def test_docs_describe_every_section_key_and_rule() -> None:
    docs = (EXAMPLE.parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")

    for section, rules in SCHEMA.items():
        start = docs.index(f"## [{section}]" if section else "## Top level")
        table = docs[start:docs.index("\n\n", docs.index("| --- |", start))]
        for key, rule in rules.items():
            assert f"| `{key}` |" in table, (section, key)
            assert f"| {rule.describe()} |" in table, (section, key)
    for variable in ("MEXC_API_KEY", "MEXC_API_SECRET", "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_IDS"):
        assert variable in docs
