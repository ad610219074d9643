"""Guards on the environment the code runs in (``ISCG_ENV``)."""

import os

from django.conf import settings
from django.core.management.base import CommandError


def is_production() -> bool:
    """True when the settings or the process environment say production (either is enough)."""
    return getattr(settings, "ISCG_ENV", "local") == "production" or os.environ.get("ISCG_ENV") == "production"


def refuse_in_production(what: str) -> None:
    """Stop a command that writes made-up data (demo, benchmark volume) on a production database."""
    if is_production():
        raise CommandError(
            f"{what} writes made-up data and never runs in production (ISCG_ENV=production). "
            "Run it on a local or test database."
        )
