"""Display of amounts stored in cents: « 12 345,67 € » (French grouping and decimal comma)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

NBSP = "\xa0"


@register.filter
def euros(cents):
    """Cents → euros, grouped, two decimals, with the euro sign. Empty values show a dash."""
    if cents is None or cents == "":
        return "—"
    amount = Decimal(int(cents)) / 100
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)}{NBSP}€"


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
