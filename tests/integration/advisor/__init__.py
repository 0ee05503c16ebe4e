"""The OpenAI-compatible advisor adapter against a local fake server."""
