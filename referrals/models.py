import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation import access
from privacy.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField
from referrals.enums import (
    OPEN_STATUSES,
    URGENCY_RANK,
    Answer,
    FilledBy,
    GridPart,
    PersonRole,
    ReferralClosingReason,
    ReferralStatus,
    Sex,
    Source,
    Urgency,
)

ADULT_AGE = 18


class Problem(models.Model):
    """A situation category (docs/domain.md §6). Seeded by a data migration; administrators may edit it."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ReferralNumberSequence(models.Model):
    """The last number given to a referral, per department and year (numbers read 2026-80-000123)."""

    department = models.ForeignKey(
        "organisation.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("referral number sequence")
        verbose_name_plural = _("referral number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"],
                name="referralnumbersequence_unique_department_year",
                violation_error_message=_("This department already has a sequence for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.year}-{self.department_id}: {self.last_value}"


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.referral_q(scope))

    def waiting(self):
        """Still to act upon: what the triage queue lists by default, and what its navigation badge counts."""
        return self.filter(status__in=OPEN_STATUSES)

    def with_danger(self):
        """``has_danger``: a danger grid of the referral reaches "danger caractérisé";
        ``has_grid``: a danger grid was filled at all (without one, the danger is unknown)."""
        characterised = DangerAssessment.objects.filter(referral=OuterRef("pk"), is_danger=True)
        filled = DangerAssessment.objects.filter(referral=OuterRef("pk"))
        return self.annotate(has_danger=Exists(characterised), has_grid=Exists(filled))

    def triage_ordered(self):
        """Urgency first, then danger, then age (oldest first): computed by the database."""
        urgency_rank = Case(
            *(When(urgency=urgency, then=Value(rank)) for urgency, rank in URGENCY_RANK.items()),
            default=Value(len(URGENCY_RANK)),
            output_field=models.IntegerField(),
        )
        return (
            self.with_danger()
            .annotate(urgency_rank=urgency_rank)
            .order_by("urgency_rank", "-has_danger", "referred_at", "pk")
        )

    def with_unit_list_data(self):
        """The police list: status and status date only."""
        return self.select_related("unit", "author").order_by("-referred_at", "-pk")

    def with_queue_data(self):
        """The ISCG triage queue."""
        persons = ReferralPerson.objects.order_by("pk")
        return (
            self.select_related("unit")
            .prefetch_related("problems", models.Prefetch("persons", queryset=persons))
            .triage_ordered()
        )

    def with_department_list_data(self):
        """The coordinators' list: metadata only (dates, unit, channel, urgency, status)."""
        return self.select_related("unit", "unit__department").order_by("-referred_at", "-pk")

    def with_detail_data(self):
        return self.select_related(
            "unit", "unit__department", "author", "received_by", "taken_up_by", "closed_by", "withdrawn_by"
        ).prefetch_related("problems")


class Referral(models.Model):
    """A situation referred to the ISCG by the police, the gendarmerie or another channel (saisine)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    idempotency_key = models.UUIDField(
        _("idempotency key"),
        unique=True,
        editable=False,
        help_text=_("Sent with the form so that submitting it twice files one referral."),
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="referrals"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="filed_referrals"
    )
    callback_contact = models.CharField(
        _("call-back contact"),
        max_length=150,
        blank=True,
        help_text=_("How the ISCG can reach you or your unit about this referral (phone, extension)."),
    )
    facts_at = models.DateTimeField(_("date and time of the facts"), null=True, blank=True)
    referred_at = models.DateTimeField(_("date and time of the referral"), default=timezone.now)
    source = models.CharField(_("channel"), max_length=20, choices=Source)
    problems = models.ManyToManyField(Problem, verbose_name=_("situation categories"), related_name="referrals")
    description = EncryptedTextField(
        _("short factual description"), max_length=3000, help_text=_("Facts only, in a few lines.")
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency, default=Urgency.NORMAL)
    has_agreement = models.BooleanField(
        _("the person agrees to be contacted by the ISCG"),
        default=False,
        help_text=_("Required unless the person is a minor or the referral comes from screening."),
    )
    children_count = models.PositiveSmallIntegerField(
        _("children in the household"), null=True, blank=True, validators=[MaxValueValidator(30)]
    )

    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus, default=ReferralStatus.SUBMITTED)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_up_at = models.DateTimeField(_("taken up at"), null=True, blank=True)
    taken_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken up by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_reason = models.CharField(_("closing reason"), max_length=20, choices=ReferralClosingReason, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status"], name="referral_unit_status_idx"),
            models.Index(fields=["status", "referred_at"], name="referral_status_referred_idx"),
            # The referrals received in a period (bilans, group A), with the unit for the scope.
            models.Index(fields=["referred_at", "unit"], name="referral_referred_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values),
                name="referral_status_valid",
                violation_error_message=_("Unknown referral status."),
            ),
            models.CheckConstraint(
                condition=Q(source__in=Source.values),
                name="referral_source_valid",
                violation_error_message=_("Unknown referral channel."),
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values),
                name="referral_urgency_valid",
                violation_error_message=_("Unknown urgency."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ReferralStatus.RECEIVED, ReferralStatus.TAKEN_UP, ReferralStatus.CLOSED])
                | Q(received_at__isnull=False, received_by__isnull=False),
                name="referral_received_has_timestamp",
                violation_error_message=_("A referral received by the ISCG records who received it and when."),
            ),
            models.CheckConstraint(
                condition=Q(status=ReferralStatus.TAKEN_UP, taken_up_at__isnull=False, taken_up_by__isnull=False)
                | (~Q(status=ReferralStatus.TAKEN_UP) & Q(taken_up_at__isnull=True, taken_up_by__isnull=True)),
                name="referral_taken_up_iff_timestamp",
                violation_error_message=_(
                    "A referral is taken up if and only if who took it up and when are recorded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    status=ReferralStatus.CLOSED,
                    closed_at__isnull=False,
                    closed_by__isnull=False,
                    closing_reason__in=ReferralClosingReason.values,
                )
                | (
                    ~Q(status=ReferralStatus.CLOSED)
                    & Q(closed_at__isnull=True, closed_by__isnull=True, closing_reason="")
                ),
                name="referral_closed_iff_reason",
                violation_error_message=_(
                    "A referral is closed without follow-up if and only if it has a closing reason, who and when."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=ReferralStatus.WITHDRAWN, withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                | (~Q(status=ReferralStatus.WITHDRAWN) & Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)),
                name="referral_withdrawn_iff_timestamp",
                violation_error_message=_(
                    "A referral is withdrawn if and only if who withdrew it and when are recorded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(facts_at__isnull=True) | Q(facts_at__lte=models.F("referred_at")),
                name="referral_facts_before_referral",
                violation_error_message=_("The facts cannot be later than the referral."),
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("referrals:detail", kwargs={"public_id": self.public_id})

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.SUBMITTED, ReferralStatus.RECEIVED)


class ReferralAddendum(models.Model):
    """Information the police add to a referral after filing it (a new fact, a new number to call)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="addenda"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = EncryptedTextField(_("information"), max_length=3000)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("added information")
        verbose_name_plural = _("added information")
        ordering = ["referral", "created_at", "pk"]

    def __str__(self):
        return f"{self.referral} — {self.created_at:%Y-%m-%d %H:%M}"


def is_minor(*, role: str, birth_date: datetime.date | None, age: int | None, on: datetime.date) -> bool:
    """A person is a minor when their birth date or stated age says so; a child of the household with
    neither is presumed to be a minor."""
    if birth_date is not None:
        years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
        return years < ADULT_AGE
    if age is not None:
        return age < ADULT_AGE
    return role == PersonRole.HOUSEHOLD_CHILD


class ReferralPerson(models.Model):
    """Someone concerned by a referral. Names are optional: a person may stay anonymous."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="persons"
    )
    role = models.CharField(_("role"), max_length=20, choices=PersonRole, default=PersonRole.VICTIM)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, validators=[MaxValueValidator(120)], help_text=_("If the date is unknown.")
    )
    safe_phone = EncryptedCharField(
        _("safe phone"), max_length=30, blank=True, help_text=_("A number where the person can be called safely.")
    )
    safe_email = EncryptedEmailField(_("safe e-mail address"), blank=True)
    best_time = EncryptedCharField(
        _("best days and hours to call"),
        max_length=200,
        blank=True,
        help_text=_("For example: weekdays 9 am to noon."),
    )

    class Meta:
        verbose_name = _("person concerned")
        verbose_name_plural = _("persons concerned")
        ordering = ["referral", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=PersonRole.values),
                name="referralperson_role_valid",
                violation_error_message=_("Unknown role."),
            ),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values),
                name="referralperson_sex_valid",
                violation_error_message=_("Unknown sex."),
            ),
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__lte=120),
                name="referralperson_age_range",
                violation_error_message=_("The age must be at most 120."),
            ),
        ]

    def __str__(self):
        name = f"{self.first_name} {self.last_name}".strip()
        return name or str(_("Anonymous person"))

    def clean(self):
        super().clean()
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def is_minor(self) -> bool:
        return is_minor(
            role=self.role, birth_date=self.birth_date, age=self.age, on=timezone.localdate(self.referral.referred_at)
        )


class GridVersion(models.Model):
    """A version of the danger grid. Once a grid has been filled with it, it never changes: corrections
    go into a new version."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    yes_threshold = models.PositiveSmallIntegerField(
        _("threshold of yes answers"), default=12, help_text=_("Danger is characterised from this many yes answers.")
    )
    red_threshold = models.PositiveSmallIntegerField(
        _("threshold of red yes answers"),
        default=2,
        help_text=_("Danger is characterised from this many yes answers to red items."),
    )
    is_current = models.BooleanField(_("current version"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("danger grid version")
        verbose_name_plural = _("danger grid versions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="gridversion_single_current",
                violation_error_message=_("Only one grid version can be the current one."),
            ),
            models.CheckConstraint(
                condition=Q(yes_threshold__gte=1) & Q(red_threshold__gte=1),
                name="gridversion_thresholds_positive",
                violation_error_message=_("Thresholds must be at least 1."),
            ),
        ]

    def __str__(self):
        return self.name


class GridItem(models.Model):
    """One question of a grid version, in one of its three parts; red items weigh more."""

    version = models.ForeignKey(GridVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="items")
    part = models.CharField(_("part"), max_length=20, choices=GridPart)
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=300)
    is_red = models.BooleanField(_("red item"), default=False)

    class Meta:
        verbose_name = _("danger grid item")
        verbose_name_plural = _("danger grid items")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"],
                name="griditem_unique_position",
                violation_error_message=_("Two items of a version cannot share a position."),
            ),
            models.CheckConstraint(
                condition=Q(part__in=GridPart.values),
                name="griditem_part_valid",
                violation_error_message=_("Unknown grid part."),
            ),
        ]

    def __str__(self):
        return self.text


class DangerAssessmentQuerySet(models.QuerySet):
    def with_answers(self):
        answers = DangerAnswer.objects.select_related("item").order_by("item__position", "pk")
        return (
            self.select_related("version", "filled_by")
            .prefetch_related(models.Prefetch("answers", queryset=answers))
            .order_by("-filled_at", "-pk")
        )


class DangerAssessment(models.Model):
    """A filled danger grid. Counts and the outcome are computed once, by referrals.danger, when it is
    recorded; answers keep the red flag they had, so later edits of the version change nothing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="danger_assessments"
    )
    version = models.ForeignKey(
        GridVersion, verbose_name=_("grid version"), on_delete=models.PROTECT, related_name="+"
    )
    filled_by_kind = models.CharField(_("filled by"), max_length=20, choices=FilledBy)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filled by (user)"), on_delete=models.PROTECT, related_name="+"
    )
    filled_at = models.DateTimeField(_("filled at"), default=timezone.now)
    yes_count = models.PositiveSmallIntegerField(_("yes answers"))
    red_yes_count = models.PositiveSmallIntegerField(_("yes answers to red items"))
    is_danger = models.BooleanField(_("danger characterised"))

    objects = DangerAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("danger assessment")
        verbose_name_plural = _("danger assessments")
        ordering = ["referral", "-filled_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(filled_by_kind__in=FilledBy.values),
                name="dangerassessment_filled_by_valid",
                violation_error_message=_("Unknown author kind."),
            ),
            models.CheckConstraint(
                condition=Q(red_yes_count__lte=models.F("yes_count")),
                name="dangerassessment_red_within_yes",
                violation_error_message=_("Red yes answers cannot outnumber yes answers."),
            ),
        ]

    def __str__(self):
        return f"{self.referral} — {self.filled_at:%Y-%m-%d}"


class DangerAnswer(models.Model):
    """One answer of a filled grid. The answer is encrypted at rest (yes, no and not asked give tokens
    of the same length), so the database cannot check it: the services and the field's choices do.
    The grid's counts and outcome stay in clear on DangerAssessment, for the bilans."""

    assessment = models.ForeignKey(
        DangerAssessment, verbose_name=_("danger assessment"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(GridItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    answer = EncryptedCharField(_("answer"), max_length=20, choices=Answer)
    is_red = models.BooleanField(_("red item"), help_text=_("The item's red flag when the grid was filled."))

    class Meta:
        verbose_name = _("danger grid answer")
        verbose_name_plural = _("danger grid answers")
        ordering = ["assessment", "item__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"],
                name="dangeranswer_unique_item",
                violation_error_message=_("This question already has an answer in this grid."),
            ),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.answer}"


class PoliceHomeVisit(models.Model):
    """When an officer last opened their home page: it lists their referrals whose status changed since."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("home page visit")
        verbose_name_plural = _("home page visits")

    def __str__(self):
        return f"{self.user_id}: {self.seen_at:%Y-%m-%d %H:%M}"
