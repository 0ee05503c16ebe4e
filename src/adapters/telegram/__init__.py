"""Telegram: the notifier, the bot's commands, the chart, and a fake Bot API server for tests."""
