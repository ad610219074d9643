"""Payments due (docs/domain.md §8): a call for funds sent to a funder and not yet covered by the payments
received from that funder for the same convention year.

Per convention, funder and year: called = the calls for funds dated up to 30 days from today (a call dated
later is not due yet), paid = every payment received; what is due is called − paid when positive. The
coordinator's home counts these rows and links to the list of them (``dashboards:payments_due``).
"""

import datetime

from django.db.models import F, Max, Q, Sum
from django.db.models.functions import Coalesce

from conventions.enums import PaymentKind

DUE_WITHIN_DAYS = 30


def payments_due(payments, *, today: datetime.date):
    """Rows (convention, funder, year) of a scoped Payment queryset with an amount still due. One query."""
    horizon = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    called = Q(kind=PaymentKind.CALL_FOR_FUNDS, dated_on__lte=horizon)
    return (
        payments.values(
            "convention",
            "convention__public_id",
            "convention__title",
            "convention__department",
            "convention__department__code",
            "funder",
            "funder__name",
            "year",
        )
        .annotate(
            called_cents=Coalesce(Sum("amount_cents", filter=called), 0),
            paid_cents=Coalesce(Sum("amount_cents", filter=Q(kind=PaymentKind.PAYMENT)), 0),
            last_called_on=Max("dated_on", filter=called),
        )
        .annotate(due_cents=F("called_cents") - F("paid_cents"))
        .filter(due_cents__gt=0)
        .order_by("last_called_on", "convention__title", "convention", "funder__name", "funder", "year")
    )
