"""Demo referrals: a dozen per demo department, over the last four months, in every status.

Every name, phone number and story below is fictional. Idempotent: each referral has a fixed
idempotency key, so running the seed again files nothing twice.
"""

import datetime
import uuid

from django.utils import timezone

from referrals import services
from referrals.enums import Answer, ClosingReason, PersonRole, Sex, Source, Status, Urgency
from referrals.models import GridVersion, Problem, Referral

NAMESPACE = uuid.UUID("6f1c2a52-3d0e-4c55-9a57-0d2f8e1b7c41")

# (days ago, source, urgency, problems, description, persons, final status, grid: None / "danger" / "low")
STORIES = [
    (
        2,
        Source.COMPLAINT,
        Urgency.IMMEDIATE,
        ["violences_conjugales"],
        "Plainte pour coups, départ du domicile envisagé.",
        [("victim", "f", 34), ("accused", "m", 38), ("household_child", "m", 6)],
        Status.SUBMITTED,
        "danger",
    ),
    (
        3,
        Source.CALL_OUT,
        Urgency.WITHIN_48H,
        ["violences_intrafamiliales", "mineur"],
        "Intervention au domicile pour dispute entre un père et son fils.",
        [("victim", "m", 16), ("accused", "m", 47)],
        Status.SUBMITTED,
        None,
    ),
    (
        5,
        Source.LOGBOOK,
        Urgency.NORMAL,
        ["voisinage"],
        "Main courante pour nuisances répétées, personne âgée isolée.",
        [("victim", "f", 81)],
        Status.SUBMITTED,
        None,
    ),
    (
        9,
        Source.SCREENING,
        Urgency.NORMAL,
        ["adulte_vulnerable", "precarite"],
        "Repérage en lecture des mains courantes : personne sans ressources.",
        [("victim", "m", 58)],
        Status.RECEIVED,
        None,
    ),
    (
        12,
        Source.COMPLAINT,
        Urgency.WITHIN_48H,
        ["violences_conjugales"],
        "Menaces répétées par message, la victime a peur de rentrer.",
        [("victim", "f", 27), ("accused", "m", 29)],
        Status.RECEIVED,
        "low",
    ),
    (
        18,
        Source.SELF_REFERRAL,
        Urgency.NORMAL,
        ["logement"],
        "Appel après remise de la carte de l'ISCG : expulsion annoncée.",
        [("victim", "f", 45), ("household_child", "f", 12)],
        Status.RECEIVED,
        None,
    ),
    (
        26,
        Source.COMPLAINT,
        Urgency.IMMEDIATE,
        ["violences_conjugales", "violences_sexuelles"],
        "Plainte pour violences, tentative d'étranglement rapportée.",
        [("victim", "f", 31), ("accused", "m", 35)],
        Status.TAKEN_UP,
        "danger",
    ),
    (
        40,
        Source.PARTNER,
        Urgency.NORMAL,
        ["sante_mentale"],
        "Signalement du CCAS : détresse psychologique après un deuil.",
        [("victim", "m", 62)],
        Status.TAKEN_UP,
        None,
    ),
    (
        55,
        Source.CALL_OUT,
        Urgency.WITHIN_48H,
        ["fugue", "mineur"],
        "Mineure retrouvée après une fugue de deux jours.",
        [("victim", "f", 15)],
        Status.TAKEN_UP,
        None,
    ),
    (
        70,
        Source.LOGBOOK,
        Urgency.NORMAL,
        ["addictions"],
        "Ivresse sur la voie publique, troisième fois ce mois-ci.",
        [("victim", "m", 41)],
        Status.CLOSED,
        None,
    ),
    (
        88,
        Source.COMPLAINT,
        Urgency.NORMAL,
        ["violences_intrafamiliales"],
        "Conflit entre frère et sœur, dépôt de plainte puis retrait.",
        [("victim", "f", 39), ("witness", "f", 66)],
        Status.CLOSED,
        None,
    ),
    (
        110,
        Source.OTHER,
        Urgency.NORMAL,
        ["autre"],
        "Saisine créée par erreur sur la mauvaise unité.",
        [("victim", "unknown", None)],
        Status.WITHDRAWN,
        None,
    ),
]

FIRST_NAMES = {
    "f": ["Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Sarah", "Lina"],
    "m": ["Hugo", "Louis", "Nathan", "Enzo", "Théo", "Malik", "Yanis", "Bastien"],
}
LAST_NAMES = [
    "Moreau",
    "Lefèvre",
    "Garnier",
    "Chevalier",
    "Rolland",
    "Marchal",
    "Berthier",
    "Arnaud",
    "Perrot",
    "Vidal",
]
CLOSING_REASONS = [ClosingReason.UNREACHABLE, ClosingReason.REFUSED]


def _persons(index: int, specs) -> list[dict]:
    persons = []
    for rank, (role, sex, age) in enumerate(specs):
        first_names = FIRST_NAMES.get(sex, FIRST_NAMES["f"])
        person = {
            "role": role,
            "sex": sex if sex in Sex.values else Sex.UNKNOWN,
            "age": age,
            "first_name": "" if sex == "unknown" else first_names[(index + rank) % len(first_names)],
            "last_name": "" if sex == "unknown" else LAST_NAMES[(index + rank) % len(LAST_NAMES)],
        }
        if role == PersonRole.VICTIM and age and age >= 18:
            person["safe_phone"] = f"06 00 00 {index:02d} {rank:02d}"  # fictional numbers
            person["best_time"] = "En semaine, entre 10 h et 16 h"
        persons.append(person)
    return persons


def _grid(version: GridVersion, kind: str | None) -> dict[int, str] | None:
    if kind is None:
        return None
    items = list(version.items.order_by("position"))
    answers = {item.pk: Answer.NO for item in items}
    if kind == "danger":
        for item in [item for item in items if item.is_red][:2] + items[:4]:
            answers[item.pk] = Answer.YES
    else:
        for item in items[:3]:
            answers[item.pk] = Answer.YES
        answers[items[-1].pk] = Answer.NOT_ASKED
    return answers


def seed_referrals(territory: dict) -> int:
    """A dozen referrals per demo department; returns how many were created by this run."""
    version = GridVersion.objects.filter(is_current=True).first()
    problems = {problem.code: problem for problem in Problem.objects.all()}
    now = timezone.now()
    created_count = 0
    for code, data in territory.items():
        users = data["users"]
        officer, iscg = users["police"], users["iscg"]
        officer_units = list(officer.units.order_by("name"))
        covered = list(data["posts"][0].units.order_by("name"))
        for index, (days_ago, source, urgency, codes, description, person_specs, status, grid) in enumerate(STORIES):
            key = uuid.uuid5(NAMESPACE, f"{code}-{index}")
            if Referral.objects.filter(idempotency_key=key).exists():
                continue
            author = iscg if source == Source.SCREENING else officer
            units = covered if author == iscg else officer_units
            unit = units[index % len(units)]
            referred_at = now - datetime.timedelta(days=days_ago, hours=index)
            referral, created = services.referral_file(
                author=author,
                unit=unit,
                idempotency_key=key,
                source=source,
                urgency=urgency,
                description=description,
                has_agreement=source != Source.SCREENING,
                persons=_persons(index, person_specs),
                problems=[problems[c] for c in codes],
                referred_at=referred_at,
                facts_at=referred_at - datetime.timedelta(hours=6),
                children_count=sum(1 for role, _, _ in person_specs if role == PersonRole.HOUSEHOLD_CHILD) or None,
                callback_contact="Standard de l'unité, poste 210",
                grid_version=version,
                grid_answers=_grid(version, grid) if version else None,
                notify=False,
            )
            created_count += created
            _advance(referral, status=status, iscg=iscg, officer=officer, index=index)
    return created_count


def _advance(referral: Referral, *, status: str, iscg, officer, index: int) -> None:
    """Walk the workflow with the services, then date each step plausibly after the referral."""
    if status == Status.WITHDRAWN:
        services.referral_withdraw(referral=referral, by=officer)
    elif status != Status.SUBMITTED:
        services.referral_mark_received(referral=referral, by=iscg)
        if status == Status.TAKEN_UP:
            services.referral_take_up(referral=referral, by=iscg)
        elif status == Status.CLOSED:
            reason = CLOSING_REASONS[index % len(CLOSING_REASONS)]
            services.referral_close_without_followup(referral=referral, by=iscg, reason=reason)
    received_at = referral.referred_at + datetime.timedelta(hours=3)
    decided_at = referral.referred_at + datetime.timedelta(days=2)
    dates = {
        Status.SUBMITTED: {"status_changed_at": referral.referred_at},
        Status.RECEIVED: {"received_at": received_at, "status_changed_at": received_at},
        Status.TAKEN_UP: {"received_at": received_at, "taken_up_at": decided_at, "status_changed_at": decided_at},
        Status.CLOSED: {"received_at": received_at, "closed_at": decided_at, "status_changed_at": decided_at},
        Status.WITHDRAWN: {"withdrawn_at": received_at, "status_changed_at": received_at},
    }[status]
    Referral.objects.filter(pk=referral.pk).update(**dates)
