"""The user-data stream's listen keys: POST/PUT/DELETE/GET `/api/v3/userDataStream`.

A key is valid 60 minutes after its creation or its last keep-alive (real time: a fast
replay must not expire the keys of a client that keeps them alive on its own clock); an
account holds at most 60 valid keys, each serves at most 5 connections.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import attrs

from adapters.sandbox.auth import MexcError, bad_request

KEY_VALIDITY_S = 3600.0
MAX_KEYS = 60  # valid keys per account
MAX_CONNECTIONS = 5  # WebSocket connections per key


@attrs.define
class _Key:
    api_key: str
    expires_s: float


class ListenKeys:
    """Every listen key of the sandbox, by key text; `timer` is real time unless injected."""

    def __init__(self, timer: Callable[[], float] = time.monotonic) -> None:
        self._timer = timer
        self._keys: dict[str, _Key] = {}
        self.connections: dict[str, int] = {}
        self.expire_next = 0  # a fault: the oldest N valid keys expire at the next look

    def create(self, api_key: str) -> str:
        """Make a new key of the account, valid for 60 minutes."""
        if len(self.valid(api_key)) >= MAX_KEYS:
            # MEXC's answer past 60 keys is not documented (unverified): a plain 400 here
            raise bad_request(-1, f"an account may hold at most {MAX_KEYS} listen keys")
        key = secrets.token_hex(32)
        self._keys[key] = _Key(api_key, self._timer() + KEY_VALIDITY_S)
        return key

    def keep_alive(self, api_key: str, key: str) -> str:
        """Make an account's valid key valid for 60 minutes from now."""
        self._own(api_key, key).expires_s = self._timer() + KEY_VALIDITY_S
        return key

    def delete(self, api_key: str, key: str) -> str:
        """End an account's key (its connections close at their next push cycle)."""
        self._own(api_key, key)
        del self._keys[key]
        return key

    def valid(self, api_key: str) -> list[str]:
        """Return the account's valid keys, oldest first."""
        self._expire()
        return [k for k, v in self._keys.items() if v.api_key == api_key]

    def account_of(self, key: str) -> str | None:
        """Return the API key a valid listen key belongs to (None: unknown or expired)."""
        self._expire()
        found = self._keys.get(key)
        return None if found is None else found.api_key

    def _own(self, api_key: str, key: str) -> _Key:
        if self.account_of(key) != api_key:
            # MEXC's answer to an unknown or expired key is not documented (unverified)
            raise bad_request(-1, "Invalid listen key")
        return self._keys[key]

    def _expire(self) -> None:
        now = self._timer()
        for key in [k for k, v in self._keys.items() if v.expires_s <= now]:
            del self._keys[key]
        while self.expire_next > 0 and self._keys:
            del self._keys[next(iter(self._keys))]
            self.expire_next -= 1


def listen_key_param(params: dict[str, str]) -> str:
    """Return the mandatory `listenKey` parameter, or answer 700004."""
    key = params.get("listenKey", "")
    if not key:
        raise MexcError(400, 700004, "Mandatory parameter 'listenKey' was not sent, was "
                        "empty/null, or malformed.")
    return key
