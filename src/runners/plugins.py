"""Services of your own: import each `[[services]]` factory and make its service.

A factory is any callable `make(deps, options) -> Service`; what it returns needs a string
`name` and an `async tick()`. Every failure (a module that does not import, a missing
attribute, a factory that raises or returns something else) is one `ConfigError` naming the
table and the key, so `mexbot` says it in one line and exits 2.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Sequence
from typing import Any, cast

from mexcore.errors import ConfigError
from mexcore.policies import ServiceSpec
from mexcore.ports import Service
from mexcore.services.deps import ServiceDeps

Factory = Callable[[ServiceDeps, dict[str, Any]], Service]


def resolve_factory(key: str, text: str) -> Factory:
    """Import `package.module:attribute` and return the callable, or raise naming `key`."""
    module_name, _, attribute = text.partition(":")
    try:
        found: Any = importlib.import_module(module_name)
    except Exception as e:  # ImportError, or whatever the module raises while importing
        raise ConfigError(key, f"cannot import {module_name!r} ({type(e).__name__}: {e}); "
                               "is its folder on PYTHONPATH?") from e
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise ConfigError(key, f"module {module_name!r} has no {attribute!r}")
        found = getattr(found, part)
    if not callable(found):
        raise ConfigError(key, f"{text} is not callable")
    return cast(Factory, found)


def check_factories(specs: Sequence[ServiceSpec]) -> None:
    """Import every enabled factory now, so a bad one stops the start before any work."""
    for i, spec in enumerate(specs):
        if spec.enabled:
            resolve_factory(f"services[{i}].factory", spec.factory)


def make_service(where: str, spec: ServiceSpec, deps: ServiceDeps) -> Service:
    """Call the spec's factory with `deps` and a copy of its options; check what it returns."""
    factory = resolve_factory(f"{where}.factory", spec.factory)
    try:
        service = factory(deps, dict(spec.options))
    except ConfigError:
        raise
    except Exception as e:
        raise ConfigError(f"{where}.factory", f"{spec.factory} failed: "
                                              f"{type(e).__name__}: {e}") from e
    check_service(f"{where}.factory", service)
    if spec.name is not None and spec.name != service.name:
        try:
            service.name = spec.name
        except AttributeError as e:
            raise ConfigError(f"{where}.name", "the service's name cannot be set") from e
    return service


def check_service(key: str, service: Any) -> None:
    """Refuse what is not a service: it needs a non-empty string `name` and an async `tick`."""
    name = getattr(service, "name", None)
    if not isinstance(name, str) or not name:
        raise ConfigError(key, f"must return a service with a string `name`, got {service!r}")
    tick = getattr(service, "tick", None)
    if not callable(tick) or not inspect.iscoroutinefunction(tick):
        raise ConfigError(key, f"must return a service with an `async def tick(self)`, "
                               f"got {service!r}")


def user_services(
    specs: Sequence[ServiceSpec], deps: ServiceDeps
) -> list[tuple[str, Service, int]]:
    """Make every enabled `[[services]]` entry; return each with its table and interval."""
    return [(f"services[{i}]", make_service(f"services[{i}]", spec, deps), spec.interval_s)
            for i, spec in enumerate(specs) if spec.enabled]


def check_unique(named: Sequence[tuple[str, Service]]) -> None:
    """Refuse two services of one name: their orders and PnL would be counted together."""
    seen: set[str] = set()
    for where, service in named:
        if service.name in seen:
            raise ConfigError(f"{where}.name", f"{service.name!r} is already the name of "
                                               "another service; give this one its own `name`")
        seen.add(service.name)
