"""Every date field of every form is a browser date picker that shows its value.

An ``<input type="date">`` accepts only an ISO value (2026-12-05): Django's plain DateInput renders the
French format (05/12/2026), which the browser drops, so a date the form fills in (« today ») shows empty
and the required field blocks the submission. The one widget (iscg.forms.DateInput) renders ISO.
"""

import datetime
import importlib
import inspect

import django_filters
import pytest
from django import forms
from django.apps import apps

from iscg.forms import DateInput

PROJECT_APPS = [config for config in apps.get_app_configs() if not config.path.count("site-packages")]


def _form_classes():
    for config in PROJECT_APPS:
        for module_name in ("forms", "filters", "post_forms"):
            try:
                module = importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if value.__module__ != module.__name__:
                    continue
                if issubclass(value, forms.BaseForm):
                    yield value, value.base_fields
                elif issubclass(value, django_filters.FilterSet):
                    yield (
                        value,
                        {
                            name: forms.DateField(widget=f.extra.get("widget") or forms.DateInput())
                            for name, f in value.base_filters.items()
                            if isinstance(f, django_filters.DateFilter)
                        },
                    )


def _date_fields():
    for form_class, fields in _form_classes():
        for name, field in fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                yield pytest.param(field, id=f"{form_class.__module__}.{form_class.__name__}.{name}")


@pytest.mark.parametrize("field", list(_date_fields()))
def test_a_date_field_is_a_date_picker_rendering_iso(field):
    assert isinstance(field.widget, DateInput | forms.HiddenInput), type(field.widget)
    if isinstance(field.widget, DateInput):
        html = field.widget.render("day", datetime.date(2026, 12, 5))
        assert 'type="date"' in html and 'value="2026-12-05"' in html
