"""Unit tests of the fakes in adapters.fake."""
