from django.conf import settings

from accounts.enums import Role


def navigation(request):
    """Service name and the current role, for the header and the navigation (no query)."""
    scope = getattr(request, "scope", None)
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SERVICE_TAGLINE": settings.SERVICE_TAGLINE,
        "ROLE": scope.role if scope is not None and request.user.is_authenticated else None,
        "Role": Role,
    }
