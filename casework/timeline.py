"""The follow-up timeline: referrals, danger grids, interventions, assessments and orientations,
newest first. A fixed number of queries whatever the number of entries."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from casework.enums import InterventionStatus
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation
from referrals.models import DangerAssessment, Referral


@dataclass(frozen=True)
class Entry:
    kind: str  # referral, danger_grid, intervention, assessment, orientation
    at: datetime.datetime
    item: Any

    @property
    def template_name(self) -> str:
        return f"casework/includes/_timeline_{self.kind}.html"


def _midday(day: datetime.date) -> datetime.datetime:
    """Dated records sort after the day's timed ones of the morning, before the evening's."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def followup_timeline(followup: FollowUp) -> list[Entry]:
    referral_ids = FollowUpReferral.objects.filter(followup=followup).values("referral")
    referrals = Referral.objects.filter(pk__in=referral_ids).select_related("unit").prefetch_related("problems")
    grids = DangerAssessment.objects.filter(referral__in=referral_ids).select_related("referral", "version")
    interventions = Intervention.objects.filter(followup=followup).select_related("author")
    assessments = (
        Assessment.objects.filter(followup=followup)
        .select_related("author")
        .prefetch_related("problems", "violence_forms")
    )
    orientations = Orientation.objects.filter(followup=followup).select_related("partner", "partner_type", "author")
    entries = [
        *(Entry("referral", referral.referred_at, referral) for referral in referrals),
        *(Entry("danger_grid", grid.filled_at, grid) for grid in grids),
        *(Entry("intervention", intervention.starts_at, intervention) for intervention in interventions),
        *(Entry("assessment", _midday(assessment.assessed_on), assessment) for assessment in assessments),
        *(Entry("orientation", _midday(orientation.oriented_on), orientation) for orientation in orientations),
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def next_planned(followup: FollowUp) -> Intervention | None:
    return (
        Intervention.objects.filter(
            followup=followup, status=InterventionStatus.PLANNED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at", "pk")
        .first()
    )
