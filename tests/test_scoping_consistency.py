"""Every views, forms and filters module of every app reaches scoped models only through the scoping layer.

A scoped model is one whose QuerySet has ``visible_to(scope)``. In these modules its manager must be
followed by ``visible_to(`` (or one of the other scoped entry points), never used bare.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SCOPED_ENTRY_POINTS = ("visible_to", "content_visible_to", "bilan_visible_to", "none")
MODULES = ("views.py", "forms.py", "filters.py")
# Models scoped by a function of a higher app, not by a queryset method: the access journal (audit is a
# leaf that imports no access rule) is read through dataprotection.journal.entries_visible_to.
SCOPED_BY_FUNCTION = {"AccessEntry"}


def scoped_models() -> list[str]:
    scoped = {
        model.__name__ for model in apps.get_models() if hasattr(model._default_manager.get_queryset(), "visible_to")
    }
    return sorted(scoped | SCOPED_BY_FUNCTION)


def project_modules() -> list[Path]:
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT in path.parents or path == ROOT:
            found += [path / name for name in MODULES if (path / name).exists()]
    return sorted(found)


def test_the_scoped_models_are_found():
    assert {"Referral", "Person", "FollowUp", "Convention", "Post", "Unit", "Department"} <= set(scoped_models())


@pytest.mark.parametrize("module", project_modules(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_module_never_uses_an_unscoped_manager_of_a_scoped_model(module):
    pattern = re.compile(rf"\b({'|'.join(scoped_models())})\.objects\b(?!\.({'|'.join(SCOPED_ENTRY_POINTS)})\()")
    offending = [
        f"{module.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(module.read_text().splitlines(), start=1)
        if pattern.search(line) and "# scoped:" not in line
    ]
    assert not offending, "\n".join(offending)
