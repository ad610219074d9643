"""Whether the previous period is a fair comparison: the days each post was recording activity."""

import datetime

from django.db.models import (
    Min,
    OuterRef,
    Subquery,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casework.models import Intervention
from organisation.models import Post
from referrals.models import Referral
from reporting.bilan import Period
from reporting.indicators.scope import Filters


def recording_spans(filters: Filters) -> list[tuple[datetime.date, datetime.date | None]]:
    """When the scope's activity was being recorded: for each post, from the later of its opening and
    its first recorded activity (an intervention of any status or a referral of its units; imported
    history counts from its own dates) to its closing; for a unit, from its first referral on."""
    if filters.unit:
        first = Referral.objects.filter(unit=filters.unit.pk).aggregate(first=Min("referred_at"))["first"]
        return [(timezone.localdate(first), None)] if first else []
    first_intervention = (
        Intervention.objects.filter(followup__post=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1]
    )
    first_referral = (
        Referral.objects.filter(unit__posts=OuterRef("pk")).order_by("referred_at").values("referred_at")[:1]
    )
    posts = Post.objects.all()
    if filters.post:
        posts = posts.filter(pk=filters.post.pk)
    elif filters.department:
        posts = posts.filter(department=filters.department.pk)
    rows = posts.annotate(
        first_intervention=Subquery(first_intervention), first_referral=Subquery(first_referral)
    ).values_list("starts_on", "ends_on", "first_intervention", "first_referral")
    spans = []
    for starts_on, ends_on, *firsts in rows:
        recorded = [timezone.localdate(moment) for moment in firsts if moment is not None]
        if recorded:
            spans.append((max(starts_on, min(recorded)), ends_on))
    return spans


def covered_days(spans, period: Period) -> int:
    days = 0
    for start, end in spans:
        first, last = max(start, period.start), min(end or period.end, period.end)
        days += max((last - first).days + 1, 0)
    return days


def incomplete_comparison(filters: Filters, period: Period, previous: Period) -> str:
    """A French note when the previous period's activity was recorded over less of it than the period's
    own (posts opened later or closed, history imported from a later date): its figures are then no trend.
    Compared: the days each post was recording activity, as a share of each period's days."""
    spans = recording_spans(filters)
    covered, previous_covered = covered_days(spans, period), covered_days(spans, previous)
    if previous_covered * period.days >= covered * previous.days:
        return ""
    start = min(span[0] for span in spans)
    if start > previous.start:
        detail = _("activity recorded from %(date)s") % {"date": _long_date(start)}
    else:  # posts opened during it, or closed before its end
        detail = _("the posts recorded activity during %(previous)s of it, against %(current)s of this period") % {
            "previous": f"{round(100 * previous_covered / (previous.days * len(spans)))} %",
            "current": f"{round(100 * covered / (period.days * len(spans)))} %",
        }
    return _("incomplete comparison period: %(detail)s") % {"detail": detail}


def _long_date(day: datetime.date) -> str:
    """ "1er octobre 2024" in French (the first of the month is an ordinal), "1 October 2024" in English."""
    text = date_format(day, "DATE_FORMAT")
    if day.day == 1 and (get_language() or "").startswith("fr"):
        text = text.replace("1", "1er", 1)
    return text
