"""Display of amounts stored in cents (the formatter is iscg.formatting.euros) and of percentages."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from iscg.formatting import NBSP, euros

register = template.Library()

register.filter("euros", euros)


@register.filter
def signed_euros(cents):
    """Like ``euros`` for a gap: the absolute value (the label says whether it is missing or in excess)."""
    if cents is None or cents == "":
        return "—"
    return euros(abs(int(cents)))


@register.filter
def percent(value, digits=1):
    if value is None or value == "":
        return "—"
    return f"{number_format(Decimal(str(value)), int(digits), use_l10n=True)}{NBSP}%"
