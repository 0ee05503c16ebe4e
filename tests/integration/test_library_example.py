"""The tutorial runs as written: the RSI-dip example backtested, simulated, and its failures."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/rsi_dip/mexbot.toml"
OFF = "".join(f"[{name}]\nenabled = false\n" for name in (
    "pnl_monitor", "alts_monitor", "balance_monitor", "balancer_5050", "scanner",
    "portfolio_rebalance", "orders_reporter"))
BROKEN = '''
class Broken:
    name = "broken"

    async def tick(self) -> int:
        raise RuntimeError("the strategy broke")


def make(deps, options):
    return Broken()
'''


def _mexbot(*args: str, path: str = "examples") -> subprocess.CompletedProcess[str]:
    """Run `PYTHONPATH=<path> mexbot ARGS` from the repository's root, as the docs do."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [path, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])}
    code = "from runners.cli import main; raise SystemExit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=300, check=False, cwd=ROOT, env=env)


def _config(tmp: Path, factory: str, *extra: str) -> str:
    text = f'[[services]]\nfactory = "{factory}"\ninterval_s = 900\n' + "".join(extra) + OFF
    (tmp / "mexbot.toml").write_text(text, encoding="utf-8")
    return str(tmp / "mexbot.toml")


def test_the_example_backtest_gives_the_strategy_its_own_row_with_orders(tmp_path: Path) -> None:
    result = _mexbot("backtest", "--config", EXAMPLE, "--out", str(tmp_path), "--quiet",
                     "--no-charts", "--strict")

    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert set(report["components"]) == {"rsi_dip", "snapshots"}
    mine = report["components"]["rsi_dip"]
    assert mine["orders"] > 0
    assert mine["trades"] > 0
    assert {t["runner"] for t in report["trades"]} == {"rsi_dip"}
    assert re.search(r"^  rsi_dip +\d+ +[1-9]\d* ", result.stdout, re.MULTILINE)


def test_the_example_runs_in_sim_with_its_row_in_the_summary() -> None:
    result = _mexbot("sim", "--config", EXAMPLE, "--days", "2", "--quiet")

    assert result.returncode == 0, result.stderr
    assert re.search(r"^  rsi_dip +\d+ +[1-9]\d* ", result.stdout, re.MULTILINE)


def test_the_python_example_of_the_library_page_runs() -> None:
    page = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", page, re.DOTALL)[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(["examples", os.environ["PYTHONPATH"]])
           if os.environ.get("PYTHONPATH") else "examples"}

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, check=False, cwd=ROOT, env=env)

    assert result.returncode == 0, result.stderr
    orders = re.search(r"orders=(\d+)", result.stdout)
    assert orders is not None
    assert int(orders.group(1)) > 0


def test_a_factory_that_does_not_import_is_one_error_line_naming_the_key_and_exit_2(
        tmp_path: Path) -> None:
    result = _mexbot("backtest", "--config", _config(tmp_path, "no_such.strategy:make"),
                     "--out", str(tmp_path / "out"), "--quiet")

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("mexbot: error: config services[0].factory: cannot import "
                                    "'no_such.strategy'")  # before any work starts
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_in_paper_mode_builds_the_services_and_names_a_bad_one(tmp_path: Path) -> None:
    config = _config(tmp_path, "tests.unit.plugin_factories:make_nothing",
                     '[services.options]\nsymbol = "SOLUSDT"\n')
    text = Path(config).read_text(encoding="utf-8")
    Path(config).write_text(f'mode = "paper"\nstate_dir = "{tmp_path / "state"}"\n'
                            '[mexc]\nbase_url = "http://127.0.0.1:9"\n' + text, encoding="utf-8")

    result = _mexbot("run", "--config", config, path=str(ROOT))

    assert result.returncode == 2, result.stderr
    assert "mexbot: error: config services[0].factory: must return a service" in result.stderr
    assert "Traceback" not in result.stderr


def test_backtest_strict_stops_at_a_failing_tick_naming_the_service(tmp_path: Path) -> None:
    (tmp_path / "broken_strategy.py").write_text(BROKEN, encoding="utf-8")
    config = _config(tmp_path, "broken_strategy:make")

    result = _mexbot("backtest", "--config", config, "--out", str(tmp_path / "out"),
                     "--quiet", "--no-charts", "--days", "2", "--strict", path=str(tmp_path))

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "mexbot: error: service broken failed: RuntimeError: the strategy broke")
    assert "Traceback" not in result.stderr


def test_without_strict_a_failing_tick_is_logged_and_the_backtest_goes_on(tmp_path: Path
                                                                         ) -> None:
    (tmp_path / "broken_strategy.py").write_text(BROKEN, encoding="utf-8")
    config = _config(tmp_path, "broken_strategy:make")

    result = _mexbot("backtest", "--config", config, "--out", str(tmp_path / "out"),
                     "--quiet", "--no-charts", "--days", "2", path=str(tmp_path))

    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["components"]["broken"]["orders"] == 0
