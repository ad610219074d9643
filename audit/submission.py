"""Submit once: N identical POSTs of a rendered form create one record.

Every create form renders a one-time token (``{% submission_token %}``, a hidden field). The first POST
carrying it claims it — a row with a unique key, committed before the view runs — and, when the view
redirects, records where. Any other POST with the same token (a double click, a resent request, N
concurrent ones) waits for the first one's outcome and is redirected to the same place, with a
message, without running the view. When the first POST does not redirect (the form had errors, or
the view failed), the token is released so that the corrected form can be sent again.

The key hashes the user, the path and the token: a token only ever replays its own user's submission
of that form. A POST without a token (other forms, the admin) is left alone.
"""

import datetime
import hashlib
import logging
import time

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import SubmissionToken

logger = logging.getLogger(__name__)

FIELD = "_submission"
WAIT_SECONDS = 30  # how long a duplicate waits for the first POST (an import's check can take ~20 s)
POLL_SECONDS = 0.1
KEPT_FOR = datetime.timedelta(days=1)
REDIRECTS = (301, 302, 303, 307, 308)


def submission_key(user_pk, path: str, token: str) -> str:
    return hashlib.sha256(f"{user_pk}\x00{path}\x00{token}".encode()).hexdigest()


def _claim(key: str) -> bool:
    """True for the first claim of the key. Committed at once (middleware runs outside the view's
    transaction), so that concurrent requests see it."""
    now = timezone.now()
    try:
        with transaction.atomic():
            SubmissionToken.objects.create(key=key, created_at=now)
    except IntegrityError:
        return False
    SubmissionToken.objects.filter(created_at__lt=now - KEPT_FOR).delete()
    return True


def _outcome(key: str) -> str | None:
    """Where the first POST redirected; "" while it runs; None once it released the token."""
    return SubmissionToken.objects.filter(key=key).values_list("location", flat=True).first()


class SubmitOnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        user = getattr(request, "user", None)
        if not token or len(token) > 64 or user is None or not user.is_authenticated:
            return self.get_response(request)
        key = submission_key(user.pk, request.path, token)
        if _claim(key):
            return self._first(request, key)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            location = _outcome(key)
            if location:
                logger.info("Duplicate submission of %s redirected to the first one's outcome", request.path)
                messages.info(request, _("This form had already been sent: here is what it recorded."))
                return redirect(location)
            # None: the first one failed and released the token, so this one may try.
            if location is None and _claim(key):
                return self._first(request, key)
            time.sleep(POLL_SECONDS)
        messages.warning(request, _("This form is still being processed: check in a moment whether it was saved."))
        return redirect(request.get_full_path())

    def _first(self, request, key: str):
        try:
            response = self.get_response(request)
        except BaseException:
            SubmissionToken.objects.filter(key=key).delete()
            raise
        location = response.get("Location", "") if response.status_code in REDIRECTS else ""
        if location:
            SubmissionToken.objects.filter(key=key).update(location=location[:2000])
        else:
            SubmissionToken.objects.filter(key=key).delete()
        return response
