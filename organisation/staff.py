"""Staff accounts managed by coordinators: reads scoped through access.user_q, writes as services."""

import datetime
import logging

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from accounts import services as account_services
from accounts.enums import AccountEvent, Role
from accounts.history import account_event
from accounts.models import User
from organisation import access, services
from organisation.models import Department, Post, PostAssignment, Unit

logger = logging.getLogger(__name__)


def staff_visible_to(scope):
    """The accounts a coordinator (or admin) may manage: those attached to their departments."""
    ids = User.objects.filter(access.user_q(scope)).values("pk")
    return User.objects.filter(pk__in=ids)


def assignments_to_confirm(scope, user: User):
    """The pending assignments this user may confirm: on the posts of their scope, requested by someone
    else (services.can_confirm_assignment says the same of one assignment)."""
    if user.role not in (Role.COORDINATOR, Role.ADMIN):
        return PostAssignment.objects.none()
    return (
        PostAssignment.objects.pending()
        .filter(post__in=Post.objects.visible_to(scope), user__in=staff_visible_to(scope), user__is_active=True)
        .exclude(requested_by=user)
        .select_related("post", "user", "requested_by")
        .order_by("requested_at", "pk")
    )


def locked_out_filter():
    """Exists() of a current lockout for the account's username."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return Exists(
        AccessAttempt.objects.filter(
            username=OuterRef("email"),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        )
    )


def with_list_data(queryset):
    current = PostAssignment.objects.current().select_related("post").order_by("post__name")
    pending = PostAssignment.objects.pending().select_related("post", "requested_by").order_by("post__name")
    return (
        queryset.annotate(is_locked_out=locked_out_filter())
        .prefetch_related(
            Prefetch("departments", queryset=Department.objects.order_by("code")),
            Prefetch("units", queryset=Unit.objects.order_by("name")),
            Prefetch("post_assignments", queryset=current, to_attr="current_assignments"),
            Prefetch("post_assignments", queryset=pending, to_attr="pending_assignments"),
        )
        .order_by("last_name", "first_name", "pk")
    )


@transaction.atomic
def staff_create(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    departments=(),
    units=(),
    post: Post | None = None,
    starts_on: datetime.date | None = None,
) -> User:
    """Create an account with its role and scope, and e-mail its invitation (48 h, single use)."""
    user = User.objects.create_user(email=email, password=None, first_name=first_name, last_name=last_name, role=role)
    if role in (Role.COORDINATOR, Role.FUNDER):
        user.departments.set(departments)
    elif role == Role.POLICE:
        user.units.set(units)
    elif role == Role.ISCG and post is not None:
        services.post_assignment_request(post=post, user=user, by=by, starts_on=starts_on)
    account_services.user_invite(user=user, by=by)  # queued in this transaction (background.outbox)
    return user


def staff_unlock(*, user: User, by: User) -> int:
    """Lift a sign-in lockout before the cool-off ends."""
    count = axes_reset(username=user.email)
    account_event(user=user, by=by, event=AccountEvent.UNLOCKED)
    logger.info("lockout lifted user_id=%s by=%s", user.pk, by.pk)
    return count
