"""Adapters of the core ports: MEXC, Telegram, SQLite and the in-memory fakes."""
