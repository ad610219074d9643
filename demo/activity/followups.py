"""How a demo follow-up unfolds once opened: its interventions (held, not honoured, cancelled, planned),
its closing, assessments and orientations, child-protection transmissions included."""

import datetime
import random
from collections import defaultdict

from casework.enums import (
    OUTCOME_STATUSES,
    FollowUpClosingReason,
    InterventionKind,
    InterventionStatus,
    OrientationKind,
    OrientationStatus,
    Place,
    RiskLevel,
)
from demo import stories
from demo.activity.plan import (
    AssessmentPlan,
    CasePlan,
    InterventionPlan,
    OrientationPlan,
    Weights,
    at,
    weighted,
    workday,
)
from organisation.enums import Force, UnitKind

# How many interventions a follow-up has (planned ones included).
COUNT_WEIGHTS = ((1, 20), (2, 20), (3, 18), (4, 13), (5, 9), (6, 6), (7, 4), (8, 4), (10, 3), (12, 2), (15, 1))
KIND_WEIGHTS = (
    (InterventionKind.INTERVIEW, 40),
    (InterventionKind.PHONE_CALL, 27),
    (InterventionKind.ACCOMPANIMENT, 7),
    (InterventionKind.HOME_VISIT, 6),
    (InterventionKind.WRITTEN, 9),
    (InterventionKind.THIRD_PARTY, 11),
)
DURATIONS = {
    InterventionKind.INTERVIEW: (30, 45, 60, 60, 90),
    InterventionKind.PHONE_CALL: (10, 15, 20, 30),
    InterventionKind.ACCOMPANIMENT: (90, 120, 180, 240),
    InterventionKind.HOME_VISIT: (45, 60, 90),
    InterventionKind.WRITTEN: (15, 20, 30),
    InterventionKind.THIRD_PARTY: (10, 15, 30),
}
# Whether an intervention the person had to attend was held: the first one, the next ones.
FIRST_STATUS_WEIGHTS = Weights(
    ((InterventionStatus.HELD, 86), (InterventionStatus.NO_SHOW, 8), (InterventionStatus.CANCELLED, 6))
)
STATUS_WEIGHTS = Weights(
    ((InterventionStatus.HELD, 82), (InterventionStatus.NO_SHOW, 12), (InterventionStatus.CANCELLED, 6))
)
NOT_HELD_SUMMARIES = {
    InterventionStatus.NO_SHOW: ("Rendez-vous non honoré, message laissé.", "Appel sans réponse."),
    InterventionStatus.CANCELLED: ("Rendez-vous annulé par la personne.", "Rendez-vous reporté à sa demande."),
}
PLACE_OF_UNIT_KIND = {
    UnitKind.COMMISSARIAT: Place.POLICE_STATION,
    UnitKind.BRIGADE: Place.GENDARMERIE,
    UnitKind.COMPANY: Place.GENDARMERIE,
    UnitKind.TOWN_HALL: Place.TOWN_HALL,
    UnitKind.CCAS: Place.TOWN_HALL,
    UnitKind.FRANCE_SERVICES: Place.TOWN_HALL,
    UnitKind.OTHER: Place.OUTSIDE,
}
CLOSING_WEIGHTS = (
    (FollowUpClosingReason.HANDED_OVER, 30),
    (FollowUpClosingReason.RESOLVED, 28),
    (FollowUpClosingReason.LOST_CONTACT, 9),
    (FollowUpClosingReason.REFUSED, 10),
    (FollowUpClosingReason.MOVED, 8),
)
NEVER_MET_CLOSING_WEIGHTS = ((FollowUpClosingReason.LOST_CONTACT, 70), (FollowUpClosingReason.REFUSED, 30))
ORIENTATION_STATUS_WEIGHTS = (
    (OrientationStatus.DONE, 45),
    (OrientationStatus.ACCEPTED, 12),
    (OrientationStatus.PROPOSED, 5),
    (OrientationStatus.REFUSED_BY_PERSON, 11),
    (OrientationStatus.REFUSED_BY_PARTNER, 8),
    (OrientationStatus.NO_NEWS, 19),
)
# The social worker's appreciation of the risk: conjugal violence with a danger grid in danger
# caractérisé, other conjugal violence, other situations.
RISKS = {
    "danger": ((RiskLevel.HIGH, 60), (RiskLevel.MODERATE, 35), (RiskLevel.LOW, 5)),
    "conjugal": ((RiskLevel.HIGH, 20), (RiskLevel.MODERATE, 40), (RiskLevel.LOW, 30), (RiskLevel.NOT_ASSESSED, 10)),
    "other": ((RiskLevel.HIGH, 8), (RiskLevel.MODERATE, 35), (RiskLevel.LOW, 45), (RiskLevel.NOT_ASSESSED, 12)),
}
CRIP = "Cellule de recueil des informations préoccupantes (CRIP)"
PROSECUTOR = "Procureur de la République"


class FollowUpPlanner:
    """Plans follow-ups of one post, drawing from the post planner's random generator."""

    def __init__(self, *, rng: random.Random, today: datetime.date, units):
        self.rng, self.today = rng, today
        self.interview_places = self._interview_places(units)

    def plan(self, case: CasePlan, *, first_day: datetime.date, walk_in: bool) -> CasePlan:
        """Interventions from ``first_day`` on, then the closing (or the next appointment), assessments
        and orientations. A walk-in's first intervention is the interview held when they came."""
        rng, today = self.rng, self.today
        count = weighted(rng, COUNT_WEIGHTS)
        days = [first_day]
        for _ in range(count - 1):
            gap = weighted(rng, (((2, 8), 45), ((9, 21), 35), ((22, 60), 20)))
            days.append(workday(days[-1] + datetime.timedelta(days=rng.randint(*gap))))
        past = [day for day in days if day < today]
        future = next((day for day in days if day >= today), None)
        lost_tail = rng.randint(1, 2) if len(past) >= 3 and rng.random() < 0.12 else 0
        for rank, day in enumerate(past):
            first = rank == 0
            kind = self._kind(first=first, walk_in=walk_in)
            status = self._status(kind, first=first, walk_in=walk_in)
            if rank >= len(past) - lost_tail:
                if kind in (InterventionKind.WRITTEN, InterventionKind.THIRD_PARTY):
                    kind = InterventionKind.PHONE_CALL
                status = InterventionStatus.NO_SHOW
            case.interventions.append(self.intervention(day, kind, status))
        planned = None
        if lost_tail:
            future = None
        if future is not None:
            planned = workday(max(future, today + datetime.timedelta(days=1)))
        elif past:
            last = past[-1]
            if lost_tail:
                reason, closed_on = (
                    FollowUpClosingReason.LOST_CONTACT,
                    last + datetime.timedelta(days=rng.randint(20, 50)),
                )
            else:
                met = any(i.status == InterventionStatus.HELD for i in case.interventions)
                reason = weighted(rng, CLOSING_WEIGHTS if met else NEVER_MET_CLOSING_WEIGHTS)
                quick = reason in (FollowUpClosingReason.RESOLVED, FollowUpClosingReason.HANDED_OVER)
                closed_on = last + datetime.timedelta(days=rng.randint(0, 10) if quick else rng.randint(5, 40))
            if closed_on < today and rng.random() > 0.1:
                case.closed_on, case.closing_reason = closed_on, reason
            elif last >= today - datetime.timedelta(days=45) and rng.random() < 0.7:
                planned = workday(today + datetime.timedelta(days=rng.randint(1, 20)))
        if planned is not None:
            kind = InterventionKind.INTERVIEW if rng.random() < 0.7 else InterventionKind.PHONE_CALL
            case.interventions.append(self.intervention(planned, kind, InterventionStatus.PLANNED))
        self._assess_and_orient(case)
        return case

    def _kind(self, *, first: bool, walk_in: bool) -> str:
        if first:
            return InterventionKind.INTERVIEW if walk_in or self.rng.random() < 0.6 else InterventionKind.PHONE_CALL
        return weighted(self.rng, KIND_WEIGHTS)

    def _status(self, kind: str, *, first: bool, walk_in: bool) -> str:
        if kind in (InterventionKind.WRITTEN, InterventionKind.THIRD_PARTY) or (first and walk_in):
            return InterventionStatus.HELD
        return weighted(self.rng, FIRST_STATUS_WEIGHTS if first else STATUS_WEIGHTS)

    @staticmethod
    def _interview_places(units) -> tuple[tuple[str, float], ...]:
        weights = defaultdict(float)
        for unit in units:
            weights[PLACE_OF_UNIT_KIND[unit.kind]] += 3 if unit.force != Force.OTHER else 1.5
        for place in (Place.POLICE_STATION, Place.GENDARMERIE, Place.TOWN_HALL):
            weights[place] = max(weights[place], 0.2)  # now and then, a meeting in a neighbouring site
        weights[Place.OUTSIDE] += 0.4
        return tuple(sorted(weights.items()))

    def _place(self, kind: str) -> str:
        rng = self.rng
        if kind == InterventionKind.INTERVIEW:
            return weighted(rng, self.interview_places)
        if kind == InterventionKind.HOME_VISIT:
            return Place.HOME
        if kind == InterventionKind.ACCOMPANIMENT:
            if rng.random() < 0.7:
                return Place.OUTSIDE
            stations = [p for p, _ in self.interview_places if p in (Place.POLICE_STATION, Place.GENDARMERIE)]
            return max(stations, key=dict(self.interview_places).get)  # to file a complaint
        if kind == InterventionKind.THIRD_PARTY and rng.random() < 0.3:
            return Place.OUTSIDE
        return Place.REMOTE

    def intervention(self, day, kind, status) -> InterventionPlan:
        rng = self.rng
        starts_at = at(day, rng.randint(9, 17), rng.choice((0, 15, 30, 45)))
        if status == InterventionStatus.HELD:
            summary = rng.choice(stories.SUMMARIES[kind])
        elif status == InterventionStatus.PLANNED:
            summary = ""
        else:
            summary = rng.choice(NOT_HELD_SUMMARIES[status])
        note = rng.choice(stories.PRIVATE_NOTES) if status == InterventionStatus.HELD and rng.random() < 0.12 else ""
        return InterventionPlan(starts_at, rng.choice(DURATIONS[kind]), kind, self._place(kind), status, summary, note)

    # -- assessments and orientations

    def _assess_and_orient(self, case: CasePlan) -> None:
        rng, today = self.rng, self.today
        held = [i.day for i in case.interventions if i.status == InterventionStatus.HELD]
        if not held:
            return
        limit = case.closed_on or today - datetime.timedelta(days=1)

        def after(day, days):
            return min(day + datetime.timedelta(days=days), limit)

        conjugal = case.archetype.code in stories.CONJUGAL
        danger = any(grid.is_danger for referral in case.referrals for grid in referral.grids)
        children = case.person.children_count or 0
        if rng.random() < (0.8 if conjugal else 0.55):
            for rank, day in enumerate([held[0]] + ([held[-1]] if len(held) >= 6 and rng.random() < 0.4 else [])):
                case.assessments.append(self._assessment(case, after(day, rng.randint(0, 6)), conjugal, danger, rank))
        very_serious = any(a.is_very_serious_danger for a in case.assessments)
        high_risk = very_serious or any(a.risk_level == RiskLevel.HIGH for a in case.assessments)
        for _ in range(weighted(rng, ((0, 35), (1, 38), (2, 19), (3, 8)))):
            problem = rng.choice(case.problems)
            oriented_on = after(rng.choice(held), rng.randint(0, 2))
            status, outcome_on = self._orientation_outcome(oriented_on)
            case.orientations.append(
                OrientationPlan(
                    kind=OrientationKind.ORIENTATION,
                    oriented_on=oriented_on,
                    partner_type=rng.choice(stories.PARTNER_TYPES_OF_PROBLEM[problem]),
                    use_directory=rng.random() < 0.75,
                    recipient="",
                    reason=rng.choice(stories.ORIENTATION_REASONS),
                    status=status,
                    outcome_on=outcome_on,
                )
            )
        minors = "mineur" in case.problems
        if (minors and rng.random() < 0.4) or (conjugal and children and high_risk and rng.random() < 0.3):
            prosecutor = rng.random() < (0.35 if very_serious or case.archetype.code == "child_in_danger" else 0.1)
            oriented_on = after(rng.choice(held[:3]), rng.randint(0, 3))
            case.orientations.append(
                OrientationPlan(
                    kind=OrientationKind.PROSECUTOR_REPORT if prosecutor else OrientationKind.CONCERN_REPORT,
                    oriented_on=oriented_on,
                    partner_type="",
                    use_directory=False,
                    recipient=PROSECUTOR if prosecutor else CRIP,
                    reason="Enfant en danger ou en risque de l'être.",
                    status=OrientationStatus.DONE,
                    outcome_on=oriented_on,
                )
            )

    def _assessment(self, case, assessed_on, conjugal, danger, rank) -> AssessmentPlan:
        rng = self.rng
        if conjugal:
            risk = weighted(rng, RISKS["danger"] if danger else RISKS["conjugal"])
        else:
            risk = weighted(rng, RISKS["other"])
        problems = list(case.problems)
        if rng.random() < 0.2:  # the interview brings out another problem
            extra = rng.choice(("sante_mentale", "logement", "precarite", "addictions"))
            problems += [extra] if extra not in problems else []
        forms = []
        if any(code in stories.VIOLENCE_PROBLEMS for code in problems):
            sexual = 0.95 if "violences_sexuelles" in problems else 0.12
            chances = {"physiques": 0.7, "psychologiques": 0.9, "sexuelles": sexual, "economiques": 0.25}
            chances["administratives"] = 0.1 if conjugal else 0.0
            forms = [code for code, chance in chances.items() if rng.random() < chance] or ["psychologiques"]
        if conjugal:
            children_exposed = case.person.children_count or 0
        else:
            children_exposed = 1 if case.archetype.code == "child_in_danger" else None
        return AssessmentPlan(
            assessed_on=assessed_on,
            problems=tuple(problems),
            violence_forms=tuple(forms),
            needs=rng.choice(stories.NEEDS),
            risk_level=risk,
            risk_comment=rng.choice(stories.RISK_COMMENTS) if conjugal else "",
            is_very_serious_danger=conjugal and risk == RiskLevel.HIGH and rank == 0 and rng.random() < 0.3,
            children_exposed=children_exposed,
            known_to_social_services=case.person.known_to_social_services,
        )

    def _orientation_outcome(self, oriented_on) -> tuple[str, datetime.date | None]:
        rng, today = self.rng, self.today
        if (today - oriented_on).days < 10:
            return weighted(rng, ((OrientationStatus.PROPOSED, 60), (OrientationStatus.ACCEPTED, 40))), None
        status = weighted(rng, ORIENTATION_STATUS_WEIGHTS)
        if status not in OUTCOME_STATUSES:
            return status, None
        outcome_on = min(oriented_on + datetime.timedelta(days=rng.randint(1, 35)), today - datetime.timedelta(days=1))
        return status, outcome_on
