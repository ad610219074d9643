"""Forms of the conventions pages. Every choice is scoped (``scope=`` or a queryset given by the view)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from conventions import cofinancing
from conventions.enums import PERCENT_KINDS, ConventionKind, FunderKind, FundingRuleKind, PaymentKind
from conventions.models import Convention, Funder
from conventions.services import RuleData, engine_rule
from iscg.forms import DateInput, DsfrBaseForm
from organisation.models import Department, Post

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # 10 MB
PDF_MAGIC = b"%PDF-"
PDF_CONTENT_TYPES = {"application/pdf", "application/x-pdf"}


def date_field(label, *, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


class EuroField(forms.DecimalField):
    """An amount typed in euros (French format accepted: « 1 234,56 »), cleaned to integer cents."""

    def __init__(self, *, min_euros=Decimal(0), **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        kwargs.setdefault("validators", [MinValueValidator(min_euros)])
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
        return super().to_python(value)

    def clean(self, value):
        euros = super().clean(value)
        return None if euros is None else int(euros * 100)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value) / 100
        return super().prepare_value(value)


class PercentField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.update(max_digits=5, decimal_places=2, localize=True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")


class VersionForm(DsfrBaseForm):
    """The version of the convention the page was built from (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# ---- Convention ---------------------------------------------------------------------------------


OUTSIDE_FRAMEWORK = _(
    "A local convention's dates must lie within those of its framework convention (%(start)s – %(end)s)."
)


class ConventionForm(DsfrBaseForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind of convention"), choices=ConventionKind.choices)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    parent = forms.ModelChoiceField(
        label=_("Parent convention"),
        queryset=Convention.objects.none(),
        required=False,
        help_text=_("Required for an amendment: the convention it amends."),
    )
    framework = forms.ModelChoiceField(
        label=_("Framework convention"),
        queryset=Convention.objects.none(),
        required=False,
        help_text=_("For a local convention: the département-wide framework convention it implements."),
    )
    planned_fte = forms.DecimalField(
        label=_("Planned FTE"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        localize=True,
        help_text=_("For a framework convention: the FTE it plans in total, for example 6."),
    )
    employer = forms.CharField(label=_("Employer"), max_length=200)
    starts_on = date_field(_("Start date"))
    ends_on = date_field(_("End date"))
    signed_on = date_field(_("Signing date"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, scope, departments, conventions, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": instance.title,
                    "kind": instance.kind,
                    "department": instance.department_id,
                    "parent": instance.parent_id,
                    "framework": instance.framework_id,
                    "planned_fte": instance.planned_fte,
                    "employer": instance.employer,
                    "starts_on": instance.starts_on,
                    "ends_on": instance.ends_on,
                    "signed_on": instance.signed_on,
                    "notes": instance.notes,
                    "version": instance.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        parents = conventions.select_related("department").order_by("department__code", "-starts_on", "title")
        if instance is not None:
            parents = parents.filter(department=instance.department_id).exclude(pk=instance.pk)
            self.fields["department"].disabled = True
            self.fields["version"].required = True
        self.fields["parent"].queryset = parents
        self.fields["framework"].queryset = parents.filter(kind=ConventionKind.FRAMEWORK)

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        if data.get("kind") == ConventionKind.AMENDMENT and not data.get("parent"):
            self.add_error("parent", _("An amendment must name the convention it amends."))
        parent, department = data.get("parent"), data.get("department")
        if parent and department and parent.department_id != department.pk:
            self.add_error("parent", _("The parent convention must belong to the same department."))
        framework = data.get("framework")
        if data.get("kind") == ConventionKind.FRAMEWORK:
            if framework:
                self.add_error("framework", _("A framework convention cannot depend on another framework convention."))
        elif data.get("planned_fte") is not None:
            self.add_error("planned_fte", _("Only a framework convention plans FTE."))
        if framework and department and framework.department_id != department.pk:
            self.add_error("framework", _("The framework convention must belong to the same department."))
        elif framework and starts_on and ends_on and (starts_on < framework.starts_on or ends_on > framework.ends_on):
            self.add_error(
                "framework",
                OUTSIDE_FRAMEWORK
                % {
                    "start": date_format(framework.starts_on, "SHORT_DATE_FORMAT"),
                    "end": date_format(framework.ends_on, "SHORT_DATE_FORMAT"),
                },
            )
        return data


class PartyForm(DsfrBaseForm):
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=Funder.objects.none(), required=False)
    name = forms.CharField(
        label=_("Other party"), max_length=200, required=False, help_text=_("When the party is not a funder.")
    )
    signatory_name = forms.CharField(label=_("Signatory"), max_length=200, required=False)
    signatory_role = forms.CharField(label=_("Signatory's position"), max_length=200, required=False)
    signed_on = date_field(_("Signing date"), required=False)

    def __init__(self, *args, funders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders

    def clean(self):
        data = super().clean()
        if not data.get("funder") and not data.get("name"):
            raise ValidationError(_("Choose a funder or give the name of the party."))
        if data.get("funder") and data.get("name"):
            raise ValidationError(_("Choose a funder or give a name, not both."))
        return data


class PostShareForm(DsfrBaseForm):
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.none())
    fte_share = forms.DecimalField(
        label=_("FTE covered"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(3),
        localize=True,
        help_text=_("For example 0,5 for a half-time post."),
    )

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts

    def clean(self):
        data = super().clean()
        post, share = data.get("post"), data.get("fte_share")
        if post and share and share > post.fte:
            self.add_error(
                "fte_share",
                _("The FTE covered cannot exceed the post's FTE (%(fte)s).") % {"fte": post.fte},
            )
        return data


class BaseFormSet(forms.BaseFormSet):
    """Blank extra forms (left unchanged, so never cleaned) and deleted forms are left out of ``kept_data``."""

    def kept_data(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class UniquePostFormSet(BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        posts = [data["post"] for data in self.kept_data()]
        if len(set(posts)) != len(posts):
            raise ValidationError(_("A post is listed twice."))


class PlannedYearForm(DsfrBaseForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    planned_fte = forms.DecimalField(
        label=_("Planned FTE"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )


class PlannedYearFormSetBase(BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        years = [data["year"] for data in self.kept_data()]
        if len(set(years)) != len(years):
            raise ValidationError(_("A year is listed twice."))

    def as_mapping(self) -> dict:
        return {data["year"]: data["planned_fte"] for data in self.kept_data()}


PlannedYearFormSet = forms.formset_factory(
    PlannedYearForm, formset=PlannedYearFormSetBase, extra=2, can_delete=True, max_num=30
)
PartyFormSet = forms.formset_factory(PartyForm, formset=BaseFormSet, extra=2, can_delete=True, max_num=30)
PostShareFormSet = forms.formset_factory(
    PostShareForm, formset=UniquePostFormSet, extra=2, can_delete=True, max_num=50
)


# ---- Funding year -------------------------------------------------------------------------------


class CostForm(DsfrBaseForm):
    convention_post = forms.IntegerField(widget=forms.HiddenInput)
    salary_cents = EuroField(label=_("Gross salary (€ per year, 1 FTE)"), required=False)
    charges_cents = EuroField(label=_("Employer charges (€ per year, 1 FTE)"), required=False)
    running_costs_cents = EuroField(label=_("Running costs (€ per year, 1 FTE)"), required=False)

    def clean(self):
        data = super().clean()
        for name in ("salary_cents", "charges_cents", "running_costs_cents"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class RuleForm(DsfrBaseForm):
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=Funder.objects.none())
    # A blank first choice, so that an untouched extra row stays unchanged (and is ignored).
    kind = forms.ChoiceField(label=_("Rule"), choices=[("", "---------"), *FundingRuleKind.choices])
    amount_cents = EuroField(label=_("Amount (€)"), required=False)
    percent = PercentField(label=_("Percentage"), required=False)
    rank = forms.IntegerField(label=_("Rank"), min_value=0, max_value=99, initial=0)
    cap_cents = EuroField(label=_("Cap (€)"), required=False)

    def __init__(self, *args, funders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == FundingRuleKind.FIXED:
            if data.get("amount_cents") is None:
                self.add_error("amount_cents", _("A fixed contribution needs an amount."))
            data["percent"] = None
        elif kind in PERCENT_KINDS:
            percent = data.get("percent")
            if percent is None or not 0 < percent <= 100:
                self.add_error("percent", _("A percentage must be greater than 0 and at most 100 %."))
            data["amount_cents"] = None
        elif kind == FundingRuleKind.BALANCE:
            data["amount_cents"] = data["percent"] = None
        return data


class RuleFormSet(BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = self.kept_data()
        try:
            cofinancing.validate_rules([engine_rule(RuleData.from_cleaned(data)) for data in kept])
        except ValidationError as error:
            raise ValidationError(error.messages) from error


RuleFormSetFactory = forms.formset_factory(RuleForm, formset=RuleFormSet, extra=3, can_delete=True, max_num=30)
CostFormSet = forms.formset_factory(CostForm, formset=BaseFormSet, extra=0, max_num=50)


class CopyYearForm(DsfrBaseForm):
    to_year = forms.TypedChoiceField(label=_("Copy to the year"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, years, from_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_year"].choices = [(year, year) for year in years if year != from_year]


# ---- Payments, documents, committees, funders ---------------------------------------------------


class PaymentForm(DsfrBaseForm):
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=Funder.objects.none())
    year = forms.TypedChoiceField(label=_("Convention year"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentKind.choices)
    amount_cents = EuroField(label=_("Amount (€)"), min_euros=Decimal("0.01"))
    dated_on = date_field(_("Date"))
    reference = forms.CharField(
        label=_("Reference"), max_length=100, required=False, help_text=_("Invoice or transfer reference.")
    )

    def __init__(self, *args, funders, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders
        self.fields["year"].choices = [(year, year) for year in years]


def check_pdf(upload):
    """A PDF: declared type, magic bytes and size all checked. Returns the file, rewound."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if getattr(upload, "content_type", None) not in PDF_CONTENT_TYPES:
        raise ValidationError(_("Only PDF files are accepted."))
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("This file is not a real PDF."))
    return upload


class PdfField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("PDF only, 10 MB at most."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "application/pdf,.pdf")

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        return check_pdf(upload) if upload else upload


class DocumentForm(DsfrBaseForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    file = PdfField(label=_("PDF file"))


class CommitteeForm(DsfrBaseForm):
    text_max_lengths = {"minutes": 30_000}  # minutes of a steering committee run longer than a note
    held_on = date_field(_("Date of the committee"))
    attendees = forms.CharField(
        label=_("Attendees"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Bodies and positions, one per line."),
    )
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    bilan = PdfField(
        label=_("Bilan presented"),
        required=False,
        help_text=_(
            "A file uploaded here may hold exact figures: only coordinators see it. Funders get the diffusion "
            "version the application generates from the convention's page."
        ),
    )


class FunderForm(DsfrBaseForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example « Préfecture de la Somme »."))
    kind = forms.ChoiceField(label=_("Kind of funder"), choices=FunderKind.choices)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
