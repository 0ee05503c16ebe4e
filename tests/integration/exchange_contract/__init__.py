"""The Exchange contract, run against every implementation that has a harness."""
