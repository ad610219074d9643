"""Model fields that keep their values out of the database in clear (see privacy.crypto).

``Encrypted*Field``: the column holds a Fernet token (a ``text`` column, whatever the clear length);
Python code, forms and templates see the clear value. Only ``isnull`` and ``exact`` with an empty
value can be looked up: a token is random, so any other comparison could never match and is refused.

``KeyedHashField``: the column holds the HMAC-SHA256 of the value it is given (already hashed values
are kept), so equal inputs can still be found with ``field=value``.
"""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from privacy import crypto


class EmptyOnlyExact(Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.output_field.name} is encrypted: it can only be compared with ''.")
        return super().get_prep_lookup()


class EncryptedMixin:
    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField in forms and validation (max_length applies to the clear value), stored as text."""


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


def encrypted_fields(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)]


class KeyedHashField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", crypto.HASH_LENGTH)
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value or crypto.is_keyed_hash(value):
            return value
        return crypto.keyed_hash(value)

    def get_lookup(self, lookup_name):
        if lookup_name in {"exact", "in", "isnull"}:
            return super().get_lookup(lookup_name)
        return None
