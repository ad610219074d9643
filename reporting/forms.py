import datetime
from urllib.parse import urlencode

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conventions.models import SteeringCommittee
from iscg.forms import DateInput, DsfrBaseForm
from organisation import access
from organisation.access import Action
from organisation.models import Department, Post, Unit
from reporting.bilan import BilanScope, Period, ScopeKind
from reporting.indicators import civil_year
from reporting.masking import DEFAULT_THRESHOLD, LOWEST_THRESHOLD, MASKED_SCOPE_KINDS, masked_request_error
from reporting.models import COMMENTARY_MAX_CHARS, COMMENTARY_MAX_LINES

EARLIEST = datetime.date(2000, 1, 1)
LONGEST_PERIOD_DAYS = 10 * 366


def scope_choices(scope) -> list:
    """The bilan scopes a user may choose, grouped (posts, units, departments, national): 3 queries at most."""
    groups = []
    posts = Post.objects.visible_to(scope).select_related("department").order_by("department__code", "name")
    if options := [(f"{ScopeKind.POST}:{p.public_id}", f"{p.name} ({p.department.code})") for p in posts]:
        groups.append((_("Posts"), options))
    units = Unit.objects.visible_to(scope).select_related("department").order_by("department__code", "name")
    if options := [(f"{ScopeKind.UNIT}:{u.public_id}", f"{u.name} ({u.department.code})") for u in units]:
        groups.append((_("Units"), options))
    departments = Department.objects.bilan_visible_to(scope).order_by("code")
    if options := [(f"{ScopeKind.DEPARTMENT}:{d.code}", f"{d.name} ({d.code})") for d in departments]:
        groups.append((_("Departments"), options))
    if access.can(scope, Action.VIEW_NATIONAL_BILAN):
        groups.append((_("National"), [(ScopeKind.NATIONAL.value, _("France (national)"))]))
    return groups


def default_scope_argument(choices) -> str | None:
    """Departments first (coordinators, funders), then posts (ISCG), national for the admin."""
    flat = {group: [value for value, _label in options] for group, options in choices}
    for group in (_("National"), _("Departments"), _("Posts"), _("Units")):
        if flat.get(group):
            return flat[group][0]
    return None


def last_complete_year() -> Period:
    return civil_year(timezone.localdate().year - 1)


class BilanForm(DsfrBaseForm):
    """Scope and period of a bilan, read from the query string (a bilan page is a GET: bookmarkable)."""

    scope = forms.ChoiceField(label=_("Scope"))
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To (inclusive)"), widget=DateInput)
    diffusion = forms.BooleanField(
        label=_("Diffusion version (small counts masked)"),
        required=False,
        help_text=_("For a document leaving the post: counts of persons below the threshold are masked."),
    )
    threshold = forms.IntegerField(
        label=_("Masking threshold"),
        min_value=LOWEST_THRESHOLD,
        max_value=100,
        initial=DEFAULT_THRESHOLD,
        required=False,
        help_text=_("Counts of persons from 1 to the threshold minus one are shown as “< threshold”."),
    )

    def __init__(self, data=None, *, scope, **kwargs):
        self.user_scope = scope
        choices = scope_choices(scope)
        period = last_complete_year()
        defaults = {
            "scope": default_scope_argument(choices),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "threshold": DEFAULT_THRESHOLD,
        }
        if data is not None:
            data = {**defaults, **{key: value for key, value in data.items() if value not in ("", None)}}
        super().__init__(data, initial=defaults, **kwargs)
        self.fields["scope"].choices = choices
        self.is_always_masked = not access.can(scope, Action.VIEW_EXACT_FIGURES)
        if self.is_always_masked:
            # Funders see masked figures only (docs/domain.md §7.3): no choice to make.
            # They may raise the threshold, never lower it below the default.
            del self.fields["diffusion"]
            self.fields["threshold"].min_value = DEFAULT_THRESHOLD
            self.fields["threshold"].validators.append(MinValueValidator(DEFAULT_THRESHOLD))
            self.fields["threshold"].widget.attrs["min"] = DEFAULT_THRESHOLD
            self.fields["threshold"].help_text = _("Counts of persons below this threshold are masked.")
            # Masked figures exist for departments only (reporting.masking.masked_request_error): the
            # list offers those; a post or a unit asked for by hand gets the reason in French.
            self.fields["scope"].widget.choices = [
                (group, options)
                for group, options in choices
                if all(value.split(":", 1)[0] in MASKED_SCOPE_KINDS for value, _label in options)
            ]
            self.fields["start"].help_text = _("Masked figures: a complete civil year, 1 January to 31 December.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period must be on or after its start."))
            elif start < EARLIEST:
                self.add_error("start", _("The period cannot start before 2000."))
            elif (end - start).days > LONGEST_PERIOD_DAYS:
                self.add_error("end", _("A bilan covers at most ten years."))
        if not cleaned.get("threshold"):
            cleaned["threshold"] = DEFAULT_THRESHOLD
        if self.is_always_masked or cleaned.get("diffusion"):
            self._check_masked_request(cleaned)
        return cleaned

    def _check_masked_request(self, cleaned) -> None:
        """Masked figures only where no other masked bilan can be subtracted from them (docs/reporting.md,
        "Disclosure control"): a department, a complete civil year."""
        if self.errors or not cleaned.get("scope"):
            return
        kind = cleaned["scope"].split(":", 1)[0]
        if kind not in {member.value for member in ScopeKind}:
            return
        scope = BilanScope(ScopeKind(kind), "", "")
        errors = masked_request_error(scope, self.period, today=timezone.localdate())
        for field, message in errors.items():
            # The scope's message goes on top of the form: an error on the field means "out of scope" (404).
            self.add_error(None if field == "scope" else field, message)

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    @property
    def masking_threshold(self) -> int | None:
        if self.is_always_masked or self.cleaned_data.get("diffusion"):
            return self.cleaned_data["threshold"]
        return None

    @staticmethod
    def query_for(bilan_scope: BilanScope, period: Period) -> str:
        """The query string of a bilan page (scope and period)."""
        return urlencode(
            {"scope": bilan_scope.as_argument(), "start": period.start.isoformat(), "end": period.end.isoformat()}
        )

    def bilan_scope(self) -> BilanScope:
        """The chosen scope, checked against the user's choices (nothing outside them can be asked for)."""
        from reporting.indicators import resolve_scope

        return resolve_scope(self.cleaned_data["scope"])


class BilanCommentaryForm(DsfrBaseForm):
    """The coordinator's commentary of a bilan: bounded text, and the version the page was built
    from (optimistic concurrency; 0 when there was no commentary yet)."""

    text = forms.CharField(
        label=_("Commentary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=COMMENTARY_MAX_CHARS,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "Shown under the highlights to everyone who may see this bilan, funders included: write no "
            "figure the diffusion version masks and nothing about a person. At most %(chars)s characters "
            "and %(lines)s lines."
        ) % {"chars": COMMENTARY_MAX_CHARS, "lines": COMMENTARY_MAX_LINES}

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n").strip()
        if text.count("\n") + 1 > COMMENTARY_MAX_LINES:
            raise forms.ValidationError(
                _("The commentary may have at most %(lines)s lines.") % {"lines": COMMENTARY_MAX_LINES}
            )
        return text


class AdoptForm(DsfrBaseForm):
    """Adopting a bilan: the POST is the confirmation; a steering committee of the scope's department may
    be linked (docs/reporting.md, "Adoption")."""

    committee = forms.ModelChoiceField(
        label=_("Steering committee"),
        queryset=SteeringCommittee.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("No steering committee"),
        help_text=_("The committee where this bilan is adopted: its page will link this version."),
    )

    def __init__(self, data=None, *, scope, bilan_scope: BilanScope, **kwargs):
        super().__init__(data, **kwargs)
        committees = SteeringCommittee.objects.none()
        department = _department_code_of(bilan_scope, scope)
        if department:
            committees = (
                SteeringCommittee.objects.visible_to(scope)
                .filter(convention__department__code=department)
                .select_related("convention")
                .order_by("-held_on", "-pk")
            )
        self.fields["committee"].queryset = committees
        self.fields["committee"].label_from_instance = lambda committee: (
            _("%(date)s — %(convention)s")
            % {
                "date": f"{committee.held_on:%d/%m/%Y}",
                "convention": committee.convention.title,
            }
        )


def _department_code_of(bilan_scope: BilanScope, scope) -> str | None:
    """The department of a post, unit or department bilan; None for national."""
    match bilan_scope.kind:
        case ScopeKind.DEPARTMENT:
            return bilan_scope.key
        case ScopeKind.POST:
            rows = Post.objects.visible_to(scope).filter(public_id=bilan_scope.key)
        case ScopeKind.UNIT:
            rows = Unit.objects.visible_to(scope).filter(public_id=bilan_scope.key)
        case _:
            return None
    return rows.values_list("department__code", flat=True).first()
