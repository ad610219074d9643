"""A funder (or anyone holding "diffusion" bilans) tries to recover masked counts (issue 16 item 3, issue 20).

The attacker downloads every bilan the funder may obtain over three years, as the funder does it:
through HTTP. They try what the issue describes (the civil year against the same year minus its last
day), posts and units against their department, quarters, spans of years, the year in progress, several
thresholds; then they write every published figure as a linear equation and solve. The exact figures
(coordinator's view) say what each masked cell hides; none may be pinned. A second attack searches every
output of one masked bilan (page, PDF, CSV, XLSX, JSON) for the values it hides, in headers, captions,
chart labels and sentences (« Part (des 7 transmissions) »).
"""

import csv
import datetime
import io
import itertools
import json
import re
from fractions import Fraction

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from casework.enums import FollowUpClosingReason, FollowUpRole, OrientationKind
from tests.casework.factories import FollowUpFactory, InterventionFactory, OrientationFactory
from tests.organisation.factories import PostFactory, UnitFactory

TODAY = timezone.localdate()
YEARS = [TODAY.year - 3, TODAY.year - 2, TODAY.year - 1]  # the three complete civil years of the data
THRESHOLDS = (11, 15, 20)  # a funder may raise the threshold: each version is one more equation
MASKED_UNITS = {"persons", "followups", "transmissions"}
# Indicators whose total is the number of persons met (B1): one unknown, wherever it is printed.
TOTAL_IS_PERSONS_MET = {"B3", "B4", "B5", "B6", "B7", "B9"}
MULTI_VALUED = {"B6", "B9", "D2"}  # a person counts once per value: no "total = sum of the cells"


def url(fmt=None, **params) -> str:
    path = reverse("reporting:bilan") if fmt is None else reverse("reporting:bilan_export", kwargs={"fmt": fmt})
    return f"{path}?{'&'.join(f'{key}={value}' for key, value in params.items())}"


def civil(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _meet(post, day: datetime.date, *, male=False, role=FollowUpRole.VICTIM, closed=False, transmission=False):
    """One person of ``post`` met once on ``day`` (a held intervention), possibly closed, possibly transmitted."""
    followup = FollowUpFactory(
        post=post,
        person__male=male,
        person_role=role,
        opened_on=day - datetime.timedelta(days=2),
        **(
            {"closed_on": day + datetime.timedelta(days=1), "closing_reason": FollowUpClosingReason.RESOLVED}
            if closed
            else {}
        ),
    )
    moment = datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone.get_current_timezone())
    InterventionFactory(followup=followup, starts_at=moment)
    if transmission:
        OrientationFactory(
            followup=followup,
            kind=OrientationKind.CONCERN_REPORT,
            partner_type=None,
            recipient="CRIP",
            oriented_on=day,
        )
    return followup


def _people(post, year: int, count: int, **options) -> list:
    return [_meet(post, datetime.date(year, 3 + index % 8, 10 + index % 15), **options) for index in range(count)]


@pytest.fixture
def department_a(world):
    """Three posts (and their units) in department 80, small counts over three years. In the last year one
    person is met on 31 December only: the year and the year minus that day differ by exactly one."""
    posts = [world.a.post]
    for letter in ("c", "d"):
        unit = UnitFactory(department=world.a.department, name=f"Commissariat {letter}")
        posts.append(PostFactory(department=world.a.department, name=f"Poste {letter}", units=[unit]))
    a, c, d = posts
    first, second, last = YEARS
    # first year: 19 persons, 3 men (masked), 2 transmissions, 1 follow-up closed
    _people(a, first, 8)
    _people(a, first, 2, male=True)
    _people(c, first, 5, transmission=True)
    _people(c, first, 1, male=True, role=FollowUpRole.ACCUSED, closed=True)
    _people(d, first, 3)
    # second year: 10 persons (everything masked)
    _people(a, second, 4)
    _people(c, second, 3, closed=True)
    _people(d, second, 2)
    _people(d, second, 1, male=True)
    # last year: 24 persons, 3 men, one of them accused, 6 closed, 7 transmissions
    _people(a, last, 6, transmission=True)
    _people(a, last, 4)
    _meet(a, datetime.date(last, 12, 31), transmission=True)
    _people(c, last, 6, closed=True)
    _people(c, last, 2, male=True)
    _people(d, last, 4)
    _people(d, last, 1, male=True, role=FollowUpRole.ACCUSED)
    return posts


def _published(response) -> dict | None:
    """The figures a download gives, or None when it is refused (back to the form, nothing else)."""
    if response.status_code == 302:
        return None
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)


def _attempted_periods(year: int) -> list[tuple[datetime.date, datetime.date]]:
    start, end = civil(year)
    quarters = [
        (
            datetime.date(year, month, 1),
            (datetime.date(year, month, 1) + datetime.timedelta(days=92)).replace(day=1) - datetime.timedelta(days=1),
        )
        for month in (1, 4, 7, 10)
    ]
    return [
        (start, end),
        (start, end - datetime.timedelta(days=1)),  # the attack: the year minus its last day
        (start + datetime.timedelta(days=1), end),
        (end, end),  # the last day alone
        *quarters,
        (start, datetime.date(year, 6, 30)),
        (datetime.date(year, 7, 1), end),
    ]


def _masked_bilans(client, scopes) -> tuple[dict, list]:
    """Everything the funder can download: {(scope, start, end, threshold): json}, and what was refused."""
    served, refused = {}, []
    periods = [period for year in [YEARS[0] - 1, *YEARS, TODAY.year] for period in _attempted_periods(year)]
    periods += [(civil(YEARS[0])[0], civil(YEARS[-1])[1]), (civil(YEARS[1])[0], civil(YEARS[2])[1])]  # spans of years
    for scope, (start, end) in itertools.product(scopes, periods):
        data = _published(client.get(url("json", scope=scope, start=start, end=end)))
        if data is None:
            refused.append((scope, start, end))
            continue
        served[(scope, start, end, 11)] = data
        for threshold in THRESHOLDS[1:]:
            served[(scope, start, end, threshold)] = _published(
                client.get(url("json", scope=scope, start=start, end=end, threshold=threshold))
            )
    return served, refused


class _Knowledge:
    """What the attacker knows: figures (unknowns), equations between them, bounds from the labels."""

    def __init__(self):
        self.rows: list[dict] = []  # each: {unknown: coefficient, "=": constant}
        self.hidden: dict[tuple, list[str]] = {}  # unknown → every label it was published with
        self.known: dict[tuple, int] = {}
        self.partitions: list[tuple[tuple, list[tuple]]] = []

    def see(self, unknown: tuple, value) -> None:
        if isinstance(value, str):
            self.hidden.setdefault(unknown, []).append(value)
        elif isinstance(value, int):
            self.known[unknown] = value
            self.rows.append({unknown: Fraction(1), "=": Fraction(value)})

    def read(self, period: tuple, data: dict) -> None:
        for key, indicator in data["indicators"].items():
            if indicator["unit"] not in MASKED_UNITS:
                continue
            total = (period, "B1", "total") if key in TOTAL_IS_PERSONS_MET else (period, key, "total")
            self.see(total, indicator["total"])
            cells = [(period, key, cell) for cell in indicator["breakdown"]]
            for unknown, cell in zip(cells, indicator["breakdown"].values(), strict=True):
                self.see(unknown, cell["value"])
            for detail, figure in indicator["details"].items():
                if figure["unit"] in MASKED_UNITS:
                    self.see((period, key, detail), figure["value"])
            if cells and key not in MULTI_VALUED:
                self.rows.append({total: Fraction(1), **{cell: Fraction(-1) for cell in cells}, "=": Fraction(0)})
                self.partitions.append((total, cells))

    def secrets(self) -> set[tuple]:
        """The figures hidden in every version (a figure "< 20" printed exact at threshold 11 is no secret)."""
        return set(self.hidden) - set(self.known)

    def pinned_by_equations(self) -> set[tuple]:
        """Hidden unknowns whose value follows from the equations (Gaussian elimination, exact fractions)."""
        pivots: dict[tuple, dict] = {}
        for row in self.rows:
            row = dict(row)
            for unknown, pivot in pivots.items():
                if row.get(unknown):
                    factor = row[unknown]
                    for key, coefficient in pivot.items():
                        row[key] = row.get(key, Fraction(0)) - factor * coefficient
            row = {key: value for key, value in row.items() if value or key == "="}
            unknowns = [key for key in row if key != "="]
            if not unknowns:
                continue
            lead = unknowns[0]
            scale = row[lead]
            row = {key: value / scale for key, value in row.items()}
            for other in pivots.values():
                if other.get(lead):
                    factor = other[lead]
                    for key, coefficient in row.items():
                        other[key] = other.get(key, Fraction(0)) - factor * coefficient
                    other.pop(lead, None)
            pivots[lead] = row
        return {
            lead
            for lead, row in pivots.items()
            if lead in self.secrets() and not [key for key, value in row.items() if key not in ("=", lead) and value]
        }

    def bounds(self, unknown: tuple, total: int) -> tuple[int, int]:
        """The tightest bounds the labels give: "< 11" → 1..10 (the lowest threshold printed), "secret" → any."""
        thresholds = [int(label[1:]) for label in self.hidden[unknown] if label.startswith("<")]
        return (1, min(thresholds) - 1) if thresholds else (0, total)

    def pinned_by_bounds(self) -> set[tuple]:
        """Hidden cells of a partition that take a single value over every filling the bounds allow."""
        pinned = set()
        for total, cells in self.partitions:
            if total not in self.known:
                continue
            hidden = [cell for cell in cells if cell in self.secrets()]
            rest = self.known[total] - sum(self.known[cell] for cell in cells if cell in self.known)
            options = {cell: set() for cell in hidden}
            ranges = [range(low, min(high, rest) + 1) for low, high in (self.bounds(c, rest) for c in hidden)]
            for filling in itertools.product(*ranges):
                if sum(filling) == rest:
                    for cell, value in zip(hidden, filling, strict=True):
                        options[cell].add(value)
            pinned |= {cell for cell, values in options.items() if len(values) == 1}
        return pinned


def test_a_funder_cannot_recover_a_masked_count_by_differencing(world, client_for, department_a):
    funder, coordinator = client_for("funder_a"), client_for("coordinator_a")
    page = funder.get(url())
    offered = [
        value for _group, options in page.context["form"].fields["scope"].widget.choices for value, _l in options
    ]
    in_scope = [value for _group, options in page.context["form"].fields["scope"].choices for value, _l in options]
    assert offered == ["department:80"]  # the list offers the department only
    assert len(in_scope) == 7  # … but the attacker also tries its three posts and three units by hand

    served, refused = _masked_bilans(funder, in_scope)

    # The attack is real on these data: the exact year and the year minus its last day differ by one.
    last_start, last_end = civil(YEARS[-1])
    exact = json.loads(coordinator.get(url("json", scope="department:80", start=last_start, end=last_end)).content)
    minus_a_day = json.loads(
        coordinator.get(
            url("json", scope="department:80", start=last_start, end=last_end - datetime.timedelta(days=1))
        ).content
    )
    assert exact["indicators"]["B1"]["total"] - minus_a_day["indicators"]["B1"]["total"] == 1
    assert exact["indicators"]["E4"]["total"] - minus_a_day["indicators"]["E4"]["total"] == 1
    assert ("department:80", last_start, last_end - datetime.timedelta(days=1)) in refused

    # What is served: the department, whole past civil years; nothing nested, overlapping or adjacent to add up.
    periods = sorted({(start, end) for _scope, start, end, _t in served})
    assert {scope for scope, *_rest in served} == {"department:80"}
    assert periods == [civil(year) for year in [YEARS[0] - 1, *YEARS]]
    assert all(earlier[1] < later[0] for earlier, later in itertools.pairwise(periods))
    assert all(scope != "department:80" or (start, end) not in periods for scope, start, end in refused)

    knowledge = _Knowledge()
    for (_scope, start, end, _threshold), data in served.items():
        knowledge.read((start, end), data)
    secrets = knowledge.secrets()
    assert len(secrets) > 10, "the data must have masked cells for the attack to mean anything"
    assert any("secret" in knowledge.hidden[unknown] for unknown in secrets)

    truth = {}
    for start, end in periods:
        data = json.loads(coordinator.get(url("json", scope="department:80", start=start, end=end)).content)
        exact_knowledge = _Knowledge()
        exact_knowledge.read((start, end), data)
        truth.update(exact_knowledge.known)
    disclosed = knowledge.pinned_by_equations() | knowledge.pinned_by_bounds()
    assert not disclosed, {unknown: truth.get(unknown) for unknown in disclosed}
    # Every figure hidden at the funder's threshold stays hidden at the higher ones (nested versions).
    assert all(unknown in secrets for (unknown, labels) in knowledge.hidden.items() if "< 11" in labels)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _phrases(value: int) -> list[re.Pattern]:
    """Where a count is printed beside words: « des 7 transmissions », « 7 personnes », « (7) », a bar label."""
    number = rf"(?<![\d,.\w]){value}(?![\d,.\w])"
    return [
        re.compile(rf"{number}\s*(personnes?|transmissions?|suivis?|enfants?|hommes?|femmes?)", re.IGNORECASE),
        re.compile(rf"\b(des|de|sur|parmi|soit|dont)\s+{number}", re.IGNORECASE),
        re.compile(rf"\(\s*{number}\s*\)"),
        re.compile(rf">\s*{number}\s*<"),  # an SVG or HTML text node holding the number alone
    ]


def test_no_hidden_value_is_printed_anywhere_in_a_masked_bilan(world, client_for, department_a):
    """Last year: 24 persons, 3 men (< 11), 7 transmissions (< 11): the header « des 7 transmissions »
    of issue 20 is where the count came back."""
    start, end = civil(YEARS[-1])
    params = {"scope": "department:80", "start": start, "end": end}
    exact = json.loads(client_for("coordinator_a").get(url("json", **params)).content)
    funder = client_for("funder_a")
    masked = json.loads(funder.get(url("json", **params)).content)
    hidden = {}
    for key, indicator in masked["indicators"].items():
        figures = [("total", indicator["total"], exact["indicators"][key]["total"])]
        figures += [
            (cell, data["value"], exact["indicators"][key]["breakdown"][cell]["value"])
            for cell, data in indicator["breakdown"].items()
        ]
        for shown_key, shown, truth in figures:
            if isinstance(shown, str) and isinstance(truth, int) and truth > 0:
                hidden.setdefault(truth, []).append(f"{key}.{shown_key}")
    assert 7 in hidden and 3 in hidden, hidden  # E4 and the men of B3 are masked

    page = funder.get(url(**params)).content.decode()
    # The ticks of the month-by-month axis count held interventions (never masked): not a place of a count.
    page = re.sub(r'<text[^>]*text-anchor="end"[^>]*fill="#6a6a6a">\d+</text>', "", page)
    # So are the table cells of counts masking never applies to (held interventions by month and year, referrals).
    page = re.sub(r'<td class="fr-cell--right iscg-never-masked">[^<]*</td>', "", page)
    outputs = {
        "html": page,
        "pdf": _pdf_text(funder.get(url("pdf", **params)).content),
        "json": json.dumps(masked, ensure_ascii=False),
    }
    rows = list(csv.reader(io.StringIO(funder.get(url("csv", **params)).content.decode("utf-8-sig")), delimiter=";"))
    workbook = openpyxl.load_workbook(io.BytesIO(funder.get(url("xlsx", **params)).content))
    sheets = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]
    outputs["csv"] = "\n".join(";".join(row) for row in rows)
    outputs["xlsx"] = "\n".join(
        ";".join("" if v is None else str(v) for v in row) for sheet in sheets for row in sheet
    )

    # Page 1's five-year trend: the year before (10 persons) is masked per year, in its table and in the PDF.
    trend_row = rf'<th scope="row">{YEARS[-2]}</th>\s*<td class="fr-cell--right">(.*?)</td>'
    assert re.search(trend_row, page).group(1) == "&lt; 11"
    assert re.search(rf"\b{YEARS[-2]} < 11\b", outputs["pdf"])

    for value, where in hidden.items():
        if value < 3:
            continue  # 1 and 2 are everywhere (« page 1 sur 2 », « de 1 au seuil »): the data make 3 and 7 hidden
        for name, text in outputs.items():
            for phrase in _phrases(value):
                found = phrase.search(text)
                context = text[max(found.start() - 60, 0) : found.end() + 60] if found else ""
                assert not found, f"{where} hides {value}, printed in the {name}: …{context}…"
        # The figure itself in the cell of a masked figure, in the CSV (indicator, code, …, value) and the XLSX:
        for row in rows[1:]:
            if f"{row[0]}.{row[3]}" in where:
                assert row[5] != str(value), row
        for sheet in sheets:
            for row in sheet:
                texts = [str(v) for v in row if v is not None]
                labels = {
                    masked["indicators"][place.split(".")[0]]["label"] for place in where if place.endswith(".total")
                }
                if texts and texts[0] in labels:
                    assert value not in row, row
