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
