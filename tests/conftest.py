"""The test kit's pytest plugin for the project's own tests, when it is not installed yet.

An installed mexbot registers it through its entry point (pytest11: mexbot); a checkout run
with PYTHONPATH=src before `pip install -e .` gets it here.
"""

from importlib.metadata import entry_points

PLUGIN = "adapters.fake.testing.plugin"
_installed = any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))
pytest_plugins = [] if _installed else [PLUGIN]
