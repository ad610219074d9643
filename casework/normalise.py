"""Normalised forms of names and phone numbers, for accent- and case-insensitive search and for
duplicate detection. Pure functions: the services store their results, queries use them too.
Phones are stored and searched only as a keyed hash of their normalised form (``phone_key``)."""

import re
import unicodedata

from privacy.crypto import keyed_hash

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_DIGIT = re.compile(r"\D+")


def normalise_text(value: str) -> str:
    """ "Éloïse  D'Arc-Lefèvre" -> "eloise d arc lefevre"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", ascii_text.lower()).strip()


def name_key(*names: str) -> str:
    """The tokens of the names, sorted: "Dupont Marie" and "Marie Dupont" give the same key."""
    return " ".join(sorted(normalise_text(" ".join(names)).split()))


def normalise_phone(value: str) -> str:
    """ "+33 (0)6 12-34-56-78" -> "0612345678": digits only, French international prefix folded."""
    digits = _NOT_DIGIT.sub("", value or "")
    if digits.startswith("0033"):
        digits = digits[4:]
    elif digits.startswith("33") and len(digits) >= 11:
        digits = digits[2:]
    if len(digits) == 9:
        digits = "0" + digits
    return digits


def phone_key(value: str) -> str:
    """The keyed hash (HMAC-SHA256) of the normalised phone, as Person.search_phone stores it."""
    return keyed_hash(normalise_phone(value))
