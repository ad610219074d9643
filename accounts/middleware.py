import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

SESSION_STARTED_AT = "accounts.started_at"
SESSION_SEEN_AT = "accounts.seen_at"
SEEN_AT_RESOLUTION = 60  # seconds

# Pages an authenticated user whose session is not yet verified by a second factor may reach.
UNVERIFIED_ALLOWED = {
    "accounts:login",
    "accounts:logout",
    "accounts:verify",
    "accounts:enrol",
    "accounts:invitation",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "pages:accessibility",
    "pages:legal",
    "pages:privacy",
}


class SessionLifetimeMiddleware:
    """End a session after 30 minutes without a request, or 12 hours after sign-in, whichever first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED_AT, now)
            seen = request.session.get(SESSION_SEEN_AT, now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)  # flushes the session server-side
                messages.info(request, _("Your session has expired. Please sign in again."))
                return redirect(settings.LOGIN_URL)
            if now - seen >= SEEN_AT_RESOLUTION or SESSION_SEEN_AT not in request.session:
                request.session[SESSION_SEEN_AT] = now  # a session write at most once a minute
        return self.get_response(request)


class TwoFactorMiddleware:
    """Refuse every page but sign-in, enrolment and public pages to sessions not verified by a second factor.

    Enforced for the whole site, admin included. A local demo may switch it off (REQUIRE_2FA=false).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.REQUIRE_2FA or not request.user.is_authenticated or request.user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in UNVERIFIED_ALLOWED:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        target = "accounts:verify" if _has_confirmed_device(request.user) else "accounts:enrol"
        return redirect(target)


def _has_confirmed_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


class NoStoreMiddleware:
    """Pages of signed-in users hold confidential data: never keep them in a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


# Browser features no page of the service uses: denied to every page and every frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Send a ``Permissions-Policy`` header denying camera, microphone, location, payment, USB… on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
