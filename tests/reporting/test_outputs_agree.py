"""One post's year with known counts: the JSON, the CSV, the XLSX and the PDF's text give the same figures
(issue 20: every bilan figure true, whatever the output)."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from casework.enums import InterventionStatus, Place
from conventions import services
from conventions.enums import FundingRuleKind
from referrals.enums import Sex
from reporting import exports
from reporting.bilan import BilanScope, ScopeKind
from reporting.indicators import civil_year, compute_bilan
from reporting.pdf import bilan_pdf
from reporting.summary import format_value
from tests.accounts.factories import UserFactory
from tests.casework.factories import FollowUpFactory, InterventionFactory, OrientationFactory
from tests.conventions.factories import ConventionFactory, ConventionPostFactory, FunderFactory
from tests.organisation.factories import PostFactory, UnitFactory, department
from tests.referrals.factories import ReferralFactory
from tests.reporting.samples import normalize, pdf_text
from tests.reporting.test_exports import open_xlsx

# What the year holds, counted by hand.
TOTALS = {"A1": 2, "B1": 3, "C2": 4, "E3": 1, "I3": 47_000_00, "I4": 15_666_67}  # I4: 47 000 € / 3
CELLS = {
    "B3": {Sex.FEMALE: 2, Sex.MALE: 1},
    "B9": {Place.POLICE_STATION: 1, Place.HOME: 1, Place.REMOTE: 1},
    "C2": {InterventionStatus.HELD: 4, InterventionStatus.NO_SHOW: 1},
}
COMMITTED = {"Préfecture": 18_800_00, "CAF": 9_400_00, "Commune": 18_800_00}


def at(month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date(2025, month, day), datetime.time(10)))


@pytest.fixture
def bilan(db):
    d80 = department("80")
    unit = UnitFactory(department=d80)
    post = PostFactory(department=d80, units=[unit], starts_on=datetime.date(2020, 1, 1))
    iscg = UserFactory(iscg=True)

    def person(sex):
        return FollowUpFactory(
            post=post, person__post=post, person__created_by=iscg, person__sex=sex, opened_on=datetime.date(2025, 1, 2)
        )

    first, second, third = person(Sex.FEMALE), person(Sex.MALE), person(Sex.FEMALE)
    for when, status in ((at(2, 3), InterventionStatus.HELD), (at(3, 3), InterventionStatus.HELD)):
        InterventionFactory(followup=first, author=iscg, starts_at=when, status=status)
    InterventionFactory(followup=first, author=iscg, starts_at=at(4, 3), status=InterventionStatus.NO_SHOW)
    InterventionFactory(followup=second, author=iscg, starts_at=at(5, 5), place=Place.HOME)
    InterventionFactory(followup=third, author=iscg, starts_at=at(6, 6), place=Place.REMOTE)
    OrientationFactory(followup=second, oriented_on=datetime.date(2025, 5, 6))
    ReferralFactory(unit=unit, referred_at=at(1, 10))
    ReferralFactory(unit=unit, referred_at=at(9, 10))

    convention = ConventionFactory(
        department=d80, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31)
    )
    convention_post = ConventionPostFactory(convention=convention, post=post)
    state = FunderFactory(department=d80, state=True, name="Préfecture")
    caf = FunderFactory(department=d80, caf=True, name="CAF")
    commune = FunderFactory(department=d80, commune=True, name="Commune")
    services.funding_rules_set_for_year(
        convention=convention,
        year=2025,
        expected_version=convention.version,
        costs={convention_post.pk: services.CostData(salary_cents=47_000_00)},
        rules=[
            services.RuleData(funder=state, kind=FundingRuleKind.PERCENT_OF_COST, percent=Decimal(40)),
            services.RuleData(funder=caf, kind=FundingRuleKind.PERCENT_OF_COST, percent=Decimal(20)),
            services.RuleData(funder=commune, kind=FundingRuleKind.BALANCE, rank=1),
        ],
    )
    with translation.override("fr"):
        yield compute_bilan(scope=BilanScope(ScopeKind.POST, str(post.public_id), post.name), period=civil_year(2025))


def test_the_bilan_holds_the_counts_of_the_year(bilan):
    for indicator_id, total in TOTALS.items():
        assert bilan.indicators[indicator_id].total == total, indicator_id
    for indicator_id, cells in CELLS.items():
        values = {cell.key: cell.value for cell in bilan.indicators[indicator_id].breakdown}
        assert {key: values[key] for key in cells} == {str(key): value for key, value in cells.items()}
    committed = {cell.label.split(" — ")[0]: cell.value for cell in bilan.indicators["I1"].breakdown}
    assert committed == COMMITTED


def test_json_gives_the_same_figures(bilan):
    data = exports.bilan_json(bilan)["indicators"]
    for indicator_id, total in TOTALS.items():
        assert data[indicator_id]["total"] == total, indicator_id
    for indicator_id, cells in CELLS.items():
        for key, value in cells.items():
            assert data[indicator_id]["breakdown"][str(key)]["value"] == value
    committed = {cell["label"].split(" — ")[0]: cell["value"] for cell in data["I1"]["breakdown"].values()}
    assert committed == COMMITTED


def csv_value(value: int, indicator_id: str) -> str:
    return f"{value // 100},{value % 100:02d}" if indicator_id.startswith("I") else str(value)


def test_csv_gives_the_same_figures(bilan):
    rows = list(csv.reader(io.StringIO(exports.bilan_csv(bilan).lstrip("\ufeff")), delimiter=";"))
    by_key = {(row[0], row[3]): row[5] for row in rows[1:]}
    for indicator_id, total in TOTALS.items():
        assert by_key[(indicator_id, "total")] == csv_value(total, indicator_id), indicator_id
    for indicator_id, cells in CELLS.items():
        for key, value in cells.items():
            assert by_key[(indicator_id, str(key))] == str(value)
    committed = {row[4].split(" — ")[0]: row[5] for row in rows[1:] if row[0] == "I1" and row[3] != "total"}
    assert committed == {name: csv_value(cents, "I1") for name, cents in COMMITTED.items()}


def test_xlsx_gives_the_same_figures(bilan):
    with translation.override("fr"):
        workbook = open_xlsx(exports.bilan_xlsx(bilan))
    by_code, by_label = {}, {}
    for sheet in workbook.worksheets[1:]:
        for label, value, _share, code, *_rest in sheet.iter_rows(min_col=1, max_col=5, values_only=True):
            if code:
                by_code[code] = value
                by_label[(code.split(".")[0], label)] = value
    for indicator_id, total in TOTALS.items():
        expected = total / 100 if indicator_id.startswith("I") else total
        assert by_code[indicator_id] == pytest.approx(expected), indicator_id
    for indicator_id, cells in CELLS.items():
        for key, value in cells.items():
            assert by_code[f"{indicator_id}.{key}"] == value
    committed = {label.split(" — ")[0]: value for (code, label), value in by_label.items() if code == "I1" and label}
    committed.pop("Total")
    assert committed == pytest.approx({name: cents / 100 for name, cents in COMMITTED.items()})


def test_pdf_text_gives_the_same_figures(bilan):
    with translation.override("fr"):
        text = pdf_text(bilan_pdf(bilan))
        formatted = {
            indicator_id: format_value(total, bilan.indicators[indicator_id].unit)
            .replace("\xa0", " ")
            .replace("\u202f", " ")
            for indicator_id, total in TOTALS.items()
        }
        labels = {indicator_id: bilan.indicators[indicator_id].label for indicator_id in TOTALS}
        cell_labels = {
            (indicator_id, str(cell.key)): cell.label
            for indicator_id in (*CELLS, "I1")
            for cell in bilan.indicators[indicator_id].breakdown
        }
    sections = re.split(r"(?=\b[A-I]\d )", text)
    for indicator_id, value in formatted.items():
        section = next(s for s in sections if s.startswith(f"{indicator_id} {labels[indicator_id]}") and value in s)
        assert re.search(rf"(^|\s){re.escape(value)}(\s|$)", section), (indicator_id, value)
    for indicator_id, cells in CELLS.items():
        section = next(
            s for s in sections if s.startswith(f"{indicator_id} {labels.get(indicator_id, '')}") and "Total" in s
        )
        for key, value in cells.items():
            assert re.search(rf"{re.escape(cell_labels[(indicator_id, str(key))])} {value}\b", section), (
                indicator_id,
                key,
            )
    committed_section = next(s for s in sections if s.startswith("I1 ") and "Total" in s)
    with translation.override("fr"):
        for (indicator_id, _key), label in cell_labels.items():
            if indicator_id == "I1":
                amount = format_value(COMMITTED[label.split(" — ")[0]], bilan.indicators["I1"].unit)
                assert f"{label} {normalize(amount)}" in committed_section
    assert "3 personnes ont été rencontrées" in text
