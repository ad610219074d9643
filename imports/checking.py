"""Checking rows read from a file against the post they go to, and turning them into a plan of what
to create. Reads the database (the post's units, the reference lists, what earlier batches
imported), never writes it: the preview shows this plan, the import writes it.

Every rule gives its own French message (gettext) with the sheet, line and column of the cell.
"""

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from casework.enums import (
    OUTCOME_STATUSES,
    AgeClass,
    FollowUpRole,
    InterventionStatus,
    KnownToSocialServices,
    OrientationKind,
    OrientationStatus,
    Sex,
    age_class_for,
)
from casework.models import ViolenceForm
from casework.normalise import normalise_text
from imports.enums import TARGET_FIELD, RecordType
from imports.format import CREATION_ORDER, DEFAULT_RECIPIENTS, LIST_SEPARATORS, NO, SHEETS_BY_TYPE, YES, vocabulary
from imports.models import ImportedRecord
from imports.reading import ErrorList, ReadResult, RowError, Value
from organisation.models import Partner, PartnerType, Post, Unit
from referrals.enums import PersonRole, ReferralStatus, Urgency
from referrals.models import Problem

MAX_EXTERNAL_ID = 100
DEFAULT_TIME = datetime.time(12, 0)
DEFAULT_DURATION = 30

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}[:h]\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?(?::(\d{2}))?$")


class Ref:
    """A reference to a record: created by this batch (by external id) or imported earlier (by pk)."""

    __slots__ = ("external_id", "pk")

    def __init__(self, *, external_id: str | None = None, pk: int | None = None):
        self.external_id, self.pk = external_id, pk

    def __repr__(self):
        return f"Ref(external_id={self.external_id!r}, pk={self.pk!r})"


@dataclass
class Plan:
    """What the import would create, per record type: dicts of field values plus references."""

    post: Post
    records: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in CREATION_ORDER})
    counts: dict[str, dict] = field(default_factory=dict)
    errors: ErrorList = field(default_factory=ErrorList)  # the first 500, and the total

    @property
    def new_total(self) -> int:
        return sum(len(rows) for rows in self.records.values())


class _RowChecker:
    """Field conversions for one row; each failure is recorded once, the row goes on being checked."""

    def __init__(self, plan: Plan, sheet, source_name: str, line: int, row: dict):
        self.plan, self.sheet, self.source_name, self.line, self.row = plan, sheet, source_name, line, row
        self.failed = False

    def error(self, key: str, message: str) -> None:
        self.failed = True
        header = self.sheet.column(key).header if key else ""
        self.plan.errors.append(RowError(self.source_name, self.line, header, message))

    def raw(self, key: str) -> Value:
        return self.row.get(key)

    def text(self, key: str) -> str:
        value = self.row.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime.datetime):
            return value.strftime("%d/%m/%Y %H:%M")
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return " ".join(str(value).split())

    def required(self, key: str) -> str:
        value = self.text(key)
        if not value:
            self.error(key, _("This cell is required."))
        return value

    def external_id(self, key: str = "external_id") -> str:
        value = self.text(key)
        if len(value) > MAX_EXTERNAL_ID:
            self.error(key, _("An identifier has at most %(max)s characters.") % {"max": MAX_EXTERNAL_ID})
        return value

    def choice(self, key: str, vocabulary_name: str, *, default: str | None = None) -> str | None:
        value = self.text(key)
        if not value:
            if default is None:
                self.error(key, _("This cell is required."))
            return default
        code = vocabulary(vocabulary_name).get(normalise_text(value))
        if code is None:
            self.error(
                key,
                _("Unknown value “%(value)s”: accepted values are %(accepted)s.")
                % {"value": value, "accepted": _accepted(vocabulary_name)},
            )
        return code

    def date(self, key: str, *, required: bool = False) -> datetime.date | None:
        value = self.raw(key)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = self.text(key)
        if not text:
            if required:
                self.error(key, _("This cell is required."))
            return None
        match = _DMY.match(text)
        parts = (match.group(3), match.group(2), match.group(1)) if match else None
        if parts is None and (match := _ISO.match(text)):
            parts = (match.group(1), match.group(2), match.group(3))
        if parts is None:
            self.error(key, _("“%(value)s” is not a date: write it dd/mm/yyyy or yyyy-mm-dd.") % {"value": text})
            return None
        try:
            return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            self.error(key, _("The date “%(value)s” does not exist.") % {"value": text})
            return None

    def time(self, key: str) -> datetime.time:
        value = self.raw(key)
        if isinstance(value, datetime.datetime):
            return value.time()
        if isinstance(value, datetime.time):
            return value
        text = self.text(key)
        if not text:
            return DEFAULT_TIME
        match = _TIME.match(text)
        try:
            if match is None:
                raise ValueError
            return datetime.time(int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0))
        except ValueError:
            self.error(key, _("“%(value)s” is not a time: write it hh:mm.") % {"value": text})
            return DEFAULT_TIME

    def integer(self, key: str, *, low: int, high: int, default: int | None = None) -> int | None:
        text = self.text(key)
        if not text:
            return default
        try:
            number = int(float(text.replace(",", ".")))
            if float(text.replace(",", ".")) != number:
                raise ValueError
        except ValueError:
            self.error(key, _("“%(value)s” is not a whole number.") % {"value": text})
            return default
        if not low <= number <= high:
            self.error(key, _("The value must be between %(low)s and %(high)s.") % {"low": low, "high": high})
            return default
        return number

    def moment(self, date_key: str, time_key: str, *, required: bool = True) -> datetime.datetime | None:
        day = self.date(date_key, required=required)
        moment = self.time(time_key)
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, moment))


def _accepted(vocabulary_name: str) -> str:
    from imports.format import ENUMS, french_label

    choices = ENUMS.get(vocabulary_name)
    if choices is None:
        return "oui, non"
    words = vocabulary(vocabulary_name)
    return ", ".join(f"« {french_label(choices, value)} »" for value in dict.fromkeys(words.values()))


def _split(text: str) -> list[str]:
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def _auto_id(sheet, row: dict, seen: dict) -> str:
    """A stable id for a row without one: its content, plus its rank among identical rows."""
    content = "\x1f".join(normalise_text(str(row.get(column.key) or "")) for column in sheet.columns)
    digest = hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()[:20]
    seen[digest] = seen.get(digest, 0) + 1
    return f"auto-{digest}-{seen[digest]}"


class _Lookups:
    """Reference data and what earlier batches imported into the post, loaded once."""

    def __init__(self, post: Post):
        self.post = post
        self.units = {normalise_text(unit.name): unit for unit in Unit.objects.covered_by([post]).order_by("name")}
        self.unit_names = ", ".join(f"« {unit.name} »" for unit in self.units.values())
        self.problems = {}
        for problem in Problem.objects.order_by("position"):
            self.problems[normalise_text(problem.code)] = problem.pk
            self.problems[normalise_text(problem.name)] = problem.pk
        self.partner_types = {}
        for partner_type in PartnerType.objects.order_by("position"):
            self.partner_types[normalise_text(partner_type.code)] = partner_type.pk
            self.partner_types[normalise_text(partner_type.name)] = partner_type.pk
        self.violence_forms = {}
        for violence_form in ViolenceForm.objects.order_by("position"):
            self.violence_forms[normalise_text(violence_form.code)] = violence_form.pk
            self.violence_forms[normalise_text(violence_form.name)] = violence_form.pk
        self.violence_form_names = ", ".join(
            f"« {name} »"
            for name in ViolenceForm.objects.filter(is_active=True).order_by("position").values_list("name", flat=True)
        )
        self.partners = {
            normalise_text(name): pk
            for pk, name in Partner.objects.filter(department=post.department_id).values_list("pk", "name")
        }
        self.existing: dict[str, dict[str, int]] = defaultdict(dict)
        names = list(dict.fromkeys(TARGET_FIELD.values()))
        rows = ImportedRecord.objects.filter(post=post).values_list("record_type", "external_id", *names)
        for record_type, external_id, *targets in rows:
            pk = next(target for target in targets if target is not None)
            self.existing[record_type][external_id] = pk


PROGRESS_EVERY = 500  # lines between two progress reports


def check(read: ReadResult, *, post: Post, today: datetime.date | None = None, progress=None) -> Plan:
    """The plan of an upload for a post, with every error found. ``progress(lines, errors)``, if
    given, is called every PROGRESS_EVERY lines checked and once at the end."""
    plan = Plan(post=post, errors=read.errors.copy())
    today = today or timezone.localdate()
    lookups = _Lookups(post)
    # External ids of each sheet in the file: id → line (duplicates are errors).
    in_file: dict[str, dict[str, int]] = defaultdict(dict)
    for record_type in CREATION_ORDER:
        sheet_rows = read.sheets.get(record_type)
        if sheet_rows is None:
            continue
        seen_auto: dict[str, int] = {}
        for _line, row in sheet_rows.rows:
            if SHEETS_BY_TYPE[record_type].column("external_id").required:
                continue
            if not str(row.get("external_id") or "").strip():
                row["external_id"] = _auto_id(sheet_rows.sheet, row, seen_auto)
        for line, row in sheet_rows.rows:
            external_id = " ".join(str(row.get("external_id") or "").split())
            if external_id.endswith(".0") and external_id[:-2].isdigit():
                external_id = external_id[:-2]
            row["external_id"] = external_id
            if external_id and external_id not in in_file[record_type]:
                in_file[record_type][external_id] = line

    def resolve(record_type: str, external_id: str) -> Ref | None:
        if external_id in lookups.existing[record_type]:
            return Ref(pk=lookups.existing[record_type][external_id])
        if external_id in in_file[record_type]:
            return Ref(external_id=external_id)
        return None

    person_rows = {}
    new_followup_person: dict[str, str] = {}  # follow-up external id → person external id (both new)
    first_held: dict[str, datetime.date] = {}  # new person external id → first held intervention
    lines_checked = 0

    for record_type in CREATION_ORDER:
        sheet_rows = read.sheets.get(record_type)
        if sheet_rows is None:
            continue
        sheet = sheet_rows.sheet
        counts = {"rows": 0, "new": 0, "existing": 0, "errors": 0, "ignored_columns": sheet_rows.ignored_columns}
        plan.counts[record_type] = counts
        seen_ids: dict[str, int] = {}
        for line, row in sheet_rows.rows:
            counts["rows"] += 1
            lines_checked += 1
            if progress and lines_checked % PROGRESS_EVERY == 0:
                progress(lines_checked, len(plan.errors))
            errors_before = len(plan.errors)
            checker = _RowChecker(plan, sheet, sheet_rows.source_name, line, row)
            external_id = checker.external_id()
            if not external_id:
                checker.error("external_id", _("This cell is required."))
            elif external_id in seen_ids:
                checker.error(
                    "external_id",
                    _("Identifier “%(id)s” is already used on line %(line)s of this sheet.")
                    % {"id": external_id, "line": seen_ids[external_id]},
                )
            else:
                seen_ids[external_id] = line
            is_existing = external_id in lookups.existing[record_type]
            values = CHECKERS[record_type](checker, lookups=lookups, resolve=resolve, today=today)
            if not checker.failed and values is not None:
                if is_existing:
                    counts["existing"] += 1
                else:
                    counts["new"] += 1
                    values["external_id"] = external_id
                    values["_line"] = line
                    plan.records[record_type].append(values)
                    if record_type == RecordType.PERSON:
                        person_rows[external_id] = values
                    elif record_type == RecordType.FOLLOWUP and values["person"].external_id:
                        new_followup_person[external_id] = values["person"].external_id
                    elif (
                        record_type == RecordType.INTERVENTION
                        and values["status"] == InterventionStatus.HELD
                        and values["followup"].external_id in new_followup_person
                    ):
                        person = new_followup_person[values["followup"].external_id]
                        day = timezone.localdate(values["starts_at"])
                        if person not in first_held or day < first_held[person]:
                            first_held[person] = day
            counts["errors"] += len(plan.errors) - errors_before

    # A birth year becomes the age class the person had at their first held intervention of the file.
    for external_id, values in person_rows.items():
        birth_year = values.pop("birth_year")
        if birth_year is not None:
            on = first_held.get(external_id, today)
            values["age_class"] = age_class_for(on.year - birth_year)
    if not plan.errors and plan.new_total == 0 and sum(c["rows"] for c in plan.counts.values()) == 0:
        plan.errors.append(RowError("", None, "", _("The file holds no line to import.")))
    if progress:
        progress(lines_checked, len(plan.errors))
    return plan


# ---- One checker per sheet ----------------------------------------------------------------------


def _check_person(row: _RowChecker, *, today, **_kwargs) -> dict:
    birth_year = row.integer("birth_year", low=1900, high=today.year)
    age_class = row.choice("age_class", "age_class", default=AgeClass.UNKNOWN)
    anonymous = row.choice("is_anonymous", "boolean", default=YES)
    return {
        "sex": row.choice("sex", "sex", default=Sex.UNKNOWN),
        "birth_year": birth_year,
        "age_class": age_class,
        "is_anonymous": anonymous != NO,
        "known_to_social_services": row.choice(
            "known_to_social_services", "known_to_social_services", default=KnownToSocialServices.UNKNOWN
        ),
    }


def _reference(row: _RowChecker, key: str, record_type: str, resolve) -> Ref | None:
    external_id = row.text(key)
    if not external_id:
        row.error(key, _("This cell is required."))
        return None
    ref = resolve(record_type, external_id)
    if ref is None:
        row.error(key, _missing_message(record_type, external_id))
    return ref


def _missing_message(record_type: str, external_id: str) -> str:
    sheet = SHEETS_BY_TYPE[record_type].name
    if record_type == RecordType.PERSON:
        message = _("Unknown person “%(id)s”: it is neither in sheet “%(sheet)s” nor imported earlier into this post.")
    else:
        message = _(
            "Unknown follow-up “%(id)s”: it is neither in sheet “%(sheet)s” nor imported earlier into this post."
        )
    return message % {"id": external_id, "sheet": sheet}


def _check_followup(row: _RowChecker, *, lookups, resolve, **_kwargs) -> dict:
    person = _reference(row, "person", RecordType.PERSON, resolve)
    opened_on = row.date("opened_on", required=True)
    closed_on = row.date("closed_on")
    reason = row.choice("closing_reason", "closing_reason", default="")
    if closed_on and opened_on and closed_on < opened_on:
        row.error(
            "closed_on",
            _("The follow-up is closed on %(closed)s, before it was opened on %(opened)s.")
            % {"closed": f"{closed_on:%d/%m/%Y}", "opened": f"{opened_on:%d/%m/%Y}"},
        )
    if closed_on and not reason:
        row.error("closing_reason", _("A closed follow-up needs a closing reason."))
    if reason and not closed_on and not row.text("closed_on"):
        row.error("closed_on", _("A closing reason is given: write the closing date too."))
    problems = []
    for token in _split(row.text("problems")):
        problem = lookups.problems.get(normalise_text(token))
        if problem is None:
            row.error("problems", _("Unknown problem “%(value)s”.") % {"value": token})
        elif problem not in problems:
            problems.append(problem)
    return {
        "person": person,
        "opened_on": opened_on,
        "closed_on": closed_on,
        "closing_reason": reason if closed_on else "",
        "person_role": row.choice("person_role", "followup_role", default=FollowUpRole.VICTIM),
        "problems": problems,
    }


def _check_referral(row: _RowChecker, *, lookups, resolve, **_kwargs) -> dict:
    referred_at = row.moment("date", "time")
    unit_name = row.required("unit")
    unit = lookups.units.get(normalise_text(unit_name)) if unit_name else None
    if unit_name and unit is None:
        row.error(
            "unit",
            _("Unknown unit “%(unit)s”: the units covered by the post are %(units)s.")
            % {"unit": unit_name, "units": lookups.unit_names or "—"},
        )
    source = row.choice("source", "source")
    urgency = row.choice("urgency", "urgency", default=Urgency.NORMAL)
    status = row.choice("status", "referral_status")
    status_at = row.moment("status_date", "status_time", required=False) if row.text("status_date") else None
    if status_at is None:
        status_at = referred_at
    elif referred_at and status_at < referred_at:
        row.error("status_date", _("The status cannot be dated before the referral."))
    reason = row.choice("closing_reason", "referral_closing_reason", default="")
    if status == ReferralStatus.CLOSED and not reason:
        row.error("closing_reason", _("A referral closed without follow-up needs a closing reason."))
    if reason and status not in (ReferralStatus.CLOSED, None):
        row.error("closing_reason", _("A closing reason is only for a referral closed without follow-up."))
    followup = None
    if row.text("followup"):
        followup = _reference(row, "followup", RecordType.FOLLOWUP, resolve)
        if status not in (ReferralStatus.TAKEN_UP, None):
            row.error("status", _("A referral linked to a follow-up has status “taken up”."))
    persons = []
    for token in _split(row.text("persons")):
        person_id, _sep, role_text = token.partition(":")
        role = vocabulary("person_role").get(normalise_text(role_text)) if role_text.strip() else PersonRole.VICTIM
        if role is None:
            row.error("persons", _("Unknown role “%(value)s”.") % {"value": role_text.strip()})
            continue
        person = resolve(RecordType.PERSON, person_id.strip())
        if person is None:
            row.error("persons", _missing_message(RecordType.PERSON, person_id.strip()))
            continue
        persons.append((person, role))
    return {
        "referred_at": referred_at,
        "unit": unit,
        "source": source,
        "urgency": urgency,
        "status": status,
        "status_at": status_at,
        "closing_reason": reason if status == ReferralStatus.CLOSED else "",
        "followup": followup,
        "persons": persons,
    }


def _check_intervention(row: _RowChecker, *, resolve, **_kwargs) -> dict:
    followup = _reference(row, "followup", RecordType.FOLLOWUP, resolve)
    starts_at = row.moment("date", "time")
    status = row.choice("status", "intervention_status")
    if status == InterventionStatus.HELD and starts_at and starts_at > timezone.now() + datetime.timedelta(minutes=5):
        row.error("date", _("A held intervention cannot be dated in the future."))
    return {
        "followup": followup,
        "starts_at": starts_at,
        "duration_minutes": row.integer("duration", low=1, high=720, default=DEFAULT_DURATION),
        "kind": row.choice("kind", "intervention_kind"),
        "place": row.choice("place", "place"),
        "status": status,
    }


def _outcome(row: _RowChecker, status: str | None, oriented_on: datetime.date | None) -> datetime.date | None:
    outcome_on = row.date("outcome_on")
    if status in OUTCOME_STATUSES:
        outcome_on = outcome_on or oriented_on
        if outcome_on and oriented_on and outcome_on < oriented_on:
            row.error("outcome_on", _("The outcome cannot be dated before the orientation."))
        return outcome_on
    if outcome_on is not None:
        row.error("outcome_on", _("An outcome date is only for a final status (done, refused, no news)."))
    return None


def _check_orientation(row: _RowChecker, *, lookups, resolve, **_kwargs) -> dict:
    followup = _reference(row, "followup", RecordType.FOLLOWUP, resolve)
    oriented_on = row.date("date", required=True)
    partner = partner_type = None
    partner_name, type_name = row.text("partner"), row.text("partner_type")
    if partner_name:
        partner = lookups.partners.get(normalise_text(partner_name))
        if partner is None:
            row.error(
                "partner",
                _("Unknown partner “%(value)s”: it is not in the directory of the post's department.")
                % {"value": partner_name},
            )
    if type_name:
        partner_type = lookups.partner_types.get(normalise_text(type_name))
        if partner_type is None:
            row.error("partner_type", _("Unknown partner type “%(value)s”.") % {"value": type_name})
    if not partner_name and not type_name:
        row.error("partner_type", _("Give a partner type or the name of a partner of the directory."))
    status = row.choice("status", "orientation_status")
    return {
        "followup": followup,
        "kind": OrientationKind.ORIENTATION,
        "oriented_on": oriented_on,
        "partner_id": partner,
        "partner_type_id": partner_type,
        "recipient": "",
        "status": status,
        "outcome_on": _outcome(row, status, oriented_on),
    }


def _check_transmission(row: _RowChecker, *, resolve, **_kwargs) -> dict:
    followup = _reference(row, "followup", RecordType.FOLLOWUP, resolve)
    oriented_on = row.date("date", required=True)
    kind = row.choice("kind", "transmission_kind")
    status = row.choice("status", "orientation_status", default=OrientationStatus.PROPOSED)
    recipient = row.text("recipient")[:200] or DEFAULT_RECIPIENTS.get(kind, "")
    return {
        "followup": followup,
        "kind": kind,
        "oriented_on": oriented_on,
        "partner_id": None,
        "partner_type_id": None,
        "recipient": recipient,
        "status": status,
        "outcome_on": _outcome(row, status, oriented_on),
    }


def _check_assessment(row: _RowChecker, *, lookups, resolve, **_kwargs) -> dict:
    """A social assessment of the history: its violence forms, « très grand danger » and children
    exposed (groups B and D of the bilan). Its problems stay those of the follow-up."""
    followup = _reference(row, "followup", RecordType.FOLLOWUP, resolve)
    assessed_on = row.date("date", required=True)
    violence_forms = []
    for token in _split(row.text("violence_forms")):
        violence_form = lookups.violence_forms.get(normalise_text(token))
        if violence_form is None:
            row.error(
                "violence_forms",
                _("Unknown form of violence “%(value)s”: accepted values are %(accepted)s.")
                % {"value": token, "accepted": lookups.violence_form_names},
            )
        elif violence_form not in violence_forms:
            violence_forms.append(violence_form)
    very_serious = row.choice("is_very_serious_danger", "boolean", default=NO)
    return {
        "followup": followup,
        "assessed_on": assessed_on,
        "violence_forms": violence_forms,
        "is_very_serious_danger": very_serious == YES,
        "children_exposed": row.integer("children_exposed", low=0, high=30),
    }


CHECKERS = {
    RecordType.PERSON: _check_person,
    RecordType.FOLLOWUP: _check_followup,
    RecordType.REFERRAL: _check_referral,
    RecordType.INTERVENTION: _check_intervention,
    RecordType.ORIENTATION: _check_orientation,
    RecordType.TRANSMISSION: _check_transmission,
    RecordType.ASSESSMENT: _check_assessment,
}
