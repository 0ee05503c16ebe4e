"""Read the TOML configuration file (every number exact) and the secrets from the environment."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from mexcore.errors import ConfigError

REDACTED = "***"


def read_toml(path: Path | None) -> dict[str, Any]:
    """Return the raw mapping of a TOML file; no file at all means the defaults."""
    if path is None:
        return {}
    try:
        with path.open("rb") as f:
            return tomllib.load(f, parse_float=Decimal)
    except FileNotFoundError as e:
        raise ConfigError("--config", f"file not found: {path}") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError("--config", f"{path} is not valid TOML: {e}") from e


@attrs.frozen(repr=False)
class Secrets:
    """API keys and the bot token, from the environment only; never printed."""

    mexc_api_key: str = ""
    mexc_api_secret: str = ""
    telegram_bot_token: str = ""
    telegram_chat_ids: tuple[int, ...] = ()

    def __repr__(self) -> str:
        return (
            f"Secrets(mexc_api_key={_mask(self.mexc_api_key)}, "
            f"mexc_api_secret={_mask(self.mexc_api_secret)}, "
            f"telegram_bot_token={_mask(self.telegram_bot_token)}, "
            f"telegram_chat_ids={self.telegram_chat_ids})"
        )

    @property
    def has_mexc_keys(self) -> bool:
        return bool(self.mexc_api_key and self.mexc_api_secret)

    def values(self) -> tuple[str, ...]:
        """Every secret string, for scrubbing logs."""
        return tuple(v for v in (self.mexc_api_key, self.mexc_api_secret,
                                 self.telegram_bot_token) if v)


def _mask(value: str) -> str:
    return REDACTED if value else "''"


def secrets_from_env(env: Mapping[str, str] | None = None) -> Secrets:
    """Read MEXC_API_KEY, MEXC_API_SECRET, TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_IDS."""
    env = os.environ if env is None else env
    return Secrets(
        mexc_api_key=env.get("MEXC_API_KEY", "").strip(),
        mexc_api_secret=env.get("MEXC_API_SECRET", "").strip(),
        telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
        telegram_chat_ids=_chat_ids(env.get("TELEGRAM_CHAT_IDS", "")),
    )


def _chat_ids(text: str) -> tuple[int, ...]:
    ids = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            ids.append(int(part))
        except ValueError as e:
            raise ConfigError("TELEGRAM_CHAT_IDS", f"{part!r} is not a numeric chat id") from e
    return tuple(ids)
