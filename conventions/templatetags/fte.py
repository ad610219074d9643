"""Display of FTE: « 3,5 », « 6 », « 0,25 » (French decimal comma, no useless zeros)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def fte(value):
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    places = 0 if value == value.to_integral_value() else max(0, -value.normalize().as_tuple().exponent)
    return number_format(value, places, use_l10n=True)
