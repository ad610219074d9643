import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
