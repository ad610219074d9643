"""The project's base form: django-dsfr's, rendered by one shared renderer, with bounded free text.

django-dsfr's ``DsfrBaseForm.default_renderer`` returns its renderer *class* (unless FORM_RENDERER is
changed, which would also restyle the admin's forms): Django then builds a new renderer, hence a new
template engine, for every form instance, and parses the field templates again each time. On the
referral form (about fifty fields) that was most of the page's server time (docs/benchmarks.md).
Every form of the project inherits from this class instead, which shares one renderer.

Free text (a text field without its own ``max_length``, e.g. backed by a model TextField) is capped
here for every form at once: TEXT_MAX_LENGTH characters, or what the form's ``text_max_lengths``
says for a field. Past it, a French error, never a save (a 2 MB paste is refused, not stored).
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm as _DsfrBaseForm
from dsfr.forms import DsfrDjangoTemplates

RENDERER = DsfrDjangoTemplates()

# About four typed pages: ample for a summary, a note, a description; 200 times less than 2 MB.
TEXT_MAX_LENGTH = 10_000
TOO_LONG = _("This text is too long: %(limit_value)d characters at most (it has %(show_value)d).")


# Text-like fields whose cleaned value is not a string (a UUID, decoded JSON) are left alone.
NOT_FREE_TEXT = (forms.UUIDField, forms.JSONField)


class TextMaxLengthValidator(MaxLengthValidator):
    """Checks strings only (a field's cleaned value may be something else)."""

    def __call__(self, value):
        if isinstance(value, str):
            super().__call__(value)


def limit_free_text(form: forms.BaseForm) -> None:
    """Give every text field of ``form`` that has no maximum length one, with a French message."""
    overrides = getattr(form, "text_max_lengths", {})
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or isinstance(field, NOT_FREE_TEXT) or field.max_length is not None:
            continue
        limit = overrides.get(name, TEXT_MAX_LENGTH)
        field.max_length = limit
        field.validators.append(TextMaxLengthValidator(limit, message=TOO_LONG))
        if not field.widget.is_hidden:
            field.widget.attrs.setdefault("maxlength", str(limit))


class DsfrBaseForm(_DsfrBaseForm):
    default_renderer = RENDERER
    text_max_lengths: dict[str, int] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_free_text(self)
