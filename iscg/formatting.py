"""The one money formatter: amounts are stored in cents and read « 12 345,67 € » (the active
language's grouping and decimal mark, an unbreakable space before the euro sign).

Every page, PDF, summary sentence and bilan warning shows money through ``euros`` (the templates
through the ``euros`` filter of ``conventions.templatetags.money``). The CSV and XLSX exports write
numbers a spreadsheet reads instead (reporting.exports)."""

from decimal import Decimal

from django.utils.formats import number_format

NBSP = "\xa0"


def euros(cents: int | str | None) -> str:
    """Cents → euros, grouped, two decimals, with the euro sign. Empty values show a dash."""
    if cents is None or cents == "":
        return "—"
    amount = Decimal(int(cents)) / 100
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)}{NBSP}€"
