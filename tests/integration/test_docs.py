"""The docs are the code: every documented command parses and every documented key is real."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tokenize
import tomllib
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from adapters.mexc import MexcSettings
from adapters.mexc import constants as mexc_constants
from mexcore.config import SCHEMA, load_config
from mexcore.errors import ConfigError
from runners.cli import _parser
from runners.container import make_container

ROOT = Path(__file__).resolve().parents[2]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
COMMAND_WORDS = ("mexbot", ".venv/bin/mexbot")
INLINE = re.compile(r"`((?:\.venv/bin/)?mexbot(?: [^`]*)?)`")
PLACEHOLDERS = {"N": "1", "X": "1", "D": "2023-04-01"}  # of the usage lines: `[--days N]`
SECTION_HEADING = re.compile(r"^## (?:Top level|\[(\w+)\])\s*$")
KEY_ROW = re.compile(r"^\| `(\w+)` \|")


def _code_lines(path: Path) -> list[tuple[str, str]]:
    """Return (where, line) for every line inside a fenced code block, continuations joined."""
    out: list[tuple[str, str]] = []
    inside, pending = False, ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            inside, pending = not inside, ""
            continue
        if inside:
            pending += line.rstrip().removesuffix("\\")
            if not line.rstrip().endswith("\\"):
                out.append((f"{path.relative_to(ROOT)}:{number}", pending))
                pending = ""
    return out


def _commands(line: str) -> list[list[str]]:
    if not any(word in line.split() for word in COMMAND_WORDS):
        return []
    words = shlex.split(line, comments=True)
    found, current = [], None
    for word in words:
        if word in ("&&", ";", "|", "||"):
            current = None
        elif current is not None:
            current.append(word)
        elif word in COMMAND_WORDS:
            current = []
            found.append(current)
    return found


def block_commands() -> list[tuple[str, list[str]]]:
    """Return every `mexbot …` command of the code blocks of README.md and docs/."""
    return [(where, argv) for path in DOC_FILES for where, line in _code_lines(path)
            for argv in _commands(line)]


def inline_commands() -> list[tuple[str, list[str]]]:
    """Return every `mexbot …` code span of the docs and the example file, usage brackets off."""
    found = []
    for path in [*DOC_FILES, ROOT / "examples" / "mexbot.toml"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for span in INLINE.findall(line):
                words = span.replace("[", " ").replace("]", " ").split()[1:]
                argv = [PLACEHOLDERS.get(w, w) for w in words]
                found.append((f"{path.relative_to(ROOT)}:{number}", argv))
    return found


BLOCK_COMMANDS = block_commands()
COMMANDS = BLOCK_COMMANDS + inline_commands()


def test_the_docs_show_mexbot_commands_at_all() -> None:
    assert len(BLOCK_COMMANDS) >= 5
    assert any(argv == [] for _, argv in BLOCK_COMMANDS)  # the README's first command


@pytest.mark.parametrize(("where", "argv"), COMMANDS, ids=[w for w, _ in COMMANDS])
def test_every_documented_command_is_one_the_cli_accepts(where: str, argv: list[str]) -> None:
    try:
        _parser().parse_args(argv)
    except SystemExit as e:  # exit 0: an option that answers and ends (--version, --help)
        if e.code != 0:
            pytest.fail(f"{where}: `mexbot {shlex.join(argv)}` is refused by the CLI "
                        f"(exit {e.code})")


def _mexbot(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from runners.cli import main; raise SystemExit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, check=False, cwd=ROOT)


def test_the_help_of_every_documented_subcommand_runs() -> None:
    subcommands = sorted({argv[0] for _, argv in COMMANDS if argv and not argv[0].startswith("-")})
    assert subcommands
    for name in subcommands:
        result = _mexbot(name, "--help")
        assert result.returncode == 0, (name, result.stderr)
        assert f"mexbot {name}" in result.stdout


CONFIG_COMMANDS = [(w, a) for w, a in BLOCK_COMMANDS if a[:1] == ["config"]]


@pytest.mark.parametrize(("where", "argv"), CONFIG_COMMANDS)
def test_every_documented_config_command_runs(where: str, argv: list[str]) -> None:
    result = _mexbot(*argv)
    assert result.returncode == 0, (where, result.stderr)
    assert "[mexc]" in result.stdout


def test_the_readme_says_how_to_get_mexbot_on_the_path() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "source .venv/bin/activate" in readme


def documented_keys(path: Path) -> dict[str, set[str]]:
    """Return the keys of each section table (`## Top level`, `## [name]`) of a doc page."""
    keys: dict[str, set[str]] = {}
    section: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = SECTION_HEADING.match(line)
            section = (heading.group(1) or "") if heading else None
            if section is not None:
                keys.setdefault(section, set())
        elif section is not None and (row := KEY_ROW.match(line)):
            keys[section].add(row.group(1))
    return keys


def example_keys() -> dict[str, set[str]]:
    """Return the keys of each section of examples/mexbot.toml ("" for the top level)."""
    raw = tomllib.loads((ROOT / "examples" / "mexbot.toml").read_text(encoding="utf-8"))
    keys = {"": {k for k, v in raw.items() if not isinstance(v, dict)}}
    keys.update({k: set(v) for k, v in raw.items() if isinstance(v, dict)})
    return keys


def schema_keys() -> dict[str, set[str]]:
    """Return the keys the configuration schema accepts, per section."""
    return {section: set(rules) for section, rules in SCHEMA.items()}


def test_configuration_md_documents_exactly_the_keys_of_the_schema() -> None:
    assert documented_keys(ROOT / "docs" / "configuration.md") == schema_keys()


def test_the_example_file_sets_exactly_the_keys_of_the_schema() -> None:
    assert example_keys() == schema_keys()


def test_the_example_file_is_the_default_configuration() -> None:
    text = (ROOT / "examples" / "mexbot.toml").read_text(encoding="utf-8")
    assert load_config(tomllib.loads(text, parse_float=Decimal)) == load_config({})


def _mexc_md_rows() -> list[list[str]]:
    text = (ROOT / "docs" / "mexc.md").read_text(encoding="utf-8")
    table = text.split("### Settings (`[mexc]`)", 1)[1].split("\n#", 1)[0]
    return [[c.strip().strip("`") for c in line.strip("|").split("|")]
            for line in table.splitlines() if KEY_ROW.match(line)]


def _mexc_md_settings() -> set[str]:
    return {row[0] for row in _mexc_md_rows()}


@pytest.mark.parametrize("row", _mexc_md_rows(), ids=lambda row: row[0])
def test_the_default_mexc_md_shows_is_the_default(row: list[str]) -> None:
    key, cell = row[0], row[1]
    value: object = cell if cell.startswith("http") else tomllib.loads(f"v = {cell}")["v"]
    assert load_config({"mexc": {key: value}}) == load_config({})


def test_every_mexc_setting_of_mexc_md_is_a_configuration_key() -> None:
    documented = _mexc_md_settings()
    assert len(documented) >= 12
    assert documented <= set(SCHEMA["mexc"])


def test_the_core_and_the_adapter_know_the_same_mexc_keys_and_defaults() -> None:
    adapter = attrs.asdict(MexcSettings())
    core = attrs.asdict(load_config({}).mexc)
    core.pop("unknown_order_grace_s")  # read by the executor, not the adapter
    assert core == adapter


CHANGED = {
    "read_attempts": 2, "rules_ttl_s": 60, "max_requests_per_s": "12.5", "max_orders_per_s": 5,
    "max_endpoint_weight": 300, "tickers_ttl_s": 3, "balances_ttl_s": "0.5", "max_wait_s": 10,
    "repost_when_absent": True, "timeout_s": 7, "recv_window_ms": 6000,
}


def test_every_mexc_key_of_the_file_reaches_the_adapter() -> None:
    config = load_config({"mode": "paper", "mexc": CHANGED})
    settings = make_container(config).mexc_settings()
    assert {k: getattr(settings, k) for k in CHANGED} == {
        **CHANGED, "max_requests_per_s": 12.5, "balances_ttl_s": 0.5}


@pytest.mark.parametrize(("key", "value"), [
    ("max_requests_per_s", mexc_constants.MEXC_REQUESTS_PER_S + 1),
    ("max_orders_per_s", mexc_constants.MEXC_ORDERS_PER_S + 1),
    ("max_endpoint_weight", mexc_constants.MEXC_ENDPOINT_WEIGHT + 1),
    ("read_attempts", 0), ("rules_ttl_s", 0), ("tickers_ttl_s", "-1"), ("balances_ttl_s", 0),
    ("max_wait_s", 0), ("repost_when_absent", "yes"), ("read_attempts", "1.5"),
])
def test_a_mexc_value_the_adapter_would_refuse_is_refused_by_the_core(key: str, value: object
                                                                      ) -> None:
    with pytest.raises(ConfigError) as error:
        load_config({"mexc": {key: value}})
    assert error.value.key == f"mexc.{key}"


@pytest.mark.parametrize(("key", "value"), [
    ("max_requests_per_s", mexc_constants.MEXC_REQUESTS_PER_S),
    ("max_orders_per_s", mexc_constants.MEXC_ORDERS_PER_S),
    ("max_endpoint_weight", mexc_constants.MEXC_ENDPOINT_WEIGHT),
])
def test_mexcs_own_limit_is_accepted_by_the_core_and_the_adapter(key: str, value: int) -> None:
    config = load_config({"mode": "paper", "mexc": {key: value}})
    assert getattr(make_container(config).mexc_settings(), key) == value


OUTSIDE = re.compile(r"SPEC\b|SPEC §|MEXC\.md|API notes|/work/|/home/|/Users/")
PACKAGE_ROOTS = (ROOT, ROOT / "src", ROOT / "src" / "mexcore")
REPO_PATH = re.compile(r"(?<![\w./-])((?:src|tests|docs|bench|examples|scripts|runners|adapters|"
                       r"mexcore|services)/[\w./-]*\w)")


def _bench_text(path: Path) -> str:
    """Return the comments and docstrings of a benchmark module (its code may name its data)."""
    with path.open("rb") as f:
        tokens = list(tokenize.tokenize(f.readline))
    return "\n".join(t.string for t in tokens if t.type == tokenize.COMMENT
                     or (t.type == tokenize.STRING and t.string.startswith('"""')))


def _prose() -> list[tuple[Path, str]]:
    texts = [(p, p.read_text(encoding="utf-8")) for p in DOC_FILES]
    texts.append((ROOT / "examples" / "mexbot.toml",
                  (ROOT / "examples" / "mexbot.toml").read_text(encoding="utf-8")))
    return texts + [(p, _bench_text(p)) for p in sorted((ROOT / "bench").glob("*.py"))]


def test_the_docs_name_no_file_outside_the_repository() -> None:
    found = [(str(p.relative_to(ROOT)), m.group(0)) for p, text in _prose()
             for m in OUTSIDE.finditer(text)]
    assert found == []


def test_every_repository_path_the_docs_name_exists() -> None:
    missing = [(str(p.relative_to(ROOT)), name) for p, text in _prose()
               for name in REPO_PATH.findall(text)
               if "*" not in name and "<" not in name and not name.startswith("bench/results")
               and not any((root / name).exists() for root in PACKAGE_ROOTS)]
    assert missing == []


def documented_defaults() -> list[tuple[str, str, str]]:
    """Return (section, key, default cell) of every key row of docs/configuration.md."""
    rows, section = [], None
    for line in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = SECTION_HEADING.match(line)
            section = (heading.group(1) or "") if heading else None
        elif section is not None and KEY_ROW.match(line):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.append((section, cells[0].strip("`"), cells[1].strip("`")))
    return rows


@pytest.mark.parametrize(("section", "key", "cell"), documented_defaults())
def test_the_default_configuration_md_shows_is_the_default(section: str, key: str, cell: str
                                                           ) -> None:
    value = tomllib.loads(f"v = {cell}", parse_float=Decimal)["v"]
    raw = {key: value} if section == "" else {section: {key: value}}
    assert load_config(raw) == load_config({})
