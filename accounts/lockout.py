"""Lockout helpers for django-axes."""


def username_from_request(request, credentials) -> str:
    """The username axes counts failures for: e-mails are case-insensitive, so normalise them."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()
