"""`mexbot sandbox`: serve the MEXC-compatible sandbox on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

import attrs

from adapters.sandbox.config import SandboxConfig
from adapters.sandbox.server import serve


def sandbox_command(args: argparse.Namespace) -> int:
    """Serve the sandbox; return 0 on Ctrl-C or SIGTERM."""
    config = attrs.evolve(SandboxConfig(), data=args.data or "bundled", speed=args.speed)
    account = config.accounts[0]
    print(f"mexbot sandbox on http://{args.host}:{args.port} — set [mexc] base_url to it; "
          f"API key {account.api_key!r} (secret in the sandbox config); "
          f"data {config.data}, speed ×{config.speed:g}", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, config))
    return 0
