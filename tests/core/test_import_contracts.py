"""DESIGN.md's dependency table is enforced by import-linter (.importlinter)."""

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> dict[str, configparser.SectionProxy]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter")
    prefix = "importlinter:contract:"
    return {
        name.removeprefix(prefix): parser[name]
        for name in parser.sections()
        if name.startswith(prefix)
    }


def _modules(value: str) -> set[str]:
    return {line.strip() for line in value.splitlines() if line.strip()}


def _apps() -> set[str]:
    return {path.parent.name for path in (ROOT / "apps").glob("*/__init__.py")}


def test_every_app_has_a_contract_and_none_may_import_demo():
    """A new app (engagement, parties, recap) cannot slip in without saying what it talks to."""
    contracts = _contracts()
    for app in _apps() - {"demo"}:
        assert _modules(contracts[app]["source_modules"]) == {f"apps.{app}"}, app
    demo_sources = _modules(contracts["nothing-imports-demo"]["source_modules"])
    assert demo_sources == {f"apps.{app}" for app in _apps() - {"demo"}} | {"config"}
    assert _modules(contracts["nothing-imports-demo"]["forbidden_modules"]) == {"apps.demo"}


def test_the_code_keeps_every_import_contract():
    """The same check as `make lint`, so the edit-run loop shows a broken layer too."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
