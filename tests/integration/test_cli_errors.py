"""Every bad input is one line `mexbot: error: …` naming the option or file, exit 2."""

import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ERROR_LINE = re.compile(r"^mexbot( \w+)?: error: ", re.MULTILINE)


def _mexbot(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from runners.cli import main; "
                           "raise SystemExit(main())", *args],
                          capture_output=True, text=True, timeout=60, check=False, cwd=cwd)


@pytest.fixture
def port_in_use() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def _binary(tmp: Path) -> str:
    (tmp / "bin.toml").write_bytes(b"\x00\xff\xfe\x81mode")
    return str(tmp / "bin.toml")


def _folder(tmp: Path) -> str:
    (tmp / "folder.toml").mkdir()
    return str(tmp / "folder.toml")


def _not_toml(tmp: Path) -> str:
    (tmp / "not.toml").write_text("mode = paper\n")
    return str(tmp / "not.toml")


def _file(tmp: Path) -> str:
    (tmp / "report").write_text("not a folder\n")
    return str(tmp / "report")


def _under_a_file(tmp: Path) -> str:
    return str(Path(_file(tmp)) / "out")


def _paper(tmp: Path) -> str:
    (tmp / "paper.toml").write_text('mode = "paper"\n')
    return str(tmp / "paper.toml")


def _state_in_a_file(tmp: Path) -> str:
    _file(tmp)
    (tmp / "state.toml").write_text('mode = "paper"\nstate_dir = "report"\n'
                                    '[mexc]\nbase_url = "http://127.0.0.1:9"\n')
    return str(tmp / "state.toml")


def _state_nowhere(tmp: Path) -> str:
    (tmp / "nowhere.toml").write_text('mode = "paper"\nstate_dir = "/proc/mexbot/state"\n'
                                      '[mexc]\nbase_url = "http://127.0.0.1:9"\n')
    return str(tmp / "nowhere.toml")


CASES: dict[str, tuple[list[str], str]] = {  # words ({} = made by a helper), what names it
    "sim --days abc": (["sim", "--days", "abc"], "--days"),
    "sim --speed abc": (["sim", "--speed", "abc"], "--speed"),
    "--log-level bogus": (["--log-level", "bogus", "config"], "--log-level"),
    "backtest --from yesterday": (["backtest", "--from", "yesterday"], "--from"),
    "backtest --to tomorrow-ish": (["backtest", "--to", "soon"], "--to"),
    "binary config file": (["config", "--config", "{binary}"], "bin.toml"),
    "config file is a folder": (["config", "--config", "{folder}"], "folder.toml"),
    "config file is not TOML": (["sim", "--config", "{not_toml}"], "not.toml is not valid TOML"),
    "config file is missing": (["run", "--config", "gone.toml"],
                               "argument --config: file not found"),
    "sandbox port 99999": (["sandbox", "--port", "99999"], "--port"),
    "sandbox port in use": (["sandbox", "--port", "{port}"], "--port"),
    "--out is an existing file": (["backtest", "--out", "{file}"], "--out"),
    "--out under a file": (["backtest", "--out", "{under_a_file}"], "--out"),
    "--out unwritable": (["backtest", "--out", "/proc/mexbot-out"], "--out"),
    "run without a configuration": (["run"], "--config"),
    "run --live in paper mode": (["run", "--live", "--config", "{paper}"], "--live"),
    "state_dir is a file": (["run", "--config", "{state_in_a_file}"], "state_dir"),
    "state_dir cannot be created": (["run", "--config", "{state_nowhere}"], "state_dir"),
    "sandbox on a host not of this machine": (["sandbox", "--host", "192.0.2.1"], "--host"),
    "sandbox data folder missing": (["sandbox", "--port", "0", "--data", "nope"], "nope"),
}

MAKERS: dict[str, Callable[[Path], str]] = {
    "binary": _binary, "folder": _folder, "file": _file, "under_a_file": _under_a_file,
    "paper": _paper, "not_toml": _not_toml, "state_in_a_file": _state_in_a_file,
    "state_nowhere": _state_nowhere,
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_input_is_one_error_line_naming_it_and_exit_2(
        case: str, tmp_path: Path, port_in_use: int) -> None:
    words, named = CASES[case]
    values = {name: make(tmp_path) for name, make in MAKERS.items() if f"{{{name}}}" in words}
    values["port"] = str(port_in_use)
    argv = [w.format(**values) if w.startswith("{") else w for w in words]
    result = _mexbot(*argv, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr
    errors = ERROR_LINE.findall(result.stderr)
    assert len(errors) == 1, result.stderr
    error_line = next(line for line in result.stderr.splitlines() if ERROR_LINE.match(line))
    assert named in error_line


def test_run_without_a_configuration_says_how_to_start(tmp_path: Path) -> None:
    result = _mexbot("run", "--live", cwd=tmp_path)
    assert result.returncode == 2
    assert "mexbot run --config" in result.stderr
    assert "Simulated" not in result.stdout


def test_a_relative_state_dir_lives_beside_the_configuration_file(tmp_path: Path) -> None:
    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "mexbot.toml").write_text('mode = "paper"\nstate_dir = "state/{mode}"\n')
    result = _mexbot("config", "--config", "bot/mexbot.toml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f'state_dir = "{folder.resolve() / "state" / "paper"}"' in result.stdout
