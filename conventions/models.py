"""Conventions and cofinancing (docs/domain.md §8). Money is in integer cents everywhere.

Computed columns (``PostCost.prorated_cost_cents``, ``FundingRule.committed_cents``) are written by
the services only, from the cofinancing engine, so that summaries are plain database aggregates.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conventions.enums import PERCENT_KINDS, ConventionKind, FunderKind, FundingRuleKind, PaymentKind
from organisation import access
from organisation.models import Department, Post


class FunderQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.funder_q(scope))

    def with_list_data(self):
        return self.select_related("department").order_by("department__code", "name", "pk")


class Funder(models.Model):
    """Who pays: the State (prefecture, FIPD), the Département, a commune, an EPCI, the CAF…"""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="funders"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of funder"), max_length=20, choices=FunderKind)

    objects = FunderQuerySet.as_manager()

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["department__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"],
                name="funder_unique_name_per_department",
                violation_error_message=_("A funder with this name already exists in this department."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FunderKind.values),
                name="funder_kind_valid",
                violation_error_message=_("Unknown kind of funder."),
            ),
        ]

    def __str__(self):
        return self.name


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.convention_q(scope))

    def ending_between(self, first_day, last_day):
        return self.filter(ends_on__gte=first_day, ends_on__lte=last_day)

    def with_list_data(self):
        cost = (
            PostCost.objects.filter(convention_post__convention=models.OuterRef("pk"))
            .values("convention_post__convention")
            .annotate(total=models.Sum("prorated_cost_cents"))
            .values("total")
        )
        committed = (
            FundingRule.objects.filter(convention=models.OuterRef("pk"))
            .values("convention")
            .annotate(total=models.Sum("committed_cents"))
            .values("total")
        )
        return (
            self.select_related("department", "parent")
            .annotate(
                post_count=models.Count("convention_posts", distinct=True),
                total_fte=models.Sum("convention_posts__fte_share"),
                total_cost_cents=Coalesce(models.Subquery(cost), 0),
                committed_cents=Coalesce(models.Subquery(committed), 0),
            )
            .order_by("-ends_on", "title", "pk")
        )


class Convention(models.Model):
    """The multi-party agreement that creates and funds ISCG posts for a few years."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind of convention"), max_length=20, choices=ConventionKind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent convention"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        help_text=_("Required for an amendment: the convention it amends."),
    )
    framework = models.ForeignKey(
        "self",
        verbose_name=_("framework convention"),
        on_delete=models.PROTECT,
        related_name="local_conventions",
        null=True,
        blank=True,
        help_text=_("For a local convention: the département-wide framework convention it implements."),
    )
    planned_fte = models.DecimalField(
        _("planned FTE"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a framework convention: the FTE it plans, created post by post by local conventions."),
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="conventions"
    )
    employer = models.CharField(_("employer"), max_length=200)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Optimistic concurrency: every change goes through a service that checks and bumps it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-ends_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ConventionKind.values),
                name="convention_kind_valid",
                violation_error_message=_("Unknown kind of convention."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ConventionKind.AMENDMENT) | Q(parent__isnull=False),
                name="convention_amendment_has_parent",
                violation_error_message=_("An amendment must name the convention it amends."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="convention_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(planned_fte__isnull=True) | Q(planned_fte__gt=0),
                name="convention_planned_fte_positive",
                violation_error_message=_("The planned FTE must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(planned_fte__isnull=True) | Q(kind=ConventionKind.FRAMEWORK),
                name="convention_planned_fte_framework_only",
                violation_error_message=_("Only a framework convention plans FTE."),
            ),
            models.CheckConstraint(
                condition=Q(framework__isnull=True) | ~Q(kind=ConventionKind.FRAMEWORK),
                name="convention_framework_not_nested",
                violation_error_message=_("A framework convention cannot depend on another framework convention."),
            ),
        ]
        indexes = [models.Index(fields=["department", "ends_on"], name="convention_department_end_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("conventions:convention_detail", kwargs={"public_id": self.public_id})

    @property
    def years(self) -> list[int]:
        return list(range(self.starts_on.year, self.ends_on.year + 1))

    @property
    def is_framework(self) -> bool:
        return self.kind == ConventionKind.FRAMEWORK


class PlannedYear(models.Model):
    """The FTE a framework convention plans for one civil year (optional: the total is on the convention)."""

    convention = models.ForeignKey(
        Convention, verbose_name=_("framework convention"), on_delete=models.CASCADE, related_name="planned_years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned_fte = models.DecimalField(_("planned FTE"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("planned FTE of a year")
        verbose_name_plural = _("planned FTE by year")
        ordering = ["convention", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "year"],
                name="plannedyear_unique_year",
                violation_error_message=_("This year already has planned FTE."),
            ),
            models.CheckConstraint(
                condition=Q(planned_fte__gt=0),
                name="plannedyear_planned_fte_positive",
                violation_error_message=_("The planned FTE must be positive."),
            ),
        ]

    def __str__(self):
        return f"{self.convention} — {self.year}"


class ConventionParty(models.Model):
    """A signatory party: a funder of the department or another body (employer, police, justice…)."""

    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.CASCADE, related_name="parties"
    )
    funder = models.ForeignKey(
        Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="parties", null=True, blank=True
    )
    name = models.CharField(
        _("party name"), max_length=200, blank=True, help_text=_("When the party is not a funder.")
    )
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_role = models.CharField(_("signatory's position"), max_length=200, blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["convention", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(funder__isnull=False) | ~Q(name=""),
                name="conventionparty_has_funder_or_name",
                violation_error_message=_("A party is either a funder or has a name."),
            ),
        ]

    def __str__(self):
        return self.name or str(self.funder)

    @property
    def display_name(self) -> str:
        return str(self.funder) if self.funder_id else self.name


class ConventionPost(models.Model):
    """A post covered by a convention, for a share of its FTE."""

    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.CASCADE, related_name="convention_posts"
    )
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="convention_posts")
    fte_share = models.DecimalField(_("FTE covered"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("post covered")
        verbose_name_plural = _("posts covered")
        ordering = ["convention", "post__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "post"],
                name="conventionpost_unique_post",
                violation_error_message=_("This post is already covered by this convention."),
            ),
            models.CheckConstraint(
                condition=Q(fte_share__gt=0) & Q(fte_share__lte=3),
                name="conventionpost_fte_share_range",
                violation_error_message=_("The FTE covered must be greater than 0 and at most 3."),
            ),
        ]

    def __str__(self):
        return f"{self.post} ({self.fte_share})"


class PostCost(models.Model):
    """The yearly cost basis of one FTE of a covered post for one civil year, and what it costs the convention."""

    convention_post = models.ForeignKey(
        ConventionPost, verbose_name=_("post covered"), on_delete=models.CASCADE, related_name="costs"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    salary_cents = models.BigIntegerField(_("gross salary"), default=0)
    charges_cents = models.BigIntegerField(_("employer charges"), default=0)
    running_costs_cents = models.BigIntegerField(_("running costs"), default=0)
    # Yearly cost × FTE covered × days covered in the year (set by the services).
    prorated_cost_cents = models.BigIntegerField(_("cost for the year"), default=0, editable=False)

    class Meta:
        verbose_name = _("post cost")
        verbose_name_plural = _("post costs")
        ordering = ["convention_post", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention_post", "year"],
                name="postcost_unique_year",
                violation_error_message=_("This post already has a cost for this year."),
            ),
            models.CheckConstraint(
                condition=Q(salary_cents__gte=0) & Q(charges_cents__gte=0) & Q(running_costs_cents__gte=0),
                name="postcost_amounts_not_negative",
                violation_error_message=_("Costs cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.convention_post.post} — {self.year}"

    @property
    def yearly_cost_cents(self) -> int:
        return self.salary_cents + self.charges_cents + self.running_costs_cents


class FundingRuleQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.convention_q(scope, prefix="convention__"))


class FundingRule(models.Model):
    """One funder's share of one convention year (docs/domain.md §8)."""

    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.CASCADE, related_name="funding_rules"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    funder = models.ForeignKey(Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="rules")
    kind = models.CharField(_("kind of rule"), max_length=30, choices=FundingRuleKind)
    amount_cents = models.BigIntegerField(_("amount"), null=True, blank=True)
    percent = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    cap_cents = models.BigIntegerField(_("cap"), null=True, blank=True)
    # What the engine commits this funder to for the year (set by the services).
    committed_cents = models.BigIntegerField(_("committed amount"), default=0, editable=False)

    objects = FundingRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding rule")
        verbose_name_plural = _("funding rules")
        ordering = ["convention", "year", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "year", "funder"],
                name="fundingrule_one_per_funder_and_year",
                violation_error_message=_("A funder can have only one rule per year."),
            ),
            models.UniqueConstraint(
                fields=["convention", "year"],
                condition=Q(kind=FundingRuleKind.BALANCE),
                name="fundingrule_one_balance_per_year",
                violation_error_message=_("Only one funder can take the balance in a year."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FundingRuleKind.values),
                name="fundingrule_kind_valid",
                violation_error_message=_("Unknown kind of funding rule."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=FundingRuleKind.FIXED)
                | (Q(amount_cents__isnull=False, amount_cents__gte=0) & Q(percent__isnull=True)),
                name="fundingrule_fixed_has_amount",
                violation_error_message=_("A fixed contribution needs an amount and no percentage."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=PERCENT_KINDS)
                | (Q(percent__gt=0, percent__lte=100) & Q(amount_cents__isnull=True)),
                name="fundingrule_percent_in_range",
                violation_error_message=_("The percentage must be greater than 0 and at most 100."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=FundingRuleKind.BALANCE) | Q(amount_cents__isnull=True, percent__isnull=True),
                name="fundingrule_balance_has_no_value",
                violation_error_message=_("The balance takes what is left: it has no amount nor percentage."),
            ),
            models.CheckConstraint(
                condition=Q(cap_cents__isnull=True) | Q(cap_cents__gte=0),
                name="fundingrule_cap_not_negative",
                violation_error_message=_("A cap cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.funder} — {self.year}"


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.convention_q(scope, prefix="convention__"))


class Payment(models.Model):
    """A call for funds sent to a funder, or a payment received from them, for a convention year."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.CASCADE, related_name="payments"
    )
    funder = models.ForeignKey(Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="payments")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=PaymentKind)
    amount_cents = models.BigIntegerField(_("amount"))
    dated_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for funds or payment")
        verbose_name_plural = _("calls for funds and payments")
        ordering = ["convention", "year", "dated_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("The amount must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PaymentKind.values),
                name="payment_kind_valid",
                violation_error_message=_("Unknown kind of payment."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.funder} — {self.year}"


def _document_path(instance, filename):
    # Never the uploaded name on disk (it may carry personal data): a random name under the convention.
    return f"conventions/{instance.convention.public_id}/{uuid.uuid4().hex}.pdf"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.convention_q(scope, prefix="convention__"))


class ConventionDocument(models.Model):
    """A PDF of the convention: the signed agreement, an amendment, an annex…"""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("PDF file"), upload_to=_document_path, max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["convention", "-uploaded_at", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "conventions:document_download",
            kwargs={"public_id": self.convention.public_id, "document_id": self.public_id},
        )


class SteeringCommitteeQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.convention_q(scope, prefix="convention__"))


class SteeringCommittee(models.Model):
    """A steering committee (COPIL) where the bilan of the posts is presented to the parties."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.CASCADE, related_name="committees"
    )
    held_on = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"), blank=True, help_text=_("Bodies and positions, one per line."))
    minutes = models.TextField(_("minutes"), blank=True)
    bilan = models.FileField(_("bilan presented (PDF)"), upload_to=_document_path, max_length=255, blank=True)
    # True when ``bilan`` is the diffusion (masked) version the application generated. A file uploaded by
    # hand may hold exact small counts: only those who see exact figures may download it (docs/reporting.md).
    bilan_generated = models.BooleanField(_("bilan generated by the application"), default=False)

    objects = SteeringCommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("steering committee")
        verbose_name_plural = _("steering committees")
        ordering = ["convention", "-held_on", "pk"]

    def __str__(self):
        return f"{self.convention} — {self.held_on}"

    def bilan_visible_to(self, scope) -> bool:
        """Whether this scope may download the bilan file: the generated diffusion version is for every
        viewer of the convention; a file uploaded by hand only for those who see exact figures."""
        if not self.bilan:
            return False
        return self.bilan_generated or access.can(scope, access.Action.VIEW_EXACT_FIGURES)

    def get_bilan_url(self):
        return reverse(
            "conventions:committee_bilan_download",
            kwargs={"public_id": self.convention.public_id, "committee_id": self.public_id},
        )
