import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisation import access


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class BilanDocumentQuerySet(models.QuerySet):
    def visible_to(self, scope):
        """A prepared file is its requester's only: it was computed and masked for them."""
        if not scope.is_authenticated:
            return self.none()
        return self.filter(requested_by_id=scope.user_id)


class BilanDocument(models.Model):
    """A bilan file prepared by the worker (reporting/documents.py): the request's validated query is
    computed again with the requester's scope, masked as for them, stored, and expires."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bilan_documents"
    )
    query = models.CharField(max_length=1000)
    fmt = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="bilan-documents/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    objects = BilanDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"], name="bilan_document_expires_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="bilan_document_progress_at_most_100"),
        ]

    def __str__(self):
        return f"{self.fmt} {self.created_at:%Y-%m-%d %H:%M}"


COMMENTARY_MAX_CHARS = 3000
COMMENTARY_MAX_LINES = 40


class BilanCommentaryQuerySet(models.QuerySet):
    def of_bilan(self, scope, period):
        """The commentary of a bilan scope and period (reporting.bilan.BilanScope, Period). Whoever may see
        that bilan may read it: the caller has checked the scope (reporting.forms.BilanForm)."""
        return self.filter(
            scope_kind=scope.kind, scope_key=scope.key, period_start=period.start, period_end=period.end
        )


class BilanCommentary(models.Model):
    """The coordinator's own text about a bilan (docs/reporting.md, « Commentaire »): one per scope and
    period, shown under the Faits marquants to everyone who may see that bilan, funders included.
    Edited with optimistic concurrency (``version``): two editors never silently overwrite each other."""

    scope_kind = models.CharField(max_length=20)  # reporting.bilan.ScopeKind
    scope_key = models.CharField(max_length=64)  # department code, post/unit public id, "national"
    period_start = models.DateField()
    period_end = models.DateField()
    text = models.TextField(_("commentary"), max_length=COMMENTARY_MAX_CHARS, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = BilanCommentaryQuerySet.as_manager()

    class Meta:
        ordering = ["scope_kind", "scope_key", "period_start", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_key", "period_start", "period_end"],
                name="bilan_commentary_one_per_scope_and_period",
                violation_error_message=_("This bilan already has a commentary."),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="bilan_commentary_period_in_order",
                violation_error_message=_("The end of the period is before its start."),
            ),
        ]

    def __str__(self):
        return f"{self.scope_kind}:{self.scope_key} {self.period_start}–{self.period_end}"


class AdoptedBilanQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.adopted_bilan_q(scope))

    def of(self, *, scope_kind: str, scope_key: str, start, end):
        """The versions of one scope and period, latest first."""
        return self.filter(scope_kind=scope_kind, scope_key=scope_key, period_start=start, period_end=end).order_by(
            "-version"
        )

    def with_list_data(self):
        return self.select_related("adopted_by", "committee").order_by("-adopted_at", "-pk")


class AdoptedBilan(models.Model):
    """A bilan adopted (typically at a steering committee): its exact figures, its PDF and the PDF's
    SHA-256, frozen. Never updated: a new adoption of the same scope and period is a new version
    (docs/reporting.md, "Adoption"). Masking is applied when it is shown, as to a live bilan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scope_kind = models.CharField(_("scope kind"), max_length=20)
    scope_key = models.CharField(_("scope key"), max_length=40)  # post/unit public id, department code, "national"
    scope_label = models.CharField(_("scope"), max_length=200)
    # Who may see it (organisation/access.py::adopted_bilan_q): the department (none for national),
    # and the post or the unit of a post or unit bilan.
    department = models.ForeignKey(
        "organisation.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey("organisation.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    version = models.PositiveSmallIntegerField(_("version"))
    # The exact figures as JSON text (reporting/adoption.py::bilan_data): text, not jsonb, so that the
    # order of indicators and cells is kept as adopted.
    figures = models.TextField(_("figures"))
    pdf = models.FileField(_("PDF (exact figures)"), upload_to="adopted-bilans/", max_length=255)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    # The diffusion version, when masked figures of this scope and period may be published.
    diffusion_pdf = models.FileField(
        _("PDF (diffusion version)"), upload_to="adopted-bilans/", max_length=255, blank=True
    )
    diffusion_pdf_sha256 = models.CharField(_("SHA-256 of the diffusion PDF"), max_length=64, blank=True)
    diffusion_threshold = models.PositiveSmallIntegerField(_("masking threshold"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adopted by"), on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.DateTimeField(_("adopted on"))
    committee = models.ForeignKey(
        "conventions.SteeringCommittee",
        verbose_name=_("steering committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_bilans",
    )

    objects = AdoptedBilanQuerySet.as_manager()

    class Meta:
        verbose_name = _("adopted bilan")
        verbose_name_plural = _("adopted bilans")
        ordering = ["scope_kind", "scope_key", "period_start", "period_end", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_key", "period_start", "period_end", "version"],
                name="adopted_bilan_one_number_per_version",
                violation_error_message=_("This version of the bilan has already been adopted."),
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="adopted_bilan_version_from_1"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="adopted_bilan_period_in_order",
                violation_error_message=_("The end of the period must be on or after its start."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(diffusion_pdf="", diffusion_pdf_sha256="", diffusion_threshold__isnull=True)
                    | (
                        ~models.Q(diffusion_pdf="")
                        & ~models.Q(diffusion_pdf_sha256="")
                        & models.Q(diffusion_threshold__isnull=False)
                    )
                ),
                name="adopted_bilan_diffusion_complete",
            ),
        ]

    def __str__(self):
        return f"{self.scope_kind}:{self.scope_key} {self.period_start}/{self.period_end} v{self.version}"

    def save(self, *args, **kwargs):
        # Frozen (docs/reporting.md, "Adoption"): created once, never changed. A new adoption is a new version.
        if not self._state.adding:
            raise ValueError("An adopted bilan never changes: adopt a new version instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reporting:adopted_bilan_detail", kwargs={"public_id": self.public_id})

    @property
    def has_diffusion(self) -> bool:
        return bool(self.diffusion_pdf)
