"""Writes on organisation data. Keyword-only, atomic; edits of shared records use optimistic locking."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from background.outbox import queue_email
from iscg.concurrency import save_with_version
from organisation.models import Partner, Post, PostAssignment

logger = logging.getLogger(__name__)

PARTNER_FIELDS = [
    "department",
    "partner_type",
    "name",
    "address",
    "commune",
    "phone",
    "email",
    "website",
    "opening_hours",
    "accepts",
    "is_active",
]


@transaction.atomic
def partner_create(*, by: User, **data) -> Partner:
    return Partner.objects.create(**{field: data[field] for field in PARTNER_FIELDS if field in data})


@transaction.atomic
def partner_update(*, partner: Partner, version: int, by: User, **data) -> Partner:
    """Save the edit only if nobody saved the partner since `version` was loaded."""
    values = {field: data[field] for field in PARTNER_FIELDS if field in data}
    save_with_version(partner, version=version, values=values)
    return partner


# ---- Post assignments: requested by one person, confirmed by a second (issue 16, item 6) -----------


class ConfirmationRefused(Exception):
    """The user may not confirm this assignment (their own request, or not a confirmer of its department)."""


def can_confirm_assignment(*, assignment: PostAssignment, by: User) -> bool:
    """Another coordinator of the post's department, or the national admin; never the requester."""
    if not assignment.is_pending or by.pk == assignment.requested_by_id or not by.is_active:
        return False
    if by.role == Role.ADMIN:
        return True
    return by.role == Role.COORDINATOR and by.departments.filter(pk=assignment.post.department_id).exists()


@transaction.atomic
def post_assignment_request(
    *, post: Post, user: User, by: User, starts_on: datetime.date | None = None
) -> PostAssignment:
    """Assign an ISCG account to a post, pending: it gives no access until a second person confirms it."""
    assignment = PostAssignment.objects.create(
        post=post,
        user=user,
        starts_on=starts_on or timezone.localdate(),
        requested_by=by,
        requested_at=timezone.now(),
        confirmed_at=None,
    )
    send_assignment_requested_email(assignment_id=assignment.pk)  # queued in this transaction
    logger.info("assignment requested assignment_id=%s post_id=%s by=%s", assignment.pk, post.pk, by.pk)
    return assignment


@transaction.atomic
def post_assignment_confirm(*, assignment: PostAssignment, by: User) -> PostAssignment:
    """The second person's confirmation: from now on the assignment gives access to the post."""
    assignment = PostAssignment.objects.select_for_update().select_related("post").get(pk=assignment.pk)
    if not can_confirm_assignment(assignment=assignment, by=by):
        raise ConfirmationRefused(_("You cannot confirm this assignment."))
    assignment.confirmed_by = by
    assignment.confirmed_at = timezone.now()
    assignment.save(update_fields=["confirmed_by", "confirmed_at"])
    send_assignment_confirmed_email(assignment_id=assignment.pk)  # queued in this transaction
    logger.info("assignment confirmed assignment_id=%s by=%s", assignment.pk, by.pk)
    return assignment


def _post_social_worker_emails(assignment: PostAssignment) -> list[str]:
    """The e-mail addresses of the post's active social workers, the new one left out."""
    return list(
        User.objects.filter(
            is_active=True, post_assignments__in=PostAssignment.objects.current().filter(post=assignment.post_id)
        )
        .exclude(pk=assignment.user_id)
        .distinct()
        .order_by("email")
        .values_list("email", flat=True)
    )


def _confirmer_emails(assignment: PostAssignment) -> list[str]:
    """Those who can confirm: the department's other active coordinators or, when it has none (a department
    with a single coordinator, the common case), the active national administrators; else the request
    would wait unseen."""
    others = User.objects.filter(is_active=True).exclude(pk=assignment.requested_by_id)
    coordinators = others.filter(role=Role.COORDINATOR, departments=assignment.post.department_id).distinct()
    confirmers = coordinators if coordinators.exists() else others.filter(role=Role.ADMIN)
    return list(confirmers.order_by("email").values_list("email", flat=True))


def _send(*, subject: str, template: str, context: dict, recipients: list[str]) -> None:
    message = render_to_string(template, context)
    queue_email(to=recipients, subject=subject, body=message)  # one message each: no one sees the others


def send_assignment_requested_email(*, assignment_id: int) -> None:
    """Tell the post's social workers, and the coordinators who can confirm, that an account was asked
    for the post. Staff names only: nothing about any person followed."""
    assignment = PostAssignment.objects.select_related("post", "user", "requested_by").get(pk=assignment_id)
    context = {
        "assignment": assignment,
        "staff_url": settings.SITE_URL
        + reverse("organisation:staff_detail", kwargs={"public_id": assignment.user.public_id}),
    }
    _send(
        subject=_("A social worker account is requested for your post"),
        template="organisation/email/assignment_requested.txt",
        context=context,
        recipients=_post_social_worker_emails(assignment),
    )
    _send(
        subject=_("An assignment awaits your confirmation"),
        template="organisation/email/assignment_to_confirm.txt",
        context=context,
        recipients=_confirmer_emails(assignment),
    )


def send_assignment_confirmed_email(*, assignment_id: int) -> None:
    """Tell the post's social workers that the new assignment is confirmed (staff names only)."""
    assignment = PostAssignment.objects.select_related("post", "user", "requested_by", "confirmed_by").get(
        pk=assignment_id
    )
    _send(
        subject=_("A social worker now has access to your post"),
        template="organisation/email/assignment_confirmed.txt",
        context={"assignment": assignment},
        recipients=_post_social_worker_emails(assignment),
    )
