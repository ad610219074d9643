"""How the activity of a demo post unfolds, day after day: referrals and their workflow, the persons
they name, people who come on their own; each situation taken up is handed to the follow-up planner."""

import datetime
import random
import uuid
from dataclasses import replace

from django.utils import timezone

from casework.enums import (
    AgeClass,
    FollowUpRole,
    InterventionKind,
    InterventionStatus,
    KnownToSocialServices,
    age_class_for,
)
from demo import stories
from demo.activity.followups import FollowUpPlanner
from demo.activity.plan import (
    NAMESPACE,
    CasePlan,
    GridPlan,
    PersonPlan,
    PostDescription,
    ReferralPersonPlan,
    ReferralPlan,
    Weights,
    activity_start,
    add_workdays,
    at,
    local_day,
    poisson,
    weighted,
    workday,
)
from demo.people import Directory
from organisation.enums import Force, UnitKind
from referrals.enums import PersonRole, ReferralClosingReason, ReferralStatus, Sex, Source, Urgency
from referrals.services import agreement_is_required

REFERRALS_PER_MONTH = 9.0  # for a full-time post; a part-time post receives fewer
WALK_INS_PER_MONTH = 1.4  # people who come or call on their own, without any referral
SEASON = {1: 1.1, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.05, 6: 1.0, 7: 0.9, 8: 0.7, 9: 1.05, 10: 1.05, 11: 1.0, 12: 0.9}

UNIT_WEIGHTS = {UnitKind.COMMISSARIAT: 3, UnitKind.BRIGADE: 2, UnitKind.COMPANY: 1}
REFERRAL_CLOSING_WEIGHTS = (
    (ReferralClosingReason.UNREACHABLE, 35),
    (ReferralClosingReason.REFUSED, 25),
    (ReferralClosingReason.OUT_OF_SCOPE, 14),
    (ReferralClosingReason.REDIRECTED, 16),
    (ReferralClosingReason.DUPLICATE, 10),
)
# Working days between the referral's reception and the decision, by closing reason.
CLOSING_DELAYS = {
    ReferralClosingReason.UNREACHABLE: (5, 15),
    ReferralClosingReason.REFUSED: (1, 6),
    ReferralClosingReason.OUT_OF_SCOPE: (0, 2),
    ReferralClosingReason.REDIRECTED: (0, 3),
    ReferralClosingReason.DUPLICATE: (0, 1),
}
REFERRAL_ROLE = {
    FollowUpRole.VICTIM: PersonRole.VICTIM,
    FollowUpRole.ACCUSED: PersonRole.ACCUSED,
    FollowUpRole.BOTH: PersonRole.VICTIM,
    FollowUpRole.OTHER: PersonRole.OTHER,
}
# Hours between the facts and the referral, by channel.
FACTS_HOURS = {Source.CALL_OUT: (1, 6), Source.COMPLAINT: (2, 240), Source.LOGBOOK: (6, 48)}
ARCHETYPE_WEIGHTS = Weights([(a, a.weight) for a in stories.ARCHETYPES])
WALK_IN_ARCHETYPE_WEIGHTS = Weights([(a, a.walk_in_weight) for a in stories.ARCHETYPES])
REFERRED_AGAIN = frozenset((*stories.CONJUGAL, "family_violence"))  # situations referred again while followed
KNOWN_WEIGHTS = ((KnownToSocialServices.YES, 40), (KnownToSocialServices.NO, 45), (KnownToSocialServices.UNKNOWN, 15))


class PostPlanner:
    """Plans the activity of one post, day after day, from the start of a period until the day before ``today``."""

    def __init__(
        self,
        description: PostDescription,
        *,
        seed: str,
        name: str,
        directory: Directory,
        today: datetime.date,
        start: datetime.date | None = None,
        referrals_per_month: float = REFERRALS_PER_MONTH,
        walk_ins_per_month: float = WALK_INS_PER_MONTH,
        duplicate_rate: float = 0.0,
    ):
        """Plans from ``start`` (by default ``activity_start(today)``) until the day before ``today``.
        ``seed`` seeds the post's random generator; ``name`` makes the keys of its referrals and
        follow-ups unique. ``duplicate_rate``: the share of new person records that record again
        someone already recorded (same name and date of birth: a duplicate to merge)."""
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, no secret
        units, officers = description.units, description.officers
        self.name, self.post, self.units, self.iscg = name, description.post, units, description.iscg
        self.officers, self.directory, self.today = officers, directory, today
        self.start = start or activity_start(today)
        self.cutoff = at(today, 0)  # everything planned before it has happened; nothing after it has
        self.police_units = [u for u in units if u.force != Force.OTHER and u.pk in officers]
        self.reception_units = [u for u in units if u.force == Force.OTHER]
        if self.police_units:
            self.unit_weights = Weights([(u, UNIT_WEIGHTS.get(u.kind, 1)) for u in self.police_units])
        self.communes = sorted({u.commune for u in units if u.commune}) or [""]
        self.followups = FollowUpPlanner(rng=self.rng, today=today, units=units)
        scale = 0.55 + 0.45 * float(description.fte)
        self.referral_rate = referrals_per_month * scale * 12 / 365
        self.walk_in_rate = walk_ins_per_month * scale * 12 / 260  # weekdays only
        self.duplicate_rate = duplicate_rate
        self.recorded: list[PersonPlan] = []  # persons who may be recorded again (duplicate_rate only)
        self.referrals: list[ReferralPlan] = []
        self.cases: list[CasePlan] = []
        self._to_refer_again: list[CasePlan] = []  # the cases that may still be referred again
        self._to_come_back: list[CasePlan] = []  # the cases whose person may still come back

    # -- the day-by-day loop

    def plan(self) -> None:
        day = self.start
        while day < self.today:
            season = SEASON[day.month]
            for _ in range(poisson(self.rng, self.referral_rate * season)):
                self._arrival(day)
            if day.weekday() < 5:
                for _ in range(poisson(self.rng, self.walk_in_rate * season)):
                    self.walk_in(day)
            day += datetime.timedelta(days=1)
        # The latest referrals: one filed last night, not seen yet; one seen on the last working day,
        # not decided yet.
        yesterday = self.today - datetime.timedelta(days=1)
        self._new_referral(self._archetype(), self.cutoff - datetime.timedelta(hours=3), pending=True)
        last_workday = yesterday
        while last_workday.weekday() >= 5:
            last_workday -= datetime.timedelta(days=1)
        self._new_referral(self._archetype(), at(last_workday, 10, 5), source=Source.COMPLAINT, pending=True)

    def _arrival(self, day: datetime.date) -> None:
        rng = self.rng
        referred_at = at(day, rng.randint(7, 22), rng.randrange(0, 60, 5))
        if rng.random() < 0.06:
            case = self._case_to_refer_again(day)
            if case is not None:
                self._repeat_referral(case, referred_at)
                return
        if rng.random() < 0.04:
            case = self._case_to_come_back(day)
            if case is not None:
                case.person.returned = True
                self._new_referral(case.archetype, referred_at, person=case.person, role=case.role)
                return
        self._new_referral(self._archetype(), referred_at)

    def _archetype(self) -> stories.Archetype:
        return weighted(self.rng, ARCHETYPE_WEIGHTS)

    # -- referrals

    def _new_referral(self, archetype, referred_at, *, person=None, role=None, source=None, pending=False):
        rng = self.rng
        on = local_day(referred_at)
        role = role or weighted(rng, archetype.roles)
        source = source or weighted(rng, archetype.sources)
        unit, author = self._unit_and_author(source)
        if person is None:
            person = self._person(archetype, role, on, anonymous_rate=0.03)
        persons = self._referral_persons(archetype, role, person, on)
        problems = self._problems(archetype)
        referral = self._referral(
            archetype=archetype,
            referred_at=referred_at,
            unit=unit,
            author=author,
            source=source,
            problems=problems,
            persons=persons,
            children_count=person.children_count if archetype.children[1] else None,
        )
        fate, reason = ReferralStatus.TAKEN_UP, ""
        draw = rng.random()
        if draw < 0.025 and author.pk != self.iscg.pk and not pending:
            fate = ReferralStatus.WITHDRAWN
        elif draw < 0.24 and not pending:
            fate, reason = ReferralStatus.CLOSED, weighted(rng, REFERRAL_CLOSING_WEIGHTS)
        self._decide(referral, fate=fate, reason=reason, pending=pending)
        if referral.status == ReferralStatus.TAKEN_UP:
            opened_on = local_day(referral.taken_up_at)
            delay = rng.randint(0, 1) if referral.urgency == Urgency.IMMEDIATE else rng.randint(0, 5)
            case = self._case(
                archetype=archetype,
                role=role,
                person=person,
                problems=problems,
                opened_on=opened_on,
                first_day=add_workdays(opened_on, delay),
                walk_in=False,
            )
            self._link(case, referral)
            if referral.grids and rng.random() < 0.15:
                held = [i for i in case.interventions if i.status == InterventionStatus.HELD]
                if held:  # the ISCG fills the grid again at the first interview
                    referral.grids.append(self._grid(self.iscg, held[0].starts_at, danger=referral.grids[0].is_danger))

    def _repeat_referral(self, case: CasePlan, referred_at: datetime.datetime) -> None:
        """A new referral about a person whose follow-up is open: it joins the follow-up (or, for the
        same facts filed twice, it is closed as a duplicate)."""
        rng = self.rng
        on = local_day(referred_at)
        source = weighted(rng, stories.POLICE_CHANNELS[:3])
        unit, author = self._unit_and_author(source)
        referral = self._referral(
            archetype=case.archetype,
            referred_at=referred_at,
            unit=unit,
            author=author,
            source=source,
            problems=[case.archetype.problems[0]],
            persons=self._referral_persons(case.archetype, case.role, case.person, on),
            children_count=case.person.children_count if case.archetype.children[1] else None,
        )
        duplicate = rng.random() < 0.25
        self._decide(
            referral,
            fate=ReferralStatus.CLOSED if duplicate else ReferralStatus.TAKEN_UP,
            reason=ReferralClosingReason.DUPLICATE if duplicate else "",
        )
        if referral.status != ReferralStatus.TAKEN_UP:
            return
        self._link(case, referral)
        day = add_workdays(local_day(referral.taken_up_at), rng.randint(0, 2))
        kind = InterventionKind.PHONE_CALL if rng.random() < 0.5 else InterventionKind.INTERVIEW
        if day < self.today:
            case.interventions.append(self.followups.intervention(day, kind, InterventionStatus.HELD))
        elif case.closed_on is None and not case.has_planned:
            case.interventions.append(self.followups.intervention(day, kind, InterventionStatus.PLANNED))

    def _referral(self, *, archetype, referred_at, unit, author, source, problems, persons, children_count):
        rng = self.rng
        on = local_day(referred_at)
        grids = []
        # The police fill the grid with the referral; the ISCG, for a few situations they screened.
        screened_conjugal = 0.15 if archetype.code in stories.CONJUGAL else 0
        if rng.random() < (screened_conjugal if author.pk == self.iscg.pk else archetype.grid):
            grids.append(self._grid(author, referred_at))
        if any(grid.is_danger for grid in grids):
            urgency = weighted(rng, ((Urgency.IMMEDIATE, 60), (Urgency.WITHIN_48H, 40)))
        elif "mineur" in problems:
            urgency = weighted(rng, ((Urgency.IMMEDIATE, 15), (Urgency.WITHIN_48H, 50), (Urgency.NORMAL, 35)))
        else:
            urgency = weighted(rng, ((Urgency.IMMEDIATE, 5), (Urgency.WITHIN_48H, 25), (Urgency.NORMAL, 70)))
        as_dicts = [{"role": p.role, "birth_date": p.identity.birth_date, "age": p.identity.age} for p in persons]
        required = agreement_is_required(source=source, persons=as_dicts, on=on)
        facts_hours = FACTS_HOURS.get(source, (1, 72))
        referral = ReferralPlan(
            key=uuid.uuid5(NAMESPACE, f"{self.name}-{len(self.referrals)}"),
            unit=unit,
            author=author,
            source=source,
            urgency=urgency,
            problems=problems,
            description=rng.choice(archetype.descriptions),
            persons=persons,
            children_count=children_count or None,
            has_agreement=required or (source != Source.SCREENING and rng.random() < 0.7),
            callback_contact="" if author.pk == self.iscg.pk else rng.choice(stories.CALLBACK_CONTACTS),
            referred_at=referred_at,
            facts_at=referred_at - datetime.timedelta(hours=rng.randint(*facts_hours)),
            grids=grids,
        )
        self.referrals.append(referral)
        return referral

    def _decide(self, referral: ReferralPlan, *, fate: str, reason: str, pending: bool = False) -> None:
        """Date the workflow steps, and stop at the step reached before today."""
        rng = self.rng
        received_at = self._received_at(referral.referred_at)
        if fate == ReferralStatus.WITHDRAWN:
            withdrawn_at = referral.referred_at + datetime.timedelta(hours=rng.randint(1, 20))
            if withdrawn_at < self.cutoff:
                referral.status, referral.withdrawn_at = ReferralStatus.WITHDRAWN, withdrawn_at
                referral.received_at = received_at if received_at < withdrawn_at else None
                return
            fate = ReferralStatus.TAKEN_UP
        if fate == ReferralStatus.CLOSED:
            days = rng.randint(*CLOSING_DELAYS[reason])
        elif referral.urgency == Urgency.IMMEDIATE:
            days = 0
        else:
            days = rng.randint(0, 1) if referral.urgency == Urgency.WITHIN_48H else rng.randint(0, 4)
        if days == 0:
            decided_at = received_at + datetime.timedelta(minutes=rng.randint(30, 240))
        else:
            decided_on = add_workdays(local_day(received_at), days)
            decided_at = at(decided_on, rng.randint(9, 17), 5 * rng.randint(0, 11))
        if pending:
            decided_at = max(decided_at, self.cutoff + datetime.timedelta(days=1))
        if received_at >= self.cutoff:
            return  # still waiting for the ISCG to see it
        referral.status, referral.received_at = ReferralStatus.RECEIVED, received_at
        if decided_at >= self.cutoff:
            return
        if fate == ReferralStatus.CLOSED:
            referral.status, referral.closed_at, referral.closing_reason = ReferralStatus.CLOSED, decided_at, reason
        else:
            referral.status, referral.taken_up_at = ReferralStatus.TAKEN_UP, decided_at

    def _received_at(self, referred_at: datetime.datetime) -> datetime.datetime:
        """Within the hour on working days, the next working morning otherwise."""
        rng = self.rng
        local = referred_at.astimezone(timezone.get_default_timezone())
        if local.weekday() < 5 and 8 <= local.hour < 16:
            return referred_at + datetime.timedelta(minutes=rng.randint(15, 150))
        day = local.date() if local.weekday() < 5 and local.hour < 8 else local.date() + datetime.timedelta(days=1)
        return at(workday(day), 9, 5 * rng.randint(0, 11))

    def _unit_and_author(self, source: str):
        rng = self.rng
        by_police = source in (Source.COMPLAINT, Source.LOGBOOK, Source.CALL_OUT) or (
            source == Source.OTHER and rng.random() < 0.6
        )
        if self.police_units and (by_police or source == Source.SCREENING or not self.reception_units):
            unit = weighted(rng, self.unit_weights)
            return unit, self.officers[unit.pk] if by_police else self.iscg
        return rng.choice(self.reception_units or self.units), self.iscg

    def _grid(self, by, filled_at, *, danger: bool | None = None) -> GridPlan:
        rng = self.rng
        if danger is None:
            danger = rng.random() < 0.42
        if danger and rng.random() < 0.75:
            red, other = rng.randint(2, 4), rng.randint(3, 12)
        elif danger:
            red, other = rng.randint(0, 1), rng.randint(12, 15)
        else:
            red, other = rng.randint(0, 1), rng.randint(0, 8)
        return GridPlan(by, filled_at, red, other, rng.randint(0, 3))

    # -- persons

    def _person(self, archetype, role, on, *, anonymous_rate: float) -> PersonPlan:
        rng = self.rng
        if self.duplicate_rate and self.recorded and rng.random() < self.duplicate_rate:
            return replace(rng.choice(self.recorded), returned=False)  # a second record of the same person
        anonymous = rng.random() < anonymous_rate
        draw = rng.random()
        if draw < (0.3 if anonymous else 0.02):
            sex = Sex.UNKNOWN
        elif draw < (0.33 if anonymous else 0.035):
            sex = Sex.OTHER
        else:
            sex = Sex.FEMALE if rng.random() < archetype.female else Sex.MALE
        age_class = AgeClass.UNKNOWN if rng.random() < 0.03 else weighted(rng, archetype.ages)
        minor = age_class in (AgeClass.AGE_0_10, AgeClass.AGE_11_14, AgeClass.AGE_15_17)
        reachable = not minor and rng.random() < (0.4 if role == FollowUpRole.ACCUSED else 0.85)
        identity = self.directory.identity(
            rng,
            sex=sex,
            age_class=age_class,
            on=on,
            anonymous=anonymous,
            reachable=reachable,
            best_times=stories.BEST_TIMES,
        )
        children = 0 if minor else rng.randint(*archetype.children)
        ages = sorted(rng.randint(0, 17) for _ in range(children))
        family = stories.FAMILY_OF_ROLE["conjugal" if archetype.code in stories.CONJUGAL else "other"]
        if identity.birth_date is not None:
            # The date of birth is what the social worker records; half of them also tick the class.
            stated = age_class_for(identity.age_on(on)) if rng.random() < 0.5 else AgeClass.UNKNOWN
        else:
            stated = identity.age_class
        person = PersonPlan(
            identity=identity,
            commune=rng.choice(self.communes),
            family_situation="unknown" if minor else weighted(rng, family),
            children_count=None if minor or rng.random() < 0.08 else children,
            children_ages=", ".join(str(age) for age in ages),
            known_to_social_services=weighted(rng, KNOWN_WEIGHTS),
            age_class=stated,
        )
        if self.duplicate_rate and not identity.is_anonymous and identity.birth_date is not None:
            self.recorded.append(person)
        return person

    def _referral_persons(self, archetype, role, person: PersonPlan, on) -> list[ReferralPersonPlan]:
        rng = self.rng
        main = person.identity
        persons = [ReferralPersonPlan(REFERRAL_ROLE[role], main)]
        age = main.age_on(on) or 35
        opposite = {Sex.FEMALE: Sex.MALE, Sex.MALE: Sex.FEMALE}.get(main.sex, Sex.MALE)
        if archetype.other_party == "partner":
            other_role = PersonRole.VICTIM if role == FollowUpRole.ACCUSED else PersonRole.ACCUSED
            sex = opposite if rng.random() < 0.93 else main.sex
            other_age = min(max(age + rng.randint(-6, 8), 18), 90)
            identity = self.directory.identity(
                rng,
                sex=sex,
                age_class=age_class_for(other_age),
                on=on,
                anonymous=rng.random() < 0.1,
                reachable=other_role == PersonRole.VICTIM,
                best_times=stories.BEST_TIMES,
            )
            persons.append(ReferralPersonPlan(other_role, identity))
        elif archetype.other_party in ("relative", "neighbour"):
            other_age = max(age - rng.randint(25, 35), 18) if archetype.other_party == "relative" else age
            identity = self.directory.identity(
                rng,
                sex=Sex.MALE if rng.random() < 0.7 else Sex.FEMALE,
                age_class=age_class_for(other_age),
                on=on,
                last_name=main.last_name if archetype.other_party == "relative" else "",
                anonymous=rng.random() < 0.3,
            )
            persons.append(ReferralPersonPlan(PersonRole.ACCUSED, identity))
        elif archetype.other_party == "parent":
            identity = self.directory.identity(
                rng,
                sex=Sex.FEMALE if rng.random() < 0.65 else Sex.MALE,
                age_class=age_class_for(rng.randint(28, 52)),
                on=on,
                last_name=main.last_name,
                reachable=True,
                best_times=stories.BEST_TIMES,
            )
            persons.append(ReferralPersonPlan(PersonRole.OTHER, identity))
        ages = [int(age) for age in person.children_ages.split(", ") if age]
        for child_age in ages[:2] if archetype.children[1] else []:
            identity = self.directory.identity(
                rng,
                sex=rng.choice((Sex.FEMALE, Sex.MALE)),
                age_class=age_class_for(child_age),
                on=on,
                last_name=main.last_name,
            )
            persons.append(ReferralPersonPlan(PersonRole.HOUSEHOLD_CHILD, identity))
        if rng.random() < 0.05:
            witness = self.directory.identity(rng, sex=rng.choice((Sex.FEMALE, Sex.MALE)), age_class="41_60", on=on)
            persons.append(ReferralPersonPlan(PersonRole.WITNESS, witness.without_contact()))
        return persons

    def _problems(self, archetype) -> list[str]:
        problems = list(archetype.problems)
        problems += [code for code, probability in archetype.extras if self.rng.random() < probability]
        return problems

    # -- follow-ups

    def walk_in(self, day, *, person=None, archetype=None, role=None) -> CasePlan:
        """Someone comes to the permanence (or calls) on their own: a follow-up opens that day."""
        rng = self.rng
        archetype = archetype or weighted(rng, WALK_IN_ARCHETYPE_WEIGHTS)
        role = role or weighted(rng, archetype.roles)
        person = person or self._person(archetype, role, day, anonymous_rate=0.14)
        return self._case(
            archetype=archetype,
            role=role,
            person=person,
            problems=self._problems(archetype),
            opened_on=day,
            first_day=day,
            walk_in=True,
        )

    def _link(self, case: CasePlan, referral: ReferralPlan) -> None:
        case.referrals.append(referral)
        referral.case = case

    def _case_to_refer_again(self, day) -> CasePlan | None:
        """An open follow-up of conjugal or family violence, linked to fewer than three referrals."""
        soon, settled = day + datetime.timedelta(days=15), day - datetime.timedelta(days=10)
        # Days only move forward: a case left out for good is dropped from the list kept for the next calls.
        self._to_refer_again = kept = [
            case
            for case in self._to_refer_again
            if case.archetype.code in REFERRED_AGAIN
            and case.referrals
            and (case.closed_on is None or case.closed_on > soon)
            and len(case.referrals) < 3
        ]
        candidates = [case for case in kept if case.opened_on <= settled]
        return self.rng.choice(candidates) if candidates else None

    def _case_to_come_back(self, day) -> CasePlan | None:
        """A follow-up closed two months ago or more, of someone named who has not come back yet."""
        self._to_come_back = kept = [
            case
            for case in self._to_come_back
            if case.closed_on is not None and not case.person.returned and not case.person.identity.is_anonymous
        ]
        closed_before = day - datetime.timedelta(days=60)
        candidates = [case for case in kept if case.closed_on <= closed_before]
        return self.rng.choice(candidates) if candidates else None

    def _case(self, *, archetype, role, person, problems, opened_on, first_day, walk_in) -> CasePlan:
        case = CasePlan(
            key=f"{self.name}-{len(self.cases)}",
            person=person,
            archetype=archetype,
            role=role,
            problems=list(problems),
            opened_on=opened_on,
        )
        self.cases.append(case)
        self._to_refer_again.append(case)
        self._to_come_back.append(case)
        return self.followups.plan(case, first_day=first_day, walk_in=walk_in)
