"""Encryption at rest and keyed hashes (docs/domain.md §9).

- Free texts and safe contacts are sealed with Fernet (AES-128-CBC + HMAC-SHA256, from
  ``cryptography``). ``FIELD_ENCRYPTION_KEYS`` lists the keys, newest first: the newest encrypts,
  any of them decrypts, so a key is rotated by putting a new one in front and running
  ``manage.py rotate_encryption_keys`` before the old one is dropped.
- Values that must still be *found* (the safe phone, for duplicate detection) are stored as an
  HMAC-SHA256 keyed with ``SEARCH_HASH_KEY``: equal inputs give equal hashes, the hash does not
  give the input back without the key.

Empty strings stay empty: "no note" is not a secret, and it keeps ``exclude(summary="")`` working.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

HASH_LENGTH = 64  # hex digits of an HMAC-SHA256


class DecryptionError(Exception):
    """A stored value no key of FIELD_ENCRYPTION_KEYS opens: a key was dropped too early."""


@functools.cache
def _fernets() -> tuple[MultiFernet, Fernet]:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        fernets = [Fernet(key) for key in keys]
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes), comma-separated."
        ) from error
    return MultiFernet(fernets), fernets[0]


@functools.cache
def _hash_key() -> bytes:
    key = settings.SEARCH_HASH_KEY
    if not key or len(key) < 32:
        raise ImproperlyConfigured("SEARCH_HASH_KEY must be at least 32 characters long.")
    return key.encode()


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting in {"FIELD_ENCRYPTION_KEYS", "SEARCH_HASH_KEY"}:
        _fernets.cache_clear()
        _hash_key.cache_clear()


def check_configuration() -> None:
    _fernets()
    _hash_key()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernets()[0].encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernets()[0].decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as error:
        raise DecryptionError("A stored value cannot be decrypted with any key of FIELD_ENCRYPTION_KEYS.") from error


def is_encrypted_with_newest_key(token: str) -> bool:
    try:
        _fernets()[1].decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def rotate(token: str) -> str:
    """The same value encrypted with the newest key (its original timestamp kept)."""
    if not token:
        return ""
    try:
        return _fernets()[0].rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise DecryptionError("A stored value cannot be decrypted with any key of FIELD_ENCRYPTION_KEYS.") from error


def is_keyed_hash(value: str) -> bool:
    return len(value) == HASH_LENGTH and all(char in "0123456789abcdef" for char in value)


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` (hex); empty stays empty."""
    if not value:
        return ""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()
