import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation import access
from organisation.enums import GENDARMERIE_KINDS, UNIT_KIND_FORCE, CoverageRule, Force, SplitForce, UnitKind, Zone


class DepartmentQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.department_q(scope))

    def bilan_visible_to(self, scope):
        """Departments the user may draw a department-wide bilan for."""
        return self.filter(access.bilan_department_q(scope))


class Department(models.Model):
    """One of the 101 French départements, loaded by a data migration (read-only in the admin)."""

    code = models.CharField(_("INSEE code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("organisation:department_detail", kwargs={"code": self.code})


class UnitQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.unit_q(scope))

    def active(self):
        return self.filter(is_active=True)

    def opened_by(self, day):
        """Units existing on ``day`` (a unit without creation date has always existed)."""
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day))

    def covered_by(self, posts, day=None):
        """Units the given posts cover on ``day``: those listed, and those their coverage rule reaches."""
        day = day or timezone.localdate()
        return self.filter(coverage_q(posts, day)).distinct()


def rule_coverage_q(*, rule, department_id, group_id, day, prefix="") -> Q:
    """Units reached on ``day`` by one post's coverage rule (nothing for the « listed units » rule)."""
    opened = Q(**{f"{prefix}opened_on__isnull": True}) | Q(**{f"{prefix}opened_on__lte": day})
    active = Q(**{f"{prefix}is_active": True})
    match rule:
        case CoverageRule.DEPARTMENT_GENDARMERIE:
            gendarmerie = Q(**{f"{prefix}department": department_id, f"{prefix}kind__in": GENDARMERIE_KINDS})
            return gendarmerie & opened & active
        case CoverageRule.GROUP if group_id:
            return (Q(**{f"{prefix}pk": group_id}) | Q(**{f"{prefix}parent": group_id})) & opened & active
    return Q(pk__in=[])


def coverage_q(posts, day, prefix="") -> Q:
    """Units covered on ``day`` by any of ``posts`` (Post instances): listed units, then each rule."""
    posts = list(posts)
    q = Q(**{f"{prefix}posts__in": [post.pk for post in posts]}) if posts else Q(pk__in=[])
    for post in posts:
        if post.coverage_rule != CoverageRule.LISTED:
            q |= rule_coverage_q(
                rule=post.coverage_rule,
                department_id=post.department_id,
                group_id=post.coverage_group_id,
                day=day,
                prefix=prefix,
            )
    return q


class Unit(models.Model):
    """A police station, gendarmerie brigade or another site where the ISCG receives people."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="units"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind)
    name = models.CharField(_("name"), max_length=200)
    commune = models.CharField(_("commune"), max_length=100)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("company or circonscription"),
        on_delete=models.PROTECT,
        related_name="sub_units",
        null=True,
        blank=True,
        help_text=_("The gendarmerie company or police circonscription the unit belongs to."),
    )
    opened_on = models.DateField(
        _("creation date"), null=True, blank=True, help_text=_("Empty for a unit that existed before the service.")
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["department__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"],
                name="unit_unique_name_per_department",
                violation_error_message=_("A unit with this name already exists in this department."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def force(self):
        return UNIT_KIND_FORCE.get(self.kind, Force.OTHER)


class PostQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.post_q(scope))

    def active_on(self, day):
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))

    def covering(self, unit, day=None):
        """Posts covering ``unit`` on ``day``: listed, or reached by their coverage rule (from the unit's creation)."""
        day = day or timezone.localdate()
        q = Q(units=unit.pk)
        if unit.is_active and (unit.opened_on is None or unit.opened_on <= day):
            if unit.kind in GENDARMERIE_KINDS:
                q |= Q(coverage_rule=CoverageRule.DEPARTMENT_GENDARMERIE, department=unit.department_id)
            groups = [unit.pk] + ([unit.parent_id] if unit.parent_id else [])
            q |= Q(coverage_rule=CoverageRule.GROUP, coverage_group__in=groups)
        return self.filter(q).distinct()

    def fte_by_force(self) -> dict[str, Decimal]:
        """FTE by force: a post split between forces counts by its shares, another by its zone. One query."""
        totals: dict[str, Decimal] = {value: Decimal(0) for value in Zone.values}
        rows = self.order_by().values_list("zone", "fte", "splits__fte", "splits__zone", "splits__unit__kind")
        for zone, fte, share_fte, share_zone, unit_kind in rows:
            if share_fte is None:
                totals[zone] += fte
            elif unit_kind is not None:
                force = UNIT_KIND_FORCE.get(unit_kind, Force.OTHER)
                totals[force if force != Force.OTHER else Zone.MIXED] += share_fte
            else:
                totals[share_zone] += share_fte
        return totals

    def with_list_data(self):
        current = PostAssignment.objects.current().select_related("user").order_by("user__last_name")
        return (
            self.select_related("department")
            .prefetch_related(
                models.Prefetch("units", queryset=Unit.objects.order_by("name")),
                models.Prefetch("assignments", queryset=current, to_attr="current_assignments"),
            )
            .order_by("department__code", "name", "pk")
        )


class Post(models.Model):
    """An ISCG position: its working time, employer, zone, the units it covers and who holds it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="posts"
    )
    name = models.CharField(_("name"), max_length=200)
    fte = models.DecimalField(_("full-time equivalent (FTE)"), max_digits=4, decimal_places=2)
    employer = models.CharField(_("employer"), max_length=200)
    zone = models.CharField(_("zone"), max_length=20, choices=Zone)
    units = models.ManyToManyField(Unit, verbose_name=_("units covered"), related_name="posts", blank=True)
    social_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social workers"),
        through="PostAssignment",
        through_fields=("post", "user"),
        related_name="posts",
        blank=True,
    )
    coverage_rule = models.CharField(_("coverage"), max_length=30, choices=CoverageRule, default=CoverageRule.LISTED)
    coverage_group = models.ForeignKey(
        Unit,
        verbose_name=_("company or circonscription covered"),
        on_delete=models.PROTECT,
        related_name="covering_posts",
        null=True,
        blank=True,
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking (its arrangement)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("ISCG post")
        verbose_name_plural = _("ISCG posts")
        ordering = ["department__code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=3),
                name="post_fte_range",
                violation_error_message=_("The FTE must be greater than 0 and at most 3."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="post_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.UniqueConstraint(
                fields=["department", "name"],
                name="post_unique_name_per_department",
                violation_error_message=_("A post with this name already exists in this department."),
            ),
            models.CheckConstraint(
                condition=Q(coverage_rule__in=CoverageRule.values),
                name="post_coverage_rule_valid",
                violation_error_message=_("Unknown coverage rule."),
            ),
            models.CheckConstraint(
                condition=(Q(coverage_rule=CoverageRule.GROUP) & Q(coverage_group__isnull=False))
                | (~Q(coverage_rule=CoverageRule.GROUP) & Q(coverage_group__isnull=True)),
                name="post_coverage_group_with_rule",
                violation_error_message=_(
                    "Choose the company or circonscription covered (and only for that coverage rule)."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:post_detail", kwargs={"public_id": self.public_id})

    @property
    def is_active(self):
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class PostSplit(models.Model):
    """A share of a post shared between forces: half in a commissariat, half in a gendarmerie zone…

    The shares of a post add up to its FTE (checked by organisation.posts.post_split_set). The department's
    FTE count still counts the post once; police and gendarmerie totals use the shares.
    """

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="splits")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="post_splits", null=True, blank=True
    )
    zone = models.CharField(_("zone"), max_length=20, choices=SplitForce, blank=True)
    fte = models.DecimalField(_("FTE"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("share of a post")
        verbose_name_plural = _("shares of a post")
        ordering = ["post", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=3),
                name="postsplit_fte_range",
                violation_error_message=_("The FTE of a share must be greater than 0 and at most 3."),
            ),
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(zone="")) | (Q(unit__isnull=True) & ~Q(zone="")),
                name="postsplit_unit_or_zone",
                violation_error_message=_("A share is either for a unit or for a zone."),
            ),
            models.UniqueConstraint(
                fields=["post", "unit"],
                condition=Q(unit__isnull=False),
                name="postsplit_unique_unit",
                violation_error_message=_("This unit already has a share of the post."),
            ),
            models.UniqueConstraint(
                fields=["post", "zone"],
                condition=~Q(zone=""),
                name="postsplit_unique_zone",
                violation_error_message=_("This zone already has a share of the post."),
            ),
        ]

    def __str__(self):
        return f"{self.post} — {self.unit or self.get_zone_display()} ({self.fte})"

    @property
    def force(self) -> str:
        """police or gendarmerie (a unit of another kind counts as « other », i.e. mixed)."""
        if self.unit_id:
            force = self.unit.force
            return force if force in (Force.POLICE, Force.GENDARMERIE) else Zone.MIXED
        return self.zone


class PostAssignmentQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        """Requested by a coordinator, awaiting a second person's confirmation: gives no access yet."""
        return self.filter(confirmed_at__isnull=True)

    def current(self, day=None):
        """Confirmed assignments running on ``day`` (today by default): those that give access."""
        day = day or timezone.localdate()
        return self.confirmed().filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class PostAssignment(models.Model):
    """A social worker holding a post between two dates. Follow-ups stay with the post when they leave.

    An assignment requested in the application (a new ISCG account, or an account given a post) is
    *pending* (``confirmed_at`` empty) until a second person confirms it: another coordinator of the
    department or the national admin, never the requester (issue 16, item 6). Only confirmed
    assignments give access. Rows written outside any request (demo, volume generation, existing rows
    at the migration) are confirmed by the database default; the admin site requests them too.
    """

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker"),
        on_delete=models.PROTECT,
        related_name="post_assignments",
        limit_choices_to={"role": "iscg"},
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, db_default=Now())

    objects = PostAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["post", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="postassignment_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.UniqueConstraint(
                fields=["post", "user", "starts_on"],
                name="postassignment_unique_start",
                violation_error_message=_("This social worker already has an assignment starting on this date."),
            ),
            models.CheckConstraint(
                condition=~Q(confirmed_by=models.F("requested_by")),
                name="postassignment_confirmed_by_another",
                violation_error_message=_("An assignment is confirmed by someone other than who requested it."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.post}"

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None


class PartnerType(models.Model):
    """A kind of service people are oriented to (docs/domain.md §6). Seeded; administrators may edit it."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner type")
        verbose_name_plural = _("partner types")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.partner_q(scope))

    def with_list_data(self):
        return self.select_related("department", "partner_type").order_by("name", "pk")


class Partner(models.Model):
    """A service of the department's directory that the ISCG orient people to."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="partners"
    )
    partner_type = models.ForeignKey(
        PartnerType, verbose_name=_("partner type"), on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=255, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)
    accepts = models.TextField(_("what they accept"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"],
                name="partner_unique_name_per_department",
                violation_error_message=_("A partner with this name already exists in this department."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:partner_detail", kwargs={"public_id": self.public_id})
