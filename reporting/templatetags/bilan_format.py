from django import template

from reporting.summary import format_change, format_percent, format_value

register = template.Library()


@register.filter
def figure(value, unit):
    """``{{ indicator.total|figure:indicator.unit }}``: "1 234", "12 345,67 €", "< 11", "—"."""
    return format_value(value, unit)


@register.filter
def percent(value):
    return format_percent(value) or "—"


@register.filter
def change(current, previous):
    """``{{ indicator.total|change:previous.total }}``: "+15,3 %", empty when it cannot be computed."""
    return format_change(current, previous)
