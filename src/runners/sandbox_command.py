"""`mexbot sandbox`: serve the MEXC-compatible sandbox on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import socket
import sys
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from adapters.sandbox.config import SandboxAccount, SandboxConfig
from adapters.sandbox.server import serve
from mexcore.errors import ConfigError
from runners.cli_checks import UsageError
from runners.settings import read_toml

LOOPBACK = ("127.0.0.1", "localhost", "::1")


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
    if warning := host_warning(args.host):
        print(f"mexbot sandbox: warning: {warning}", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, config,
                          on_bound=partial(print_banner, config, account)))
    return 0


def host_warning(host: str) -> str:
    """Return why a host other than loopback is risky ("" for loopback)."""
    if host in LOOPBACK or host.startswith("127."):
        return ""
    return (f"--host {host} makes the sandbox and its API keys reachable from other machines; "
            "use 127.0.0.1 unless you mean it")


def print_banner(
    config: SandboxConfig, account: SandboxAccount, url: str, market_ms: int
) -> None:
    """Print the real URL, the key pair to use and the market time, on stderr."""
    from runners.journal_reader import utc_text  # here: the imports above are shared ground

    print(f"mexbot sandbox on {url} — market time {utc_text(market_ms)}, data {config.data}, "
          f"speed ×{config.speed:g}\n"
          f"  set [mexc] base_url = \"{url}\" and export MEXC_API_KEY={account.api_key} "
          f"MEXC_API_SECRET={account.api_secret}", file=sys.stderr, flush=True)
