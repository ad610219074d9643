"""The activity of one synthetic post, day after day, queued straight into the Writer as tuples.

Over 600 lines and kept whole for now: one simulation loop whose steps share the post's state; it
is to give way to the demo's planner (demo/activity), the volume generator turning its plans into
rows (issue 21: one activity simulator).

Per post and year (for a full-time post; part-time posts receive proportionally fewer): about 250
referrals, 150 persons, 550 interventions and 120 orientations. Referrals follow the workflow
(taken up, closed without follow-up for every reason, withdrawn, the latest still waiting), some
with a danger grid whose counts and outcome come from referrals.danger; a few name a person already
followed (they join the open follow-up) or a person who comes back; some people come on their own.
A few persons are recorded twice (same name and date of birth: a duplicate to merge), some stay
anonymous. Interventions are held, not honoured or cancelled, a few are planned ahead; most
follow-ups end with a closing date and reason.

Every draw comes from the post's own ``random.Random``, seeded with the run's seed and the post's
number: the rows are the same for a given seed, end date and post, whatever else is generated.
"""

import datetime
import math
import random
from bisect import bisect
from itertools import accumulate
from zoneinfo import ZoneInfo

from bench.volume.organisation import BenchPost, new_uuid
from casework.enums import (
    OUTCOME_STATUSES,
    AgeClass,
    FamilySituation,
    FollowUpClosingReason,
    FollowUpRole,
    InterventionKind,
    InterventionStatus,
    KnownToSocialServices,
    OrientationKind,
    OrientationStatus,
    Place,
    RiskLevel,
    age_class_for,
    age_on,
)
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from casework.normalise import name_key, normalise_phone, normalise_text
from referrals.danger import evaluate_danger
from referrals.enums import Answer, FilledBy, PersonRole, ReferralClosingReason, ReferralStatus, Sex, Source, Urgency
from referrals.models import DangerAnswer, DangerAssessment, Referral, ReferralPerson

PARIS = ZoneInfo("Europe/Paris")
DAY = datetime.timedelta(days=1)

REFERRALS_PER_YEAR = 270  # of an average post (FTE weighted)
WALK_INS_PER_YEAR = 10
MEAN_FTE = 0.895  # of the FTE draw in organisation.py: 15 % 0.5, 15 % 0.8, 70 % 1.0

FEMALE = (
    "Adèle",
    "Aïcha",
    "Alice",
    "Anaïs",
    "Céline",
    "Chloé",
    "Delphine",
    "Élodie",
    "Fatima",
    "Hélène",
    "Inès",
    "Julie",
    "Karine",
    "Laura",
    "Léna",
    "Lucie",
    "Manon",
    "Marine",
    "Nadia",
    "Noémie",
    "Pauline",
    "Sandrine",
    "Sarah",
    "Sophie",
    "Sylvie",
    "Virginie",
    "Zoé",
    "Aminata",
    "Leïla",
    "Odile",
)
MALE = (
    "Adrien",
    "Alain",
    "Bastien",
    "Benoît",
    "Cédric",
    "David",
    "Enzo",
    "Florian",
    "Hugo",
    "Jérôme",
    "Kevin",
    "Louis",
    "Malik",
    "Mehdi",
    "Nathan",
    "Olivier",
    "Pascal",
    "Rachid",
    "Samir",
    "Théo",
)
LAST = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Traoré",
    "Diallo",
    "Nguyen",
    "Benali",
    "Kaddouri",
    "Ferreira",
    "Yilmaz",
    "Da Costa",
    "Mendy",
    "Koné",
)
DESCRIPTIONS = (
    "Violences conjugales signalées lors d'une intervention au domicile.",
    "Plainte déposée ce jour ; la personne accepte d'être recontactée.",
    "Main courante : conflit familial répété, enfants présents.",
    "Personne âgée isolée, signalée par le voisinage.",
    "Mineur en fugue retrouvé, famille en difficulté.",
    "Détresse psychologique lors du dépôt de plainte.",
)
SUMMARIES = (
    "Entretien d'évaluation.",
    "Point sur les démarches.",
    "Accompagnement au dépôt de plainte.",
    "Appel de suivi.",
    "Contact avec le partenaire.",
    "",
)


class Draw:
    """Weighted choices with precomputed cumulative weights (rng.choices recomputes them)."""

    def __init__(self, pairs):
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


SOURCE = Draw(
    [
        (Source.COMPLAINT, 30),
        (Source.LOGBOOK, 20),
        (Source.CALL_OUT, 20),
        (Source.SCREENING, 8),
        (Source.PARTNER, 8),
        (Source.SELF_REFERRAL, 8),
        (Source.OTHER, 6),
    ]
)
URGENCY = Draw([(Urgency.IMMEDIATE, 15), (Urgency.WITHIN_48H, 30), (Urgency.NORMAL, 55)])
PROBLEM = Draw(
    [
        ("violences_conjugales", 45),
        ("violences_intrafamiliales", 12),
        ("violences_sexuelles", 5),
        ("mineur", 8),
        ("adulte_vulnerable", 5),
        ("sante_mentale", 7),
        ("addictions", 4),
        ("logement", 4),
        ("precarite", 4),
        ("voisinage", 3),
        ("fugue", 1),
        ("radicalisation", 0.2),
        ("autre", 2),
    ]
)
REFERRAL_CLOSING = Draw(
    [
        (ReferralClosingReason.UNREACHABLE, 35),
        (ReferralClosingReason.REFUSED, 25),
        (ReferralClosingReason.OUT_OF_SCOPE, 14),
        (ReferralClosingReason.REDIRECTED, 16),
        (ReferralClosingReason.DUPLICATE, 10),
    ]
)
SEX = Draw([(Sex.FEMALE, 70), (Sex.MALE, 25), (Sex.OTHER, 1), (Sex.UNKNOWN, 4)])
AGE_CLASS = Draw(
    [
        (AgeClass.AGE_15_17, 4),
        (AgeClass.AGE_18_25, 15),
        (AgeClass.AGE_26_40, 38),
        (AgeClass.AGE_41_60, 30),
        (AgeClass.AGE_61_74, 8),
        (AgeClass.AGE_75_PLUS, 3),
        (AgeClass.UNKNOWN, 2),
    ]
)
AGE_RANGE = {
    AgeClass.AGE_15_17: (15, 17),
    AgeClass.AGE_18_25: (18, 25),
    AgeClass.AGE_26_40: (26, 40),
    AgeClass.AGE_41_60: (41, 60),
    AgeClass.AGE_61_74: (61, 74),
    AgeClass.AGE_75_PLUS: (75, 92),
}
FAMILY = Draw(
    [
        (FamilySituation.COUPLE, 30),
        (FamilySituation.SEPARATED, 25),
        (FamilySituation.SINGLE_PARENT, 15),
        (FamilySituation.SINGLE, 15),
        (FamilySituation.WIDOWED, 3),
        (FamilySituation.OTHER, 2),
        (FamilySituation.UNKNOWN, 10),
    ]
)
KNOWN = Draw([(KnownToSocialServices.YES, 40), (KnownToSocialServices.NO, 45), (KnownToSocialServices.UNKNOWN, 15)])
ROLE = Draw([(FollowUpRole.VICTIM, 80), (FollowUpRole.ACCUSED, 10), (FollowUpRole.BOTH, 3), (FollowUpRole.OTHER, 7)])
KIND = Draw(
    [
        (InterventionKind.INTERVIEW, 45),
        (InterventionKind.PHONE_CALL, 30),
        (InterventionKind.ACCOMPANIMENT, 8),
        (InterventionKind.HOME_VISIT, 4),
        (InterventionKind.WRITTEN, 5),
        (InterventionKind.THIRD_PARTY, 8),
    ]
)
PLACE = Draw(
    [
        (Place.POLICE_STATION, 40),
        (Place.GENDARMERIE, 20),
        (Place.TOWN_HALL, 10),
        (Place.HOME, 5),
        (Place.OUTSIDE, 5),
        (Place.REMOTE, 20),
    ]
)
HELD = Draw([(InterventionStatus.HELD, 83), (InterventionStatus.NO_SHOW, 11), (InterventionStatus.CANCELLED, 6)])
FOLLOWUP_CLOSING = Draw(
    [
        (FollowUpClosingReason.HANDED_OVER, 40),
        (FollowUpClosingReason.RESOLVED, 25),
        (FollowUpClosingReason.LOST_CONTACT, 20),
        (FollowUpClosingReason.REFUSED, 10),
        (FollowUpClosingReason.MOVED, 5),
    ]
)
ORIENTATION_TYPE = Draw(
    [
        ("aide_aux_victimes", 25),
        ("cidff", 10),
        ("violences_conjugales", 15),
        ("service_social_departemental", 15),
        ("hebergement_urgence", 8),
        ("acces_au_droit", 8),
        ("sante", 5),
        ("sante_mentale", 6),
        ("caf", 3),
        ("bailleur_social", 2),
        ("addictologie", 3),
    ]
)
ORIENTATION_STATUS = Draw(
    [
        (OrientationStatus.DONE, 40),
        (OrientationStatus.ACCEPTED, 15),
        (OrientationStatus.PROPOSED, 10),
        (OrientationStatus.REFUSED_BY_PERSON, 12),
        (OrientationStatus.REFUSED_BY_PARTNER, 5),
        (OrientationStatus.NO_NEWS, 18),
    ]
)
OUTCOMES = frozenset(OUTCOME_STATUSES)
POLICE_AUTHORED = {Source.COMPLAINT, Source.LOGBOOK, Source.CALL_OUT, Source.OTHER}


def poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def declare_tables(writer) -> None:
    """The activity tables, after the organisation's (rows reference posts, units and users)."""
    writer.table(Referral, [
        "public_id", "number", "idempotency_key", "unit", "author", "callback_contact", "facts_at", "referred_at",
        "source", "description", "urgency", "has_agreement", "children_count", "status", "status_changed_at",
        "received_at", "received_by", "taken_up_at", "taken_up_by", "closed_at", "closed_by", "closing_reason",
        "withdrawn_at", "withdrawn_by", "created_at", "updated_at",
    ])  # fmt: skip
    writer.table(Referral.problems.through, ["referral", "problem"])
    writer.table(ReferralPerson, [
        "referral", "role", "last_name", "first_name", "sex", "birth_date", "age", "safe_phone", "best_time",
    ])  # fmt: skip
    writer.table(DangerAssessment, [
        "public_id", "referral", "version", "filled_by_kind", "filled_by", "filled_at", "yes_count", "red_yes_count",
        "is_danger",
    ])  # fmt: skip
    writer.table(DangerAnswer, ["assessment", "item", "answer", "is_red"])
    writer.table(Person, [
        "public_id", "post", "last_name", "first_name", "is_anonymous", "sex", "birth_date", "age_class",
        "safe_phone", "commune", "family_situation", "children_count", "known_to_social_services", "search_name",
        "name_key", "search_phone", "created_by", "created_at", "updated_at",
    ])  # fmt: skip
    writer.table(FollowUp, [
        "public_id", "post", "person", "assigned_to", "person_role", "opened_on", "closed_on", "closing_reason",
        "created_by", "created_at", "updated_at",
    ])  # fmt: skip
    writer.table(FollowUp.problems.through, ["followup", "problem"])
    writer.table(FollowUpReferral, ["followup", "referral", "linked_at", "linked_by"])
    writer.table(Intervention, [
        "public_id", "followup", "starts_at", "duration_minutes", "kind", "place", "status", "summary",
        "author", "created_at", "updated_at",
    ])  # fmt: skip
    writer.table(Assessment, [
        "public_id", "followup", "assessed_on", "needs", "risk_level", "is_very_serious_danger", "children_exposed",
        "known_to_social_services", "author", "created_at",
    ])  # fmt: skip
    writer.table(Assessment.problems.through, ["assessment", "problem"])
    writer.table(Orientation, [
        "public_id", "followup", "kind", "oriented_on", "partner", "partner_type", "recipient", "reason", "status",
        "outcome_on", "author", "created_at", "updated_at",
    ])  # fmt: skip


class Reference:
    """Reference rows every post uses: problems, partner types, the current danger grid."""

    def __init__(self, *, problems: dict, partner_types: dict, grid_version, grid_items):
        self.problems = problems  # code → pk
        self.partner_types = partner_types  # code → pk
        self.grid_version = grid_version
        self.grid_items = grid_items  # [(pk, is_red)]
        self.red_items = [item for item in grid_items if item[1]]
        self.other_items = [item for item in grid_items if not item[1]]


class Case:
    __slots__ = ("closed_on", "first_held", "followup", "last_day", "person", "problems")

    def __init__(self, followup, person, problems, last_day):
        self.followup, self.person, self.problems, self.last_day = followup, person, problems, last_day
        self.closed_on = None
        self.first_held = None


class PostActivity:
    """Plans and queues one post's activity between ``start`` and ``end`` (inclusive)."""

    def __init__(self, writer, reference: Reference, post: BenchPost, *, seed: int, start, end):
        self.w, self.ref, self.post = writer, reference, post
        self.rng = random.Random(f"iscg-bench-{seed}-{post.number}")  # noqa: S311 - synthetic data
        self.start, self.end = start, end
        self.horizon = end + datetime.timedelta(days=21)  # planned interventions, ahead of the end
        self.referrals: list[tuple] = []  # (referred_at, key, pk): numbered later, per department
        self.identities: list[tuple] = []  # identities already recorded (for duplicates)
        self.open_cases: list[Case] = []
        self.closed_cases: list[Case] = []
        scale = float(post.fte) / MEAN_FTE
        self.referral_rate = REFERRALS_PER_YEAR * scale / 365
        self.walk_in_rate = WALK_INS_PER_YEAR * scale / 260

    def run(self) -> None:
        rng, day = self.rng, self.start
        while day <= self.end:
            if self.open_cases and day.day == 1:
                self.open_cases = [case for case in self.open_cases if case.closed_on is None or case.closed_on > day]
            for _ in range(poisson(rng, self.referral_rate * (0.75 if day.month == 8 else 1.0))):
                self._referral(day)
            if day.weekday() < 5:
                for _ in range(poisson(rng, self.walk_in_rate)):
                    self._case(day, person=None, problems=[PROBLEM(rng)], referral=None)
            day += DAY

    # ---- referrals

    def _referral(self, day: datetime.date) -> None:
        rng, w, post = self.rng, self.w, self.post
        referred_at = at(day, rng.randint(7, 22), rng.randrange(0, 60, 5))
        source = SOURCE(rng)
        by_police = source in POLICE_AUTHORED
        author = post.officer if by_police else post.iscg
        unit = post.police_units[rng.randrange(len(post.police_units))]
        problems = list(dict.fromkeys(PROBLEM(rng) for _ in range(1 + (rng.random() < 0.4))))
        urgency = URGENCY(rng)
        age_days = (self.end - day).days
        status, reason = ReferralStatus.TAKEN_UP, ""
        draw = rng.random()
        if age_days < 3:
            status = ReferralStatus.SUBMITTED if draw < 0.6 else ReferralStatus.RECEIVED
        elif age_days < 10 and draw < 0.3:
            status = ReferralStatus.RECEIVED
        elif draw < 0.025 and by_police:
            status = ReferralStatus.WITHDRAWN
        elif draw < 0.245:
            status, reason = ReferralStatus.CLOSED, REFERRAL_CLOSING(rng)
        # The person: often someone new, sometimes someone already followed or coming back.
        joins = None
        if status == ReferralStatus.TAKEN_UP and self.open_cases and rng.random() < 0.2:
            joins = self.open_cases[rng.randrange(len(self.open_cases))]
            if joins.closed_on is not None and joins.closed_on < day:
                joins = None
        returning = None
        if joins is None and self.closed_cases and rng.random() < 0.08:
            returning = self.closed_cases[rng.randrange(len(self.closed_cases))]
            if returning.closed_on is None or returning.closed_on >= day:
                returning = None
        identity = (joins or returning).person[1] if (joins or returning) else self._identity(day)
        received_at = taken_up_at = closed_at = withdrawn_at = None
        if status != ReferralStatus.SUBMITTED and status != ReferralStatus.WITHDRAWN:
            received_at = referred_at + datetime.timedelta(hours=rng.randint(1, 30))
        if status == ReferralStatus.TAKEN_UP:
            taken_up_at = received_at + datetime.timedelta(hours=rng.randint(0, 72))
        elif status == ReferralStatus.CLOSED:
            closed_at = received_at + datetime.timedelta(hours=rng.randint(2, 24 * 12))
        elif status == ReferralStatus.WITHDRAWN:
            withdrawn_at = referred_at + datetime.timedelta(hours=rng.randint(1, 20))
        changed = withdrawn_at or taken_up_at or closed_at or received_at or referred_at
        children = rng.choice((None, 0, 1, 2, 3)) if problems[0] in ("violences_conjugales", "mineur") else None
        key = new_uuid(rng)
        pk = w.add(
            Referral,
            None,
            new_uuid(rng),
            None,
            key,
            unit,
            author,
            "Standard de l'unité, poste 12",
            referred_at - datetime.timedelta(hours=rng.randint(1, 96)),
            referred_at,
            source,
            DESCRIPTIONS[rng.randrange(len(DESCRIPTIONS))],
            urgency,
            True,
            children,
            status,
            changed,
            received_at,
            post.iscg if received_at else None,
            taken_up_at,
            post.iscg if taken_up_at else None,
            closed_at,
            post.iscg if closed_at else None,
            reason,
            withdrawn_at,
            author if withdrawn_at else None,
            referred_at,
            changed,
        )
        self.referrals.append((referred_at, key, pk))
        for code in problems:
            w.add(Referral.problems.through, None, pk, self.ref.problems[code])
        last, first, sex, birth_date, _age_class, phone = identity
        age = age_on(birth_date, day) if birth_date else None
        w.add(ReferralPerson, None, pk, PersonRole.VICTIM, last, first, sex, birth_date, age, phone, "")
        if rng.random() < 0.4:
            w.add(
                ReferralPerson,
                None,
                pk,
                PersonRole.ACCUSED,
                LAST[rng.randrange(len(LAST))],
                MALE[rng.randrange(len(MALE))],
                Sex.MALE,
                None,
                rng.randint(20, 60),
                "",
                "",
            )
        if children and rng.random() < 0.5:
            w.add(
                ReferralPerson,
                None,
                pk,
                PersonRole.HOUSEHOLD_CHILD,
                last,
                "",
                Sex.UNKNOWN,
                None,
                rng.randint(1, 15),
                "",
                "",
            )
        if self.ref.grid_version and problems[0] == "violences_conjugales" and by_police and rng.random() < 0.33:
            self._grid(pk, referred_at, author)
        if status != ReferralStatus.TAKEN_UP:
            return
        if joins is not None:
            w.add(FollowUpReferral, None, joins.followup, pk, taken_up_at, post.iscg)
            return
        self._case(
            taken_up_at.astimezone(PARIS).date(),
            person=returning.person if returning else None,
            problems=problems,
            referral=(pk, taken_up_at),
            identity=identity,
        )

    def _grid(self, referral: int, filled_at, author) -> None:
        rng, ref = self.rng, self.ref
        severe = rng.random() < 0.35
        red_yes = set(rng.sample(ref.red_items, rng.randint(1, 3) if severe else rng.randint(0, 1)))
        other_yes = set(rng.sample(ref.other_items, rng.randint(5, 12) if severe else rng.randint(0, 7)))
        answers = []
        for item in ref.grid_items:
            if item in red_yes or item in other_yes:
                answers.append((item, Answer.YES))
            else:
                answers.append((item, Answer.NOT_ASKED if rng.random() < 0.05 else Answer.NO))
        outcome = evaluate_danger(
            ((answer, item[1]) for item, answer in answers),
            yes_threshold=ref.grid_version.yes_threshold,
            red_threshold=ref.grid_version.red_threshold,
        )
        kind = FilledBy.POLICE if rng.random() < 0.6 else FilledBy.GENDARMERIE
        pk = self.w.add(
            DangerAssessment,
            None,
            new_uuid(rng),
            referral,
            ref.grid_version.pk,
            kind,
            author,
            filled_at,
            outcome.yes_count,
            outcome.red_yes_count,
            outcome.is_danger,
        )
        for (item_pk, is_red), answer in answers:
            self.w.add(DangerAnswer, None, pk, item_pk, answer, is_red)

    # ---- persons

    def _identity(self, day: datetime.date) -> tuple:
        """(last name, first name, sex, birth date, age class, phone); anonymous: no name."""
        rng = self.rng
        if self.identities and rng.random() < 0.03:  # recorded twice: a duplicate to merge
            return self.identities[rng.randrange(len(self.identities))]
        sex = SEX(rng)
        age_class = AGE_CLASS(rng)
        birth_date = None
        if age_class in AGE_RANGE and rng.random() < 0.75:
            low, high = AGE_RANGE[age_class]
            birth_date = day - datetime.timedelta(days=rng.randint(low * 365 + 1, high * 365 + 300))
        if rng.random() < 0.05:
            return ("", "", sex, birth_date, age_class, "")
        names = MALE if sex == Sex.MALE else FEMALE
        phone = f"06{rng.randrange(10**8):08d}" if rng.random() < 0.8 else ""
        identity = (
            LAST[rng.randrange(len(LAST))],
            names[rng.randrange(len(names))],
            sex,
            birth_date,
            age_class,
            phone,
        )
        self.identities.append(identity)
        return identity

    def _person(self, identity: tuple, day: datetime.date) -> tuple:
        rng, post = self.rng, self.post
        last, first, sex, birth_date, age_class, phone = identity
        if birth_date:
            age_class = age_class_for(age_on(birth_date, day))
        created = at(day, 9)
        pk = self.w.add(
            Person,
            None,
            new_uuid(rng),
            post.pk,
            last,
            first,
            not (last or first),
            sex,
            birth_date,
            age_class,
            phone,
            post.commune,
            FAMILY(rng),
            rng.choice((None, 0, 1, 2, 3)),
            KNOWN(rng),
            normalise_text(f"{last} {first} "),
            name_key(last, first),
            normalise_phone(phone),
            post.iscg,
            created,
            created,
        )
        return (pk, identity)

    # ---- follow-ups and what happens in them

    def _case(self, opened_on, *, person, problems, referral, identity=None) -> None:
        rng, w, post = self.rng, self.w, self.post
        if opened_on > self.end:
            opened_on = self.end
        if person is None:
            person = self._person(identity or self._identity(opened_on), opened_on)
        # Interventions: the first within a few days, then every few days to a few weeks.
        statuses, days = [], []
        day = opened_on + datetime.timedelta(days=rng.randint(0, 6))
        for _ in range(1 + poisson(rng, 2.35)):
            if day > self.horizon:
                break
            days.append(day)
            statuses.append(HELD(rng) if day <= self.end else InterventionStatus.PLANNED)
            day += datetime.timedelta(days=rng.randint(3, 35))
        last_day = days[-1] if days else opened_on
        closed_on, closing_reason = None, ""
        close_day = last_day + datetime.timedelta(days=rng.randint(10, 60))
        if close_day <= self.end and InterventionStatus.PLANNED not in statuses and rng.random() < 0.88:
            closed_on, closing_reason = close_day, FOLLOWUP_CLOSING(rng)
        created = at(opened_on, 9)
        followup = w.add(
            FollowUp,
            None,
            new_uuid(rng),
            post.pk,
            person[0],
            post.iscg,
            ROLE(rng),
            opened_on,
            closed_on,
            closing_reason,
            post.iscg,
            created,
            created,
        )
        case = Case(followup, person, problems, last_day)
        case.closed_on = closed_on
        (self.closed_cases if closed_on else self.open_cases).append(case)
        for code in problems:
            w.add(FollowUp.problems.through, None, followup, self.ref.problems[code])
        if referral is not None:
            w.add(FollowUpReferral, None, followup, referral[0], referral[1], post.iscg)
        first_held = None
        for day, status in zip(days, statuses, strict=True):
            starts_at = at(day, rng.randint(8, 17), rng.randrange(0, 60, 15))
            if status == InterventionStatus.HELD and first_held is None:
                first_held = day
            w.add(
                Intervention,
                None,
                new_uuid(rng),
                followup,
                starts_at,
                rng.choice((15, 30, 45, 60, 90)),
                KIND(rng),
                PLACE(rng),
                status,
                SUMMARIES[rng.randrange(len(SUMMARIES))],
                post.iscg,
                starts_at,
                starts_at,
            )
        if first_held is not None and rng.random() < 0.6:
            very_serious = rng.random() < 0.04
            assessment = w.add(
                Assessment,
                None,
                new_uuid(rng),
                followup,
                first_held,
                "Mise en sécurité, accès aux droits.",
                RiskLevel.HIGH
                if very_serious
                else rng.choice((RiskLevel.LOW, RiskLevel.MODERATE, RiskLevel.NOT_ASSESSED)),
                very_serious,
                rng.choice((None, 0, 1, 2)),
                KNOWN(rng),
                post.iscg,
                at(first_held, 18),
            )
            for code in problems:
                w.add(Assessment.problems.through, None, assessment, self.ref.problems[code])
        if first_held is not None:
            self._orientations(followup, first_held, min(last_day, self.end))

    def _orientations(self, followup: int, first: datetime.date, last: datetime.date) -> None:
        rng, w, post = self.rng, self.w, self.post
        span = max(0, (last - first).days)
        for _ in range(poisson(rng, 0.74)):
            on = first + datetime.timedelta(days=rng.randint(0, span))
            draw = rng.random()
            status = ORIENTATION_STATUS(rng)
            outcome_on = None
            if status in OUTCOMES:
                outcome_on = on + datetime.timedelta(days=rng.randint(0, 30))
            partner = partner_type = None
            recipient = ""
            if draw < 0.03:
                kind, recipient, partner_type = OrientationKind.CONCERN_REPORT, "CRIP du département", None
            elif draw < 0.045:
                kind, recipient = OrientationKind.PROSECUTOR_REPORT, "Parquet du tribunal judiciaire"
            else:
                kind = OrientationKind.ORIENTATION
                code = ORIENTATION_TYPE(rng)
                if code in post.partners and rng.random() < 0.6:
                    partner = post.partners[code]
                else:
                    partner_type = self.ref.partner_types.get(code) or self.ref.partner_types["autre"]
            created = at(on, 12)
            w.add(
                Orientation,
                None,
                new_uuid(rng),
                followup,
                kind,
                on,
                partner,
                partner_type,
                recipient,
                "",
                status,
                outcome_on,
                post.iscg,
                created,
                created,
            )
