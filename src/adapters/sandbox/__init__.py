"""A MEXC-compatible sandbox server (MEXC has no spot testnet), backed by the FakeExchange."""

from adapters.sandbox.app import create_app
from adapters.sandbox.clock import ReplayClock
from adapters.sandbox.config import SandboxAccount, SandboxConfig, SandboxFaults
from adapters.sandbox.server import RunningSandbox, running_sandbox, serve
from adapters.sandbox.state import Sandbox

__all__ = [
    "ReplayClock",
    "RunningSandbox",
    "Sandbox",
    "SandboxAccount",
    "SandboxConfig",
    "SandboxFaults",
    "create_app",
    "running_sandbox",
    "serve",
]
