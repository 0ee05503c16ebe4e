"""`mexbot sandbox`: serve the MEXC-compatible sandbox on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Any

import attrs

from adapters.sandbox.config import SandboxConfig
from adapters.sandbox.server import serve
from mexcore.errors import ConfigError
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


def sandbox_command(args: argparse.Namespace) -> int:
    """Serve the sandbox; return 0 on Ctrl-C or SIGTERM."""
    config = sandbox_config(args)
    account = config.accounts[0]
    port = args.port or "(a free port: see the log line)"
    print(f"mexbot sandbox on http://{args.host}:{port} — set [mexc] base_url to it; "
          f"API key {account.api_key!r} (secret in the sandbox config); "
          f"data {config.data}, speed ×{config.speed:g}", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, config))
    return 0
