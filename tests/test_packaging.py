"""What `pip install .` installs: the program's packages and commands, every dependency it imports, pinned as in
requirements.txt; and default paths that come from settings, not from where the code lies."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

from index import config
from index.logs import log_path

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    return re.split(r"[=<>!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            assert "==" in line, f"not pinned: {line}"
            pins[_name(line)] = line.split("==", 1)[1].strip()
    return pins


def test_dependencies_are_pinned_as_in_requirements() -> None:
    declared = _pins(PYPROJECT["project"]["dependencies"])
    required = _pins((REPO / "requirements.txt").read_text(encoding="utf-8").splitlines())
    assert declared["torch"] == "2.13.0"
    assert {k: v for k, v in declared.items() if required.get(k) != v} == {}


def test_every_imported_distribution_is_declared() -> None:
    """A module of index/ or bot/ that imports a package pip install . (or .[ray]) would not bring fails here."""
    modules: set[str] = set()
    for path in [*(REPO / "index").rglob("*.py"), *(REPO / "bot").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    third_party = {m for m in modules if m not in sys.stdlib_module_names and m not in ("index", "bot")}
    owners = importlib.metadata.packages_distributions()
    extras = [line for group in PYPROJECT["project"].get("optional-dependencies", {}).values() for line in group]
    declared = set(_pins([*PYPROJECT["project"]["dependencies"], *extras]))
    missing = {m: owners.get(m) for m in third_party if not {_name(d) for d in owners.get(m, [m])} & declared}
    assert missing == {}


def test_console_scripts_and_packages() -> None:
    scripts = PYPROJECT["project"]["scripts"]
    assert set(scripts) == {"newsbot", "newsbot-index"}
    for target in scripts.values():
        module, func = target.split(":")
        assert callable(getattr(importlib.import_module(module), func))
    include = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    assert not any(p.startswith(("testkit", "tests", "scripts")) for p in include)
    assert PYPROJECT["build-system"]["build-backend"] == "setuptools.build_meta"


def test_paths_in_a_checkout_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for env in (config.ENV_HOME, config.ENV_INDEX_DIR, config.ENV_CORPUS_DIR, "NEWSBOT_LOG_FILE"):
        monkeypatch.delenv(env, raising=False)
    assert config.checkout_root() == REPO
    assert config.index_dir() == REPO / "var" / "index" and config.corpus_dir() == REPO / "corpus"
    assert log_path("index") == REPO / "var" / "log" / "index.log"


def test_paths_from_newsbot_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(config.ENV_HOME, str(tmp_path))
    for env in (config.ENV_INDEX_DIR, config.ENV_CORPUS_DIR, "NEWSBOT_LOG_FILE"):
        monkeypatch.delenv(env, raising=False)
    assert config.index_dir() == tmp_path / "index" and config.corpus_dir() == tmp_path / "corpus"
    assert log_path("bot") == tmp_path / "log" / "bot.log"
    monkeypatch.setenv(config.ENV_INDEX_DIR, str(tmp_path / "elsewhere"))
    assert config.index_dir() == tmp_path / "elsewhere"


def test_paths_of_an_installed_copy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Installed in site-packages (no pyproject.toml beside the code): the XDG data folder, never the code's."""
    site_packages = tmp_path / "site-packages"
    (site_packages / "index").mkdir(parents=True)
    monkeypatch.setattr(config, "REPO_ROOT", site_packages)
    monkeypatch.delenv(config.ENV_HOME, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert config.checkout_root() is None
    assert config.default_index_dir() == tmp_path / "xdg" / "newsbot" / "index"
    assert config.default_corpus_dir() == tmp_path / "xdg" / "newsbot" / "corpus"
