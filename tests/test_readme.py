"""The README's layout table names every app of the project."""

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def test_readme_layout_lists_every_project_app():
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") :]
    folders = set(re.findall(r"^\| `(\w+)/`", layout, re.MULTILINE))
    project_apps = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert "iscg" in project_apps
    assert project_apps - folders == set()
