"""`mexbot sandbox`: serve the MEXC-compatible sandbox on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import socket
import sys
from pathlib import Path
from typing import Any

import attrs

from adapters.sandbox.config import SandboxConfig
from adapters.sandbox.server import serve
from mexcore.errors import ConfigError
from runners.cli_checks import UsageError
from runners.settings import read_toml


def sandbox_config(args: argparse.Namespace) -> SandboxConfig:
    """Build the config from the `[sandbox]` table of `--config`, then the command-line options."""
    config = SandboxConfig.from_mapping(_sandbox_table(args.config))
    changes: dict[str, Any] = {}
    if args.data is not None:
        changes["data"] = args.data
    if args.speed is not None:
        changes["speed"] = args.speed
    if args.seed is not None:
        changes["seed"] = args.seed
    return attrs.evolve(config, **changes)


def _sandbox_table(path: Path | None) -> dict[str, Any]:
    table = read_toml(path).get("sandbox", {})
    if not isinstance(table, dict):
        raise ConfigError("sandbox", "must be a table ([sandbox])")
    return table


def check_port_free(host: str, port: int) -> None:
    """Refuse a host:port the sandbox cannot listen on (in use, not this machine's)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as e:
            option = "--port" if e.errno == errno.EADDRINUSE else "--host"
            raise UsageError(option, f"cannot listen on {host}:{port}: {e.strerror}") from e


def sandbox_command(args: argparse.Namespace) -> int:
    """Serve the sandbox; return 0 on Ctrl-C or SIGTERM."""
    config = sandbox_config(args)
    if config.data != "bundled" and not Path(config.data).is_dir():
        raise UsageError("--data", f"the sandbox data folder {config.data} does not exist")
    check_port_free(args.host, args.port)
    account = config.accounts[0]
    port = args.port or "(a free port: see the log line)"
    print(f"mexbot sandbox on http://{args.host}:{port} — set [mexc] base_url to it; "
          f"API key {account.api_key!r} (secret in the sandbox config); "
          f"data {config.data}, speed ×{config.speed:g}", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, config))
    return 0
