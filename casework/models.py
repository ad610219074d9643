"""Casework (docs/domain.md §4): persons, follow-ups, interventions, social assessments and orientations.

Over 600 lines and kept whole: the five models hang on each other (constraints, querysets and the
follow-up's lifecycle refer across them); read it model by model, each QuerySet above its model.

Everything here is person-level data of one ISCG post: the querysets' ``visible_to(scope)`` call
organisation.access, and none of these models is registered in the Django admin (except the
ViolenceForm reference list).
"""

import datetime
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.enums import (
    CHILD_PROTECTION_KINDS,
    OUTCOME_STATUSES,
    AgeClass,
    FamilySituation,
    FollowUpClosingReason,
    FollowUpRole,
    InterventionKind,
    InterventionStatus,
    KnownToSocialServices,
    OrientationKind,
    OrientationStatus,
    Place,
    RiskLevel,
    Sex,
)
from casework.normalise import phone_key
from organisation import access
from privacy.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField, KeyedHashField


def short_reference(public_id: uuid.UUID) -> str:
    """A short, non-sequential reference read over the phone (no personal data)."""
    return public_id.hex[:8].upper()


class ViolenceForm(models.Model):
    """A form of violence (docs/domain.md §6): physical, psychological… Seeded; administrators may edit it."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("violence form")
        verbose_name_plural = _("violence forms")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


# ---- Person -------------------------------------------------------------------------------------


class PersonQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.person_q(scope))

    def active(self):
        """Not merged into another record."""
        return self.filter(merged_into__isnull=True)

    def with_list_data(self):
        return self.select_related("post").order_by("search_name", "pk")

    def search(self, *, terms: Sequence[str] = (), birth_date: datetime.date | None = None, phone: str = ""):
        """Persons whose name holds every term, born on ``birth_date``, with this phone; the arguments come
        normalised (casework.normalise, as PersonSearchForm.criteria gives them). Only a keyed hash of
        the phone is stored: the whole number is searched, not a part of it."""
        persons = self
        for term in terms:
            persons = persons.filter(search_name__contains=term)
        if birth_date:
            persons = persons.filter(birth_date=birth_date)
        if phone:
            persons = persons.filter(search_phone=phone_key(phone))
        return persons


class Person(models.Model):
    """Someone the ISCG of a post deal with. May stay anonymous and still count in statistics."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey(
        "organisation.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="persons"
    )
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    birth_name = models.CharField(_("birth name"), max_length=150, blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("The person wishes to stay anonymous: no name is recorded.")
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    age_class = models.CharField(
        _("age class"),
        max_length=10,
        choices=AgeClass,
        default=AgeClass.UNKNOWN,
        help_text=_("If the date of birth is unknown."),
    )
    # The safe contact is encrypted at rest (privacy.fields); search_phone keeps it findable.
    safe_phone = EncryptedCharField(
        _("safe phone"), max_length=30, blank=True, help_text=_("A number where the person can be called safely.")
    )
    safe_email = EncryptedEmailField(_("safe e-mail address"), blank=True)
    best_time = EncryptedCharField(_("best days and hours to call"), max_length=200, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    family_situation = models.CharField(
        _("family situation"), max_length=20, choices=FamilySituation, default=FamilySituation.UNKNOWN
    )
    children_count = models.PositiveSmallIntegerField(
        _("number of children"), null=True, blank=True, validators=[MaxValueValidator(30)]
    )
    children_ages = models.CharField(
        _("children's ages"), max_length=100, blank=True, help_text=_("For example: 3, 7, 12.")
    )
    known_to_social_services = models.CharField(
        _("known to social services at first contact"),
        max_length=10,
        choices=KnownToSocialServices,
        default=KnownToSocialServices.UNKNOWN,
    )
    # Computed by casework.services (accent- and case-insensitive search, duplicate detection).
    search_name = models.CharField(max_length=500, blank=True, editable=False, db_index=True)
    name_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    # Keyed hash (HMAC-SHA256) of the normalised safe phone: equal phones match, the column gives no number.
    search_phone = KeyedHashField(blank=True, editable=False, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["search_name", "pk"]
        indexes = [models.Index(fields=["post", "name_key", "birth_date"], name="person_duplicate_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(last_name="", first_name="", birth_name=""),
                name="person_anonymous_has_no_name",
                violation_error_message=_("An anonymous person has no name."),
            ),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values),
                name="person_sex_valid",
                violation_error_message=_("Unknown sex."),
            ),
            models.CheckConstraint(
                condition=Q(age_class__in=AgeClass.values),
                name="person_age_class_valid",
                violation_error_message=_("Unknown age class."),
            ),
            models.CheckConstraint(
                condition=Q(known_to_social_services__in=KnownToSocialServices.values),
                name="person_known_to_social_services_valid",
                violation_error_message=_("Unknown answer to “known to social services”."),
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=models.F("pk")),
                name="person_not_merged_into_itself",
                violation_error_message=_("A person cannot be merged into itself."),
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_at__isnull=True)
                | Q(merged_into__isnull=False, merged_at__isnull=False),
                name="person_merged_iff_timestamp",
                violation_error_message=_("A merged person records when it was merged."),
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("casework:person_detail", kwargs={"public_id": self.public_id})

    @property
    def reference(self) -> str:
        return short_reference(self.public_id)

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name.upper()}".strip()
        if name:
            return name
        return str(_("Anonymous person %(reference)s") % {"reference": self.reference})

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


# ---- Follow-up ----------------------------------------------------------------------------------


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, scope):
        """Every follow-up the user may *list* (coordinators: metadata of their departments)."""
        return self.filter(access.followup_q(scope))

    def content_visible_to(self, scope):
        """Follow-ups whose content (summaries, assessments, orientations) the user may read: ISCG only."""
        return self.filter(access.casework_content_q(scope))

    def open(self):
        return self.filter(closed_on__isnull=True)

    def closed(self):
        return self.filter(closed_on__isnull=False)

    def with_list_data(self):
        """The ISCG's list: person, post, assigned ISCG, last held and next planned intervention."""
        held = Intervention.objects.filter(followup=models.OuterRef("pk"), status=InterventionStatus.HELD)
        planned = Intervention.objects.filter(
            followup=models.OuterRef("pk"), status=InterventionStatus.PLANNED, starts_at__gte=timezone.now()
        )
        return (
            self.select_related("person", "post", "assigned_to")
            .annotate(
                last_held_at=models.Subquery(held.order_by("-starts_at").values("starts_at")[:1]),
                next_planned_at=models.Subquery(planned.order_by("starts_at").values("starts_at")[:1]),
            )
            .order_by("closed_on", "-opened_on", "-pk")
        )

    def with_department_list_data(self):
        """The coordinators' list: dates, post and status only (no person, no content)."""
        return (
            self.select_related("post", "post__department")
            .only("public_id", "opened_on", "closed_on", "closing_reason", "post__name", "post__department__code")
            .order_by("-opened_on", "-pk")
        )


class FollowUp(models.Model):
    """The ISCG's work with one person (and household) over time. It belongs to the post: when a
    social worker leaves, the follow-up stays with whoever holds the post."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey(
        "organisation.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="followups"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="followups")
    household_members = models.ManyToManyField(
        Person, verbose_name=_("other household members"), related_name="household_followups", blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker in charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_followups",
    )
    person_role = models.CharField(
        _("role of the person"), max_length=10, choices=FollowUpRole, default=FollowUpRole.VICTIM
    )
    problems = models.ManyToManyField(
        "referrals.Problem", verbose_name=_("problems"), related_name="followups", blank=True
    )
    referrals = models.ManyToManyField(
        "referrals.Referral",
        verbose_name=_("referrals"),
        through="FollowUpReferral",
        related_name="followups",
        blank=True,
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_reason = models.CharField(_("closing reason"), max_length=20, choices=FollowUpClosingReason, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["post", "closed_on"], name="followup_post_closed_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, closing_reason="")
                | Q(closed_on__isnull=False, closing_reason__in=FollowUpClosingReason.values),
                name="followup_closed_iff_reason",
                violation_error_message=_("A follow-up is closed if and only if it has a closing date and a reason."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="followup_closed_after_opened",
                violation_error_message=_("A follow-up cannot be closed before it was opened."),
            ),
            models.CheckConstraint(
                condition=Q(person_role__in=FollowUpRole.values),
                name="followup_person_role_valid",
                violation_error_message=_("Unknown role."),
            ),
        ]

    def __str__(self):
        return str(_("Follow-up %(reference)s") % {"reference": self.reference})

    def get_absolute_url(self):
        return reverse("casework:followup_detail", kwargs={"public_id": self.public_id})

    @property
    def reference(self) -> str:
        return short_reference(self.public_id)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class FollowUpReferral(models.Model):
    """A referral linked to a follow-up: a referral is taken up by one follow-up at most."""

    followup = models.ForeignKey(FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(
        "referrals.Referral", verbose_name=_("referral"), on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("linked by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral of a follow-up")
        verbose_name_plural = _("referrals of follow-ups")
        ordering = ["followup", "linked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                name="followupreferral_one_followup_per_referral",
                violation_error_message=_("This referral is already linked to a follow-up."),
            ),
        ]

    def __str__(self):
        return f"{self.followup_id} ← {self.referral_id}"


# ---- Intervention -------------------------------------------------------------------------------


class InterventionQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.casework_content_q(scope, prefix="followup__"))

    def planned(self):
        return self.filter(status=InterventionStatus.PLANNED)

    def held(self):
        return self.filter(status=InterventionStatus.HELD)

    def with_agenda_data(self):
        return self.select_related("followup", "followup__person", "followup__post").order_by("starts_at", "pk")


class Intervention(models.Model):
    """A dated action of the ISCG: interview, phone call, accompaniment, home visit… planned or held.
    The shared summary is read by every ISCG of the post; the private note by its author only."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    followup = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="interventions"
    )
    starts_at = models.DateTimeField(_("date and time"), default=timezone.now)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    kind = models.CharField(_("type"), max_length=20, choices=InterventionKind, default=InterventionKind.INTERVIEW)
    place = models.CharField(_("place"), max_length=20, choices=Place, default=Place.POLICE_STATION)
    status = models.CharField(_("status"), max_length=10, choices=InterventionStatus, default=InterventionStatus.HELD)
    summary = EncryptedTextField(
        _("shared summary"), blank=True, help_text=_("Read by every social worker of the post.")
    )
    private_note = EncryptedTextField(_("private note"), blank=True, help_text=_("Only you will ever read it."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            # A follow-up's timeline, and its held interventions for the bilan (the first one, any
            # before a period): the status in the index lets PostgreSQL answer without the table.
            models.Index(fields=["followup", "starts_at"], include=["status"], name="intervention_followup_idx"),
            models.Index(fields=["author", "status", "starts_at"], name="intervention_agenda_idx"),
            # The held interventions of a period, what every bilan count starts from: a range scan of
            # this index (with the follow-up, to reach the person) instead of reading the whole table.
            models.Index(
                fields=["starts_at", "followup"],
                condition=models.Q(status=InterventionStatus.HELD),
                name="intervention_held_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=720),
                name="intervention_duration_range",
                violation_error_message=_("The duration must be between 1 minute and 12 hours."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=InterventionKind.values),
                name="intervention_kind_valid",
                violation_error_message=_("Unknown intervention type."),
            ),
            models.CheckConstraint(
                condition=Q(place__in=Place.values),
                name="intervention_place_valid",
                violation_error_message=_("Unknown place."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=InterventionStatus.values),
                name="intervention_status_valid",
                violation_error_message=_("Unknown intervention status."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("casework:intervention_update", kwargs={"public_id": self.public_id})

    @property
    def local_date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    def private_note_for(self, user) -> str:
        """The private note, for its author only."""
        return self.private_note if user is not None and user.pk == self.author_id else ""


# ---- Assessment ---------------------------------------------------------------------------------


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.casework_content_q(scope, prefix="followup__"))


class Assessment(models.Model):
    """The ISCG's structured view of problems and needs (évaluation sociale)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    followup = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    problems = models.ManyToManyField("referrals.Problem", verbose_name=_("problems"), related_name="+")
    violence_forms = models.ManyToManyField(
        ViolenceForm, verbose_name=_("forms of violence"), related_name="+", blank=True
    )
    needs = EncryptedTextField(_("needs"), blank=True)
    risk_level = models.CharField(
        _("risk appreciation"), max_length=20, choices=RiskLevel, default=RiskLevel.NOT_ASSESSED
    )
    risk_comment = EncryptedTextField(_("comment on the risk"), blank=True)
    is_very_serious_danger = models.BooleanField(
        _("very serious danger"), default=False, help_text=_("Set by hand by the social worker (très grand danger).")
    )
    children_exposed = models.PositiveSmallIntegerField(
        _("children exposed"), null=True, blank=True, validators=[MaxValueValidator(30)]
    )
    known_to_social_services = models.CharField(
        _("known to social services"),
        max_length=10,
        choices=KnownToSocialServices,
        default=KnownToSocialServices.UNKNOWN,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("social assessment")
        verbose_name_plural = _("social assessments")
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_level__in=RiskLevel.values),
                name="assessment_risk_level_valid",
                violation_error_message=_("Unknown risk level."),
            ),
            models.CheckConstraint(
                condition=Q(children_exposed__isnull=True) | Q(children_exposed__lte=30),
                name="assessment_children_exposed_range",
                violation_error_message=_("At most 30 children."),
            ),
        ]

    def __str__(self):
        return f"{self.followup} — {self.assessed_on:%Y-%m-%d}"


# ---- Orientation --------------------------------------------------------------------------------


class OrientationQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.casework_content_q(scope, prefix="followup__"))

    def child_protection(self):
        return self.filter(kind__in=CHILD_PROTECTION_KINDS)


class Orientation(models.Model):
    """Sending the person to a partner service, followed until its outcome; or a child-protection
    transmission (information préoccupante to the CRIP, signalement to the prosecutor), counted apart."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    followup = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="orientations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrientationKind, default=OrientationKind.ORIENTATION)
    oriented_on = models.DateField(_("date"), default=timezone.localdate)
    partner = models.ForeignKey(
        "organisation.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations",
    )
    partner_type = models.ForeignKey(
        "organisation.PartnerType",
        verbose_name=_("partner type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations",
    )
    recipient = models.CharField(
        _("recipient"), max_length=200, blank=True, help_text=_("For a child-protection transmission.")
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OrientationStatus, default=OrientationStatus.PROPOSED
    )
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    objects = OrientationQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-oriented_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrientationKind.values),
                name="orientation_kind_valid",
                violation_error_message=_("Unknown orientation kind."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrientationStatus.values),
                name="orientation_status_valid",
                violation_error_message=_("Unknown orientation status."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrientationKind.ORIENTATION)
                | Q(partner__isnull=False)
                | Q(partner_type__isnull=False),
                name="orientation_has_partner_or_type",
                violation_error_message=_("Choose a partner of the directory or a partner type."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=CHILD_PROTECTION_KINDS) | ~Q(recipient=""),
                name="orientation_transmission_has_recipient",
                violation_error_message=_("A child-protection transmission names its recipient."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=OUTCOME_STATUSES, outcome_on__isnull=False)
                | (~Q(status__in=OUTCOME_STATUSES) & Q(outcome_on__isnull=True)),
                name="orientation_outcome_iff_date",
                violation_error_message=_("An orientation has an outcome date if and only if it has an outcome."),
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=models.F("oriented_on")),
                name="orientation_outcome_after_date",
                violation_error_message=_("The outcome cannot be dated before the orientation."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.oriented_on:%Y-%m-%d}"

    @property
    def is_child_protection(self) -> bool:
        return self.kind in CHILD_PROTECTION_KINDS

    @property
    def recipient_display(self) -> str:
        if self.partner_id:
            return self.partner.name
        if self.partner_type_id:
            return self.partner_type.name
        return self.recipient


class CalendarTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CalendarToken(models.Model):
    """The secret of an ISCG's private calendar subscription (docs/guide-iscg.md, « Abonnement »).

    The URL carries ``<key><secret>``: the key finds the row, the secret is stored only as its SHA-256
    and compared in constant time. One active token per user; revoking keeps the row (revoked_at)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    key = models.CharField(_("key"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_token_one_active_per_user",
                violation_error_message=_("A user has at most one active calendar subscription."),
            ),
        ]

    def __str__(self):
        return f"{self.user_id} — {self.created_at:%Y-%m-%d}"
