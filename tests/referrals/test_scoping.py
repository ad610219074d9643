"""Views, forms, filters and context processors reach referrals only through ``visible_to(scope)``."""

import re
from pathlib import Path

import pytest

import referrals

SCOPED_MODELS = ("Referral", "ReferralPerson", "DangerAssessment", "DangerAnswer")
MODULES = ("views.py", "forms.py", "filters.py", "context_processors.py")
UNSCOPED = re.compile(rf"\b({'|'.join(SCOPED_MODELS)})\.objects\b(?!\.visible_to\()")


@pytest.mark.parametrize("module", MODULES)
def test_referral_modules_never_use_an_unscoped_manager(module):
    source = (Path(referrals.__file__).parent / module).read_text()
    assert not UNSCOPED.findall(source)
