"""Bilan group I: the FTE the framework conventions plan against those their local conventions created."""

import datetime

import pytest

from reporting.bilan import BilanScope, Period, ScopeKind
from reporting.indicators import compute_bilan
from tests.conventions.test_frameworks import framework, local
from tests.organisation.factories import PostFactory, department

pytestmark = pytest.mark.django_db

YEAR_2026 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def bilan(kind, key):
    return compute_bilan(scope=BilanScope(kind, key, "test"), period=YEAR_2026, with_previous=False).indicators


def test_department_bilan_shows_created_against_planned_fte():
    cadre = framework(department=department("71"), title="Convention cadre Saône-et-Loire")
    local(cadre, ["0.5", "0.5"])
    local(cadre, ["1", "0.5"])
    local(cadre, ["1"])
    i5 = bilan(ScopeKind.DEPARTMENT, "71")["I5"]
    assert i5.total == 3.5
    assert i5.details[0][2] == 6.0
    (cell,) = i5.breakdown
    assert cell.key == str(cadre.public_id) and cell.value == 3.5 and cell.percent == pytest.approx(58.3)
    assert "6 ETP prévus" in cell.label or "6 FTE planned" in cell.label


def test_no_framework_no_i5_and_never_for_a_post():
    post = PostFactory(department=department("80"))
    assert "I5" not in bilan(ScopeKind.DEPARTMENT, "80")
    cadre = framework(department=department("80"))
    local(cadre, ["1"])
    assert "I5" not in bilan(ScopeKind.POST, str(post.public_id))
    assert bilan(ScopeKind.DEPARTMENT, "80")["I5"].total == 1.0
