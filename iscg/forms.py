"""The project's base form: django-dsfr's, rendered by one shared renderer, with bounded free text.

django-dsfr's ``DsfrBaseForm.default_renderer`` returns its renderer *class* (unless FORM_RENDERER is
changed, which would also restyle the admin's forms): Django then builds a new renderer, hence a new
template engine, for every form instance, and parses the field templates again each time. On the
referral form (about fifty fields) that was most of the page's server time (docs/benchmarks.md).
Every form of the project inherits from this class instead, which shares one renderer.

Free text (a text field without its own ``max_length``, e.g. backed by a model TextField) is capped
here for every form at once: TEXT_MAX_LENGTH characters, or what the form's ``text_max_lengths``
says for a field. Past it, a French error, never a save (a 2 MB paste is refused, not stored).

Django's empty choice (« --------- ») is named here for every form at once: « Select an option », or
« Any » in the filter forms (FilterForm), which also mark no field « (Optional) »: every filter is.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from dsfr.forms import DsfrBaseForm as _DsfrBaseForm
from dsfr.forms import DsfrBoundField, DsfrDjangoTemplates

RENDERER = DsfrDjangoTemplates()


class DateInput(forms.DateInput):
    """The browser's date picker. It accepts only an ISO value: Django's default, the French format,
    would be dropped, and a date filled in by the form (« today ») would show empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


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


# Django's and django-filter's label of the empty choice, and the project's.
DASHES = "---------"
SELECT_AN_OPTION = _("Select an option")


def name_empty_choices(form: forms.BaseForm, label) -> None:
    """Replace the « --------- » empty choice of every choice field of ``form`` by ``label``."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) == DASHES:
            field.empty_label = label  # model choice fields and django-filter's choice fields
            field.widget.choices = field.choices  # the widget's copy may still read the class's field
        elif type(field) in (forms.ChoiceField, forms.TypedChoiceField):
            choices = list(field.choices)
            if any(value in ("", None) and text == DASHES for value, text in choices):
                field.choices = [
                    (value, label if value in ("", None) and text == DASHES else text) for value, text in choices
                ]


class DsfrBaseForm(_DsfrBaseForm):
    default_renderer = RENDERER
    text_max_lengths: dict[str, int] = {}
    empty_choice_label = SELECT_AN_OPTION

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_free_text(self)
        name_empty_choices(self, self.empty_choice_label)


# django-dsfr's field snippets, and the project's copies without the « (Optional) » marker (its template
# tag reads the DSFR_MARK_OPTIONAL_FIELDS setting only, so a form cannot turn it off).
UNMARKED_SNIPPETS = {
    f"dsfr/form_field_snippets/{name}_snippet.html": f"forms/filter_fields/{name}_snippet.html"
    for name in ("input", "checkbox", "checkboxselectmultiple", "radioselect")
}


class FilterBoundField(DsfrBoundField):
    def render(self, template_name=None, context=None, renderer=None):
        name = template_name or self.template_name
        if name not in UNMARKED_SNIPPETS:
            return super().render(template_name, context, renderer)
        return loader.render_to_string(UNMARKED_SNIPPETS[name], {**self.get_context(), **(context or {})})


class FilterForm(DsfrBaseForm):
    """The base of the filter forms (django-filter's ``Meta.form``): every field is optional, none is marked."""

    bound_field_class = FilterBoundField
    empty_choice_label = pgettext_lazy("empty choice of a filter", "Any")
