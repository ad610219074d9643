"""Imports flow one way: the layers contract of pyproject.toml ([tool.importlinter]) holds. A new
import of a higher layer (say casework importing reporting) fails here, naming the import chain."""

import tomllib
from pathlib import Path

from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_apps_import_only_the_layers_below_them(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == (
        EXIT_STATUS_SUCCESS
    )


def test_the_only_exception_is_the_root_urls():
    """Known exceptions are removed by moving code, not listed: only the root URLconf mounts every app."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [contract] = config["tool"]["importlinter"]["contracts"]
    assert contract.get("ignore_imports", []) == ["iscg.urls -> **"]
