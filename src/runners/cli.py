"""The mexbot command line: sim (the default), run, config, sandbox, backtest, status, trades."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from mexcore.config import config_to_mapping, load_config, redacted, to_toml
from mexcore.errors import ConfigError, StopForHuman
from mexcore.policies import BotConfig
from runners.backtest_args import add_backtest_parser
from runners.cli_checks import (
    LOG_LEVELS,
    UsageError,
    check_args,
    one_line_types,
    port,
    positive_days,
)
from runners.download_args import add_download_parser
from runners.logs import configure_logging
from runners.optimize_args import add_optimize_parser
from runners.settings import read_toml, secrets_from_env
from runners.status_command import add_watch_commands


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mexbot", description="Spot trading bot for MEXC. With no command: `mexbot sim`.")
    parser.add_argument("--log-level", default="WARNING", type=str.upper, choices=LOG_LEVELS,
                        help="DEBUG, INFO, WARNING, ERROR")
    parser.add_argument("--log-json", action="store_true", help="log JSON lines on stderr")
    commands = parser.add_subparsers(dest="command")
    sim = commands.add_parser("sim", help="run the whole bot offline on recorded data")
    _config_option(sim)
    sim.add_argument("--days", type=positive_days, default=None,
                     help="simulated days (default 7); more than the data holds is an error")
    sim.add_argument("--speed", type=Decimal, default=Decimal(0),
                     help="simulated seconds per wall second (0 = as fast as possible)")
    sim.add_argument("--data", default=None, help="folder of SYMBOL-1m.csv[.gz] files")
    sim.add_argument("--synthetic", action="store_true",
                     help="seeded random walks for traded symbols the data has no candles for")
    sim.add_argument("--seed", type=int, default=None)
    sim.add_argument("--quiet", action="store_true", help="only the summary, no notifications")
    sim.add_argument("--verbose", action="store_true",
                     help="every periodic report (by default each is shown once a simulated day)")
    sim.add_argument("--every-tick", action="store_true",
                     help="tick every runner at its interval even when it promised that nothing "
                          "can happen yet (slower, the same trades; always so with Telegram)")
    _web_option(sim)
    _metrics_option(sim)
    run = commands.add_parser("run", help="run the bot in the configured mode")
    _config_option(run)
    _web_option(run)
    _metrics_option(run)
    run.add_argument("--live", action="store_true", help="confirm trading real money")
    config = commands.add_parser("config", help="print the effective configuration")
    _config_option(config)
    sandbox = commands.add_parser("sandbox", help="serve a MEXC-compatible sandbox on loopback")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=port, default=8900, help="0: any free port")
    _config_option(sandbox, "a TOML file with a [sandbox] table (accounts, faults, limits)")
    sandbox.add_argument("--data", default=None, help="folder of candle files (default bundled)")
    sandbox.add_argument("--speed", type=float, default=None,
                         help="replay speed of the data (default 1)")
    sandbox.add_argument("--seed", type=int, default=None, help="seed of the synthetic markets")
    add_backtest_parser(commands)
    add_download_parser(commands)
    add_optimize_parser(commands)
    add_watch_commands(parser, commands)  # --version, status, trades
    return parser


def _config_option(parser: argparse.ArgumentParser, text: str = "mexbot.toml (optional)") -> None:
    parser.add_argument("--config", type=Path, default=None, help=text)


def _web_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--web", metavar="[HOST:]PORT", default=None,
                        help="serve the web dashboard (docs/web.md); beyond loopback it needs "
                             "MEXBOT_WEB_TOKEN")


def _metrics_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--metrics", type=_listen, default=None, metavar="[HOST:]PORT",
                        help="serve /metrics (Prometheus) and /healthz; host 127.0.0.1 unless "
                             "given")


def _listen(text: str) -> str:
    from runners.metrics_server import parse_listen

    try:
        parse_listen(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def sim_args_for(config: Path) -> argparse.Namespace:
    """Return the arguments of `mexbot sim --config FILE`: every other option at its default."""
    return _parser().parse_args(["sim", "--config", str(config)])


def load_bot_config(path: Path | None) -> BotConfig:
    """Read and validate the configuration file (None: the defaults).

    A relative `state_dir` in the file is taken from the file's own folder, not the cwd.
    """
    folder = None if path is None else str(path.resolve().parent)
    return load_config(read_toml(path), folder)


def effective_config_text(config: BotConfig) -> str:
    """Render the effective configuration and which secrets are set, all redacted."""
    secrets = secrets_from_env()
    env = {
        "MEXC_API_KEY": secrets.mexc_api_key, "MEXC_API_SECRET": secrets.mexc_api_secret,
        "TELEGRAM_BOT_TOKEN": secrets.telegram_bot_token,
    }
    lines = [to_toml(redacted(config_to_mapping(config))).rstrip(), "",
             "# environment (secrets are never printed)"]
    lines += [f"# {name} = {'*** (set)' if value else '(not set)'}" for name, value in env.items()]
    lines.append(f"# TELEGRAM_CHAT_IDS = {list(secrets.telegram_chat_ids)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mexbot CLI; return the process exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    one_line_types(parser)
    args = parser.parse_args(words)
    if args.command is None:  # no command: the embedded default, with sim's own defaults
        args = parser.parse_args([*words, "sim"])
    command = args.command
    try:
        check_args(args)
        secrets = secrets_from_env()
        configure_logging(args.log_level, json_lines=args.log_json, secrets=secrets.values())
        return _dispatch(command, args)
    except (ConfigError, UsageError, FileNotFoundError) as e:
        print(f"mexbot: error: {e}", file=sys.stderr)
        return 2
    except StopForHuman as e:
        print(f"mexbot: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        return 0


def _dispatch(command: str, args: argparse.Namespace) -> int:
    if getattr(args, "handler", None) is not None:  # status, trades
        return int(args.handler(args))
    if command == "config":
        print(effective_config_text(load_bot_config(args.config)))
        return 0
    if command == "sim":
        import asyncio

        from runners.sim_command import sim_command
        return int(asyncio.run(sim_command(args)))
    if command == "run":
        import asyncio

        from runners.run_command import run_command
        return int(asyncio.run(run_command(args)))
    if command == "backtest":
        from runners.backtest import backtest_command

        return int(backtest_command(args))
    if command == "download":
        from runners.download_command import download_command
        return int(download_command(args))
    if command == "optimize":
        from runners.optimize import optimize_command

        return int(optimize_command(args))
    if command == "sandbox":
        from runners.sandbox_command import sandbox_command
        return int(sandbox_command(args))
    raise AssertionError(command)
