"""The follow-up page's change history: the follow-up, its person, interventions, assessments and
orientations, read and masked by audit.history (which imports no domain app)."""

from audit.history import HistoryRow, records_history
from casework.models import Assessment, FollowUp, Intervention, Orientation, Person


def followup_history(followup, *, limit: int = 30) -> list[HistoryRow]:
    """The changes of a follow-up, its person, interventions, assessments and orientations (newest first)."""
    records = {
        FollowUp: [followup.pk],
        Person: [followup.person_id],
        **{
            model: model.objects.filter(followup=followup).values("pk")
            for model in (Intervention, Assessment, Orientation)
        },
    }
    return records_history(records, limit=limit, page_model=FollowUp._meta.label)
