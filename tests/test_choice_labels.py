"""French labels of the project's enumerations: one French word never stands for two different choices,
and a choice never reads like a navigation entry (issue 20: the place « Home » shown as « Accueil »)."""

import importlib
import inspect
import pkgutil
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models
from django.utils import translation

PROJECT_APPS = ("accounts", "audit", "casework", "conventions", "imports", "organisation", "referrals", "reporting")
NAVIGATION_TEMPLATES = ("includes/_nav.html", "includes/_header.html", "includes/_footer.html")


def enumerations() -> list[type[models.Choices]]:
    found = []
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.iter_modules(package.__path__):
            if module_info.ispkg or module_info.name in {"migrations", "tests"}:
                continue
            module = importlib.import_module(f"{app}.{module_info.name}")
            for obj in vars(module).values():
                if inspect.isclass(obj) and issubclass(obj, models.Choices) and obj.__module__ == module.__name__:
                    found.append(obj)
    return found


def msgid(label) -> tuple[str, ...]:
    """(context, msgid) of a lazy label (context empty for gettext)."""
    args = getattr(label, "_args", None) or getattr(label, "_proxy____args", None)
    return tuple(args) if args else (str(label),)


def navigation_labels() -> set[str]:
    directory = Path(settings.BASE_DIR) / "templates"
    labels = set()
    for name in NAVIGATION_TEMPLATES:
        text = (directory / name).read_text()
        labels |= set(re.findall(r"""\{%\s*translate\s+["']([^"']+)["']""", text))
    with translation.override("fr"):
        return {translation.gettext(label) for label in labels}


def french_choices():
    with translation.override("fr"):
        return [
            (f"{enum.__module__}.{enum.__name__}.{member.name}", msgid(enum(member).label), str(member.label))
            for enum in enumerations()
            for member in enum
        ]


def test_enumerations_are_found():
    names = {enum.__name__ for enum in enumerations()}
    assert {"Place", "InterventionStatus", "FunderKind", "Role", "BatchStatus"} <= names


def test_no_two_different_choices_share_a_french_label():
    by_label = defaultdict(set)
    where = defaultdict(list)
    for name, english, french in french_choices():
        by_label[french.casefold()].add(english)
        where[french.casefold()].append(name)
    clashes = {label: where[label] for label, english in by_label.items() if len(english) > 1}
    assert not clashes, f"One French label for different choices: {clashes}"


def test_within_an_enumeration_every_choice_has_its_own_french_label():
    with translation.override("fr"):
        for enum in enumerations():
            labels = [str(label).casefold() for label in enum.labels]
            assert len(set(labels)) == len(labels), enum


def test_no_choice_label_is_a_navigation_label():
    navigation = {label.casefold() for label in navigation_labels()}
    assert "accueil" in navigation  # the home page's entry
    clashes = [name for name, _english, french in french_choices() if french.casefold() in navigation]
    assert not clashes, f"Choice labels that read like a navigation entry: {clashes}"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_intervention_place_home_means_at_home(language):
    from casework.enums import Place

    with translation.override(language):
        assert str(Place.HOME.label) == {"fr": "Domicile", "en": "Home"}[language]
