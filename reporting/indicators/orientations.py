"""Group E: orientations and child-protection transmissions (docs/domain.md §7.2)."""

from concurrent.futures import Future

from django.db.models import (
    Count,
    Q,
)
from django.db.models.functions import (
    Coalesce,
)
from django.utils.translation import gettext as _

from casework.enums import (
    CHILD_PROTECTION_KINDS,
    OrientationKind,
    OrientationStatus,
)
from casework.models import Orientation
from organisation.models import PartnerType
from reporting.bilan import FigureUnit, Indicator
from reporting.indicators.cells import breakdown_cells, denominator_of
from reporting.indicators.person_facts import PersonFacts
from reporting.indicators.queries import UNKNOWN, grouped_counts
from reporting.indicators.scope import Bounds, Filters


def orientation_indicators(filters: Filters, bounds: Bounds, facts: "Future[PersonFacts]") -> list[Indicator]:
    in_period = Orientation.objects.filter(filters.followup("followup__"), bounds.on("oriented_on"))
    orientations = in_period.filter(kind=OrientationKind.ORIENTATION).annotate(
        type_code=Coalesce("partner__partner_type__code", "partner_type__code")
    )
    total = orientations.count()
    by_type = grouped_counts(orientations, "type_code")
    types = PartnerType.objects.filter(Q(is_active=True) | Q(code__in=list(by_type))).order_by("position", "name")
    denominator = denominator_of(total, _("orientations"))
    e1 = Indicator(
        "E1",
        _("Orientations by partner type"),
        FigureUnit.ORIENTATIONS,
        total,
        breakdown_cells(by_type, [(kind.code, kind.name) for kind in types] + [(UNKNOWN, _("Not stated"))], total),
        denominator,
    )
    e2 = Indicator(
        "E2",
        _("Orientations by status"),
        FigureUnit.ORIENTATIONS,
        total,
        breakdown_cells(grouped_counts(orientations, "status"), OrientationStatus.choices, total),
        denominator,
    )
    oriented = orientations.aggregate(n=Count("followup__person", distinct=True))["n"]
    transmissions = in_period.filter(kind__in=CHILD_PROTECTION_KINDS)
    by_kind = grouped_counts(transmissions, "kind")
    e3 = Indicator(
        "E3",
        _("Persons oriented"),
        FigureUnit.PERSONS,
        oriented,
        denominator_label=denominator_of(facts.result().met, _("persons met")),
    )
    transmitted = sum(by_kind.values())
    e4 = Indicator(
        "E4",
        _("Child-protection transmissions"),
        FigureUnit.TRANSMISSIONS,
        transmitted,
        breakdown_cells(
            by_kind, [(kind, OrientationKind(kind).label) for kind in CHILD_PROTECTION_KINDS], transmitted
        ),
        denominator_of(transmitted, _("transmissions")),
        note=_("Information of concern to the CRIP and reports to the prosecutor, counted apart from orientations."),
    )
    return [e1, e2, e3, e4]
