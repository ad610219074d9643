from django.conf import settings


def security(request):
    """Demo-mode banner, and whether the session passed the second factor (the menu shows only then)."""
    user = getattr(request, "user", None)
    # Error pages can render before django-otp's middleware has run: no is_verified() means not verified.
    is_verified = getattr(user, "is_verified", lambda: False)
    verified = bool(user and user.is_authenticated and (not settings.REQUIRE_2FA or is_verified()))
    return {"DEMO_MODE": not settings.REQUIRE_2FA, "SESSION_VERIFIED": verified}
