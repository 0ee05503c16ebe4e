"""Runners: thin asyncio loops, the container and the mexbot CLI."""
