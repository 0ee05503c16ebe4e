"""Services of your own: `[[services]]` tables, `build_loops(extra=…)`, the container, strict."""

from __future__ import annotations

import asyncio
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from dependency_injector import providers
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.plugin_factories import Counter
from tests.unit.services.support import World, flat_closes, world

from mexcore.config import config_to_mapping, load_config, to_toml
from mexcore.errors import ConfigError
from mexcore.policies import BotConfig
from runners.bot import build_loops
from runners.container import make_container
from runners.loop import ServiceFailed

D = Decimal
HERE = "tests.unit.plugin_factories"
BUILT_INS_OFF: dict[str, Any] = {name: {"enabled": False} for name in (
    "pnl_monitor", "alts_monitor", "balance_monitor", "balancer_5050", "scanner",
    "portfolio_rebalance", "orders_reporter")}


def _config(*tables: dict[str, Any], alone: bool = False) -> BotConfig:
    return load_config({**(BUILT_INS_OFF if alone else {}), "services": list(tables)})


def _world() -> World:
    return world(flat_closes(["ADAUSDT"]), {"USDT": "100"})


def _error(*tables: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        build_loops(_config(*tables), _world().deps)
    return caught.value


def test_a_services_table_keeps_its_factory_interval_and_options() -> None:
    config = _config({"factory": f"{HERE}:make_counter", "interval_s": 900,
                      "options": {"symbol": "ADAUSDT", "slice": D("0.2"), "below": 30}})

    (spec,) = config.services
    assert (spec.factory, spec.interval_s, spec.name, spec.enabled) == (
        f"{HERE}:make_counter", 900, None, True)
    assert spec.options == {"symbol": "ADAUSDT", "slice": "0.2", "below": 30}


def test_a_configuration_with_services_survives_the_round_trip_through_a_mapping() -> None:
    config = _config({"factory": f"{HERE}:make_counter", "name": "c2",
                      "options": {"levels": [D("1.5"), 2], "inner": {"x": D("0.1")}}})

    assert load_config(config_to_mapping(config)) == config


KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True) | st.text(min_size=1, max_size=6)
SCALARS = st.one_of(st.integers(-10**12, 10**12), st.booleans(), st.text(max_size=12),
                    st.decimals(allow_nan=False, allow_infinity=False, places=8))
OPTIONS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(KEYS, inner, max_size=3), max_leaves=8)


@given(st.dictionaries(KEYS, OPTIONS, max_size=5))
def test_any_options_table_survives_the_round_trip_through_the_toml_text(
        options: dict[str, Any]) -> None:
    config = _config({"factory": f"{HERE}:make_counter", "options": options})
    text = to_toml(config_to_mapping(config))

    again = load_config(tomllib.loads(text, parse_float=Decimal))

    assert again == config


@pytest.mark.parametrize(("table", "key"), [
    ({"factory": "no colon here"}, "services[0].factory"),
    ({"factory": "pkg.mod:"}, "services[0].factory"),
    ({"factory": 3}, "services[0].factory"),
    ({"interval_s": 60}, "services[0].factory"),
    ({"factory": f"{HERE}:make_counter", "intervall_s": 60}, "services[0].intervall_s"),
    ({"factory": f"{HERE}:make_counter", "interval_s": 0}, "services[0].interval_s"),
    ({"factory": f"{HERE}:make_counter", "name": "has space"}, "services[0].name"),
    ({"factory": f"{HERE}:make_counter", "name": "newline\n"}, "services[0].name"),
    ({"factory": f"{HERE}:make_counter\n"}, "services[0].factory"),
    ({"factory": f"{HERE}:make_counter", "enabled": "yes"}, "services[0].enabled"),
    ({"factory": f"{HERE}:make_counter", "options": {"slice": 0.2}}, "services[0].options.slice"),
])
def test_a_bad_services_table_is_an_error_naming_the_table_and_the_key(
        table: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _config(table)

    assert caught.value.key == key


def test_services_that_are_not_an_array_of_tables_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"services": {"factory": f"{HERE}:make_counter"}})

    assert caught.value.key == "services"


@pytest.mark.parametrize(("factory", "says"), [
    ("no_such_package.strategy:make", "cannot import 'no_such_package.strategy'"),
    (f"{HERE}:make_nobody", "has no 'make_nobody'"),
    (f"{HERE}:NOT_CALLABLE", "is not callable"),
    (f"{HERE}:make_nothing", "string `name`"),
    (f"{HERE}:make_sync_tick", "async def tick"),
    (f"{HERE}:make_raising", "ValueError: option 'symbol' is required"),
])
def test_a_factory_that_cannot_make_a_service_is_an_error_naming_its_table(
        factory: str, says: str) -> None:
    error = _error({"factory": factory})

    assert error.key == "services[0].factory"
    assert says in error.rule


def test_a_configured_service_runs_beside_the_built_in_components() -> None:
    loops = build_loops(_config({"factory": f"{HERE}:make_counter", "interval_s": 900,
                                 "options": {"symbol": "ADAUSDT"}}), _world().deps)

    counter = loops[-1]
    assert isinstance(counter.service, Counter)
    assert (counter.name, counter.interval_s) == ("counter", 900)
    assert counter.service.options == {"symbol": "ADAUSDT"}
    assert {"scanner", "pnl_monitor", "balance_monitor"} <= {loop.name for loop in loops}


def test_a_configured_service_runs_alone_when_the_built_ins_are_off() -> None:
    loops = build_loops(_config({"factory": f"{HERE}:make_counter"}, alone=True), _world().deps)

    assert [loop.name for loop in loops] == ["snapshots", "counter"]


def test_the_tables_name_renames_the_service_and_a_disabled_table_is_not_made() -> None:
    config = _config({"factory": f"{HERE}:make_counter", "name": "ada_counter"},
                     {"factory": f"{HERE}:make_counter", "enabled": False}, alone=True)

    loops = build_loops(config, _world().deps)

    assert [loop.name for loop in loops] == ["snapshots", "ada_counter"]
    assert loops[-1].service.name == "ada_counter"


def test_two_services_of_one_name_are_refused_naming_the_second() -> None:
    error = _error({"factory": f"{HERE}:make_counter"}, {"factory": f"{HERE}:make_counter"})

    assert error.key == "services[1].name"


def test_a_service_may_not_take_the_name_of_a_built_in_component() -> None:
    error = _error({"factory": f"{HERE}:make_counter", "name": "scanner"})

    assert error.key == "services[0].name"


def test_extra_services_from_python_run_after_the_configured_ones() -> None:
    w = _world()
    mine = Counter(w.deps, {})
    mine.name = "mine"

    loops = build_loops(_config({"factory": f"{HERE}:make_counter"}, alone=True), w.deps,
                        extra=[(mine, 30)])

    assert [(loop.name, loop.interval_s) for loop in loops][-2:] == [("counter", 60),
                                                                     ("mine", 30)]
    assert loops[-1].service is mine


def test_the_container_builds_the_configured_and_the_extra_services(tmp_path: Path) -> None:
    config = attrs.evolve(_config({"factory": f"{HERE}:make_counter"}, alone=True),
                          state_dir=str(tmp_path))
    container = make_container(config)

    def mine(deps: Any) -> list[tuple[Counter, int]]:
        extra = Counter(deps, {})
        extra.name = "mine"
        return [(extra, 120)]

    container.extra_services.override(providers.Callable(mine, container.deps))

    assert [loop.name for loop in container.loops()] == ["snapshots", "counter", "mine"]
    container.store().close()


def test_a_failing_tick_of_a_crash_only_loop_is_reported_and_the_loop_goes_on() -> None:
    (loop,) = build_loops(_config({"factory": f"{HERE}:make_failing"}, alone=True),
                          _world().deps)[1:]

    first = asyncio.run(loop.tick_once())
    second = asyncio.run(loop.tick_once())

    assert first.error == second.error == "RuntimeError: the strategy broke"
    assert loop.errors == 2


def test_a_failing_tick_of_a_strict_loop_raises_naming_the_service() -> None:
    (loop,) = build_loops(_config({"factory": f"{HERE}:make_failing", "name": "broken"},
                                  alone=True), _world().deps, strict=True)[1:]

    with pytest.raises(ServiceFailed) as caught:
        asyncio.run(loop.tick_once())

    assert str(caught.value) == "service broken failed: RuntimeError: the strategy broke"
    assert isinstance(caught.value.__cause__, RuntimeError)
