"""The Store contract, run against SqliteStore and InMemoryStore."""
