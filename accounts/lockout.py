"""Lockout rules on top of django-axes (docs/security.md).

- An account is locked for one address only: AXES_FAILURE_LIMIT failures for a (username, address)
  pair lock that pair for AXES_COOLOFF_TIME. A stranger failing from another address cannot lock the
  owner out.
- One address is blocked for every account after AXES_ADDRESS_FAILURE_LIMIT failures across accounts
  in the same cool-off (password spraying). The limit is high enough for a police station whose
  officers share one address.
"""

import hashlib

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum


def username_from_request(request, credentials) -> str:
    """The username axes counts failures for: e-mails are case-insensitive, so normalise them."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()


def address_failures(ip_address: str | None, *, since) -> int:
    """Failed sign-ins from one address, every account together, since a moment."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus a cap per address across accounts."""

    def _address_blocked(self, request) -> bool:
        since = get_cool_off_threshold(request)
        failures = address_failures(getattr(request, "axes_ip_address", None), since=since)
        return failures >= settings.AXES_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or (
            settings.AXES_LOCK_OUT_AT_FAILURE and self._address_blocked(request)
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self._address_blocked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=username_from_request(request, credentials),
                ip_address=request.axes_ip_address,
            )


# ---- Password reset requests --------------------------------------------------------------------


def _count(key: str, window: int) -> int:
    """Add one to a counter that lives ``window`` seconds from its first hit; return the new value."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def password_reset_allowed(request, email: str) -> bool:
    """Count a reset request; False once its address or its e-mail has asked too often lately.

    Both counters move on every request, whether the account exists or not: the answer tells nothing
    about the account.
    """
    window = settings.PASSWORD_RESET_THROTTLE_WINDOW
    ip_address = get_client_ip_address(request) or "unknown"
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_address = _count(f"accounts:reset:ip:{ip_address}", window)
    by_email = _count(f"accounts:reset:email:{email_key}", window)
    return (
        by_address <= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS and by_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    )
