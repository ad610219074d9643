"""Names that cannot appear on a page by chance: a leak assertion (« this name is not in the page ») is only
worth something when the name is unique. A Faker first name alone once equalled the coordinator's, shown in
the header (« Océane »): every generated name ends with a random token of letters (forms accept letters)."""

import secrets
import string

from faker import Faker

FAKE = Faker("fr_FR")


def token(length: int = 6) -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(length))


def unique_name(kind: str) -> str:
    """unique_name("last_name") -> « Durandqzkfwe »: a Faker name of that kind, made unique."""
    return f"{getattr(FAKE, kind)()}{token()}"
