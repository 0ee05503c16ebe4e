"""The search space: keys checked against the configuration SCHEMA, values reach it as Decimal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mexcore.errors import ConfigError
from runners.optimize_space import Param, exact, parse_space, trial_config

D = Decimal


class ScriptedTrial:
    """A trial answering every suggestion with the given float, int or choice."""

    def __init__(self, number: float, choice_index: int = 0) -> None:
        self.number, self.choice_index = number, choice_index
        self.asked: list[tuple[str, str]] = []

    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None,
                      log: bool = False) -> float:
        self.asked.append(("float", name))
        return self.number

    def suggest_int(self, name: str, low: int, high: int, *, step: int = 1,
                    log: bool = False) -> int:
        self.asked.append(("int", name))
        return int(self.number)

    def suggest_categorical(self, name: str, choices: Any) -> Any:
        self.asked.append(("choice", name))
        return choices[self.choice_index]


def _key_of(raw: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_space(raw)
    return caught.value.key


def test_a_dotted_key_and_a_nested_table_give_the_same_parameter() -> None:
    spec = {"low": "0.05", "high": "5", "log": True}

    dotted = parse_space({"pnl_monitor.profit_threshold": spec})
    nested = parse_space({"pnl_monitor": {"profit_threshold": spec}})

    assert dotted == nested == (Param("pnl_monitor.profit_threshold", D("0.05"), D(5), log=True),)


def test_an_unknown_section_is_refused_naming_the_key() -> None:
    assert _key_of({"pnl_monitr.profit_threshold": [D(1)]}) == "pnl_monitr.profit_threshold"


def test_an_unknown_key_of_a_known_section_is_refused_naming_the_key() -> None:
    assert _key_of({"scanner": {"min_scor": {"low": 1, "high": 3}}}) == "scanner.min_scor"


def test_a_bound_outside_the_keys_own_rule_is_refused() -> None:
    assert _key_of({"balancer_5050.deviation": {"low": "0.02", "high": "2"}}) == \
        "balancer_5050.deviation"


def test_a_choice_the_key_does_not_accept_is_refused() -> None:
    assert _key_of({"scanner.candle_interval": ["15m", "2m"]}) == "scanner.candle_interval"


@pytest.mark.parametrize("spec", [
    {"low": "1", "high": "1"}, {"low": "0", "high": "1", "log": True}, {"low": "1"},
    {"low": "0.1", "high": "1", "steps": "0.1"}, {"low": "0.1", "high": "1", "step": "0.4"},
    {"low": "0.1", "high": "1", "step": "0.1",
                                                  "log": True},
])
def test_a_malformed_range_is_refused_naming_the_key(spec: dict[str, Any]) -> None:
    assert _key_of({"pnl_monitor.profit_threshold": spec}) == "pnl_monitor.profit_threshold"


def test_a_range_on_a_true_false_key_is_refused() -> None:
    assert _key_of({"pnl_monitor.post_sale_rebalance": {"low": 0, "high": 1}}) == \
        "pnl_monitor.post_sale_rebalance"


def test_an_empty_space_is_refused() -> None:
    assert _key_of({}) == "--space"


def test_a_suggested_float_reaches_the_configuration_as_a_six_digit_decimal() -> None:
    (param,) = parse_space({"pnl_monitor.profit_threshold": {"low": "0.05", "high": "5"}})

    value = param.suggest(ScriptedTrial(0.123456789))
    config = trial_config({}, {param.key: value})

    assert config.pnl_monitor.profit_threshold == D("0.123457")
    assert type(config.pnl_monitor.profit_threshold) is Decimal


def test_a_whole_number_key_is_suggested_as_an_int() -> None:
    (param,) = parse_space({"scanner.min_score": {"low": -2, "high": 4}})
    trial = ScriptedTrial(3)

    assert param.suggest(trial) == 3
    assert trial.asked == [("int", "scanner.min_score")]


def test_decimal_choices_come_back_as_the_decimals_given() -> None:
    (param,) = parse_space({"pnl_monitor.profit_threshold": [D("0.5"), D("1.5")]})

    assert param.suggest(ScriptedTrial(0, choice_index=1)) == D("1.5")


def test_values_that_break_a_rule_between_two_keys_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        trial_config({}, {"scanner.min_buy": D(500), "scanner.max_buy": D(10)})

    assert caught.value.key == "scanner.min_buy"


@given(st.floats(0.05, 5.05), st.sampled_from([None, D("0.01"), D("0.05"), D("0.25")]))
def test_an_exact_value_is_a_decimal_within_the_bounds_and_on_the_step_grid(
    x: float, step: Decimal | None,
) -> None:
    low, high = D("0.05"), D("5.05")  # a whole number of each step, as parse_space demands

    value = exact(x, low, high, step)

    assert low <= value <= high
    assert step is None or (value - low) % step == 0
    assert abs(float(value) - x) <= (float(step) / 2 if step else 1e-5 * x) + 1e-12
