"""Views, forms and filters reach casework records only through ``visible_to(scope)``."""

import re
from pathlib import Path

import pytest

import casework

SCOPED_MODELS = ("Person", "FollowUp", "FollowUpReferral", "Intervention", "Assessment", "Orientation")
MODULES = ("views.py", "forms.py", "filters.py")
UNSCOPED = re.compile(rf"\b({'|'.join(SCOPED_MODELS)})\.objects\b(?!\.(visible_to|content_visible_to)\(|\.none\(\))")


@pytest.mark.parametrize("module", MODULES)
def test_casework_modules_never_use_an_unscoped_manager(module):
    source = (Path(casework.__file__).parent / module).read_text()
    assert not UNSCOPED.findall(source)
