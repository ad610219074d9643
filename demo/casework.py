"""Demo casework: about a year of work per demo post, consistent with the demo referrals.

The referrals the demo took up are linked to follow-ups; other follow-ups were opened directly
(spontaneous visits, repérage). Interventions cover every type, place and status, orientations every
status, and some follow-ups are closed. Every name and phone number is invented (a fixed list, no
random generator): re-running the seed changes nothing (a post that has persons is skipped).
"""

import datetime

from django.utils import timezone

from casework import services
from casework.enums import (
    AgeClass,
    ClosingReason,
    FamilySituation,
    FollowUpRole,
    InterventionKind,
    InterventionStatus,
    KnownToSocialServices,
    OrientationKind,
    OrientationStatus,
    Place,
    RiskLevel,
    Sex,
)
from casework.models import FollowUp, FollowUpReferral, Intervention, Orientation, Person, ViolenceForm
from organisation.models import Partner, PartnerType
from referrals.enums import Status
from referrals.models import Problem, Referral

FOLLOWUPS_PER_POST = 22

# (first name, last name, sex): invented identities.
IDENTITIES = [
    ("Maëlys", "Carpentier", Sex.FEMALE),
    ("Ophélie", "Delattre", Sex.FEMALE),
    ("Rose", "Vasseur", Sex.FEMALE),
    ("Yvette", "Lemaire", Sex.FEMALE),
    ("Soraya", "Benhamou", Sex.FEMALE),
    ("Gaëlle", "Pruvost", Sex.FEMALE),
    ("Aïcha", "Traoré", Sex.FEMALE),
    ("Noémie", "Caudron", Sex.FEMALE),
    ("Armand", "Leclercq", Sex.MALE),
    ("Brigitte", "Fauquembergue", Sex.FEMALE),
    ("Jessica", "Duflos", Sex.FEMALE),
    ("Kevin", "Obert", Sex.MALE),
    ("Mireille", "Tellier", Sex.FEMALE),
    ("Sandrine", "Boulanger", Sex.FEMALE),
    ("Fabrice", "Deneux", Sex.MALE),
    ("Laetitia", "Cuvelier", Sex.FEMALE),
    ("Zoé", "Hennebert", Sex.FEMALE),
    ("Josiane", "Wattebled", Sex.FEMALE),
    ("Samia", "Kaddouri", Sex.FEMALE),
    ("Gérard", "Poiret", Sex.MALE),
    ("Audrey", "Lenglet", Sex.FEMALE),
    ("Cindy", "Froment", Sex.FEMALE),
]
AGE_CLASSES = [
    AgeClass.AGE_26_40,
    AgeClass.AGE_41_60,
    AgeClass.AGE_18_25,
    AgeClass.AGE_61_74,
    AgeClass.AGE_26_40,
    AgeClass.AGE_15_17,
    AgeClass.AGE_75_PLUS,
    AgeClass.UNKNOWN,
]
FAMILY = list(FamilySituation.values)
KNOWN = [KnownToSocialServices.NO, KnownToSocialServices.YES, KnownToSocialServices.NO, KnownToSocialServices.UNKNOWN]
ROLES = [FollowUpRole.VICTIM, FollowUpRole.VICTIM, FollowUpRole.VICTIM, FollowUpRole.ACCUSED, FollowUpRole.BOTH]
PROBLEMS = [
    ["violences_conjugales"],
    ["violences_conjugales", "logement"],
    ["violences_intrafamiliales", "mineur"],
    ["adulte_vulnerable"],
    ["sante_mentale"],
    ["precarite", "logement"],
    ["violences_sexuelles"],
    ["addictions"],
    ["voisinage"],
    ["fugue", "mineur"],
]
CLOSING = list(ClosingReason.values)
KINDS = list(InterventionKind.values)
PLACES = list(Place.values)
# Mostly held; a few not honoured or cancelled, as in real activity.
STATUSES = [InterventionStatus.DONE] * 4 + [
    InterventionStatus.NO_SHOW,
    InterventionStatus.DONE,
    InterventionStatus.CANCELLED,
]
SUMMARIES = [
    "Premier entretien : écoute, information sur les droits et les démarches.",
    "Point téléphonique sur l'avancée des démarches.",
    "Accompagnement au dépôt de plainte.",
    "Visite à domicile avec le service social de secteur.",
    "Courrier au bailleur pour une demande de relogement.",
    "Échange avec l'assistante sociale du secteur.",
]
ORIENTATION_STATUSES = list(OrientationStatus.values)


def _day(on: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(on, datetime.time(hour)))


def seed_casework(territory: dict) -> int:
    """A year of casework per demo post; returns how many follow-ups this run created."""
    problems = {problem.code: problem for problem in Problem.objects.all()}
    violence_forms = list(ViolenceForm.objects.order_by("position"))
    fallback_type = PartnerType.objects.filter(code="autre").first() or PartnerType.objects.first()
    today = timezone.localdate()
    created = 0
    for data in territory.values():
        users = data["users"]
        partners = list(Partner.objects.filter(department=data["department"]).order_by("name"))
        for post, iscg in ((data["posts"][0], users["iscg"]), (data["posts"][1], users["iscg2"])):
            if Person.objects.filter(post=post).exists():
                continue
            created += _seed_post(
                post=post,
                iscg=iscg,
                problems=problems,
                violence_forms=violence_forms,
                partners=partners,
                fallback_type=fallback_type,
                today=today,
            )
    return created


def _seed_post(*, post, iscg, problems, violence_forms, partners, fallback_type, today) -> int:
    followups = []
    # 1. The referrals the ISCG took up become follow-ups.
    taken_up = (
        Referral.objects.filter(unit__in=post.units.all(), status=Status.TAKEN_UP)
        .exclude(pk__in=FollowUpReferral.objects.values("referral"))
        .order_by("referred_at")
    )
    for referral in taken_up:
        referral_person = referral.persons.order_by("pk").first()
        if referral_person is None:
            continue
        followup = services.followup_open_from_referral(
            referral=referral, by=iscg, post=post, referral_person=referral_person
        )
        FollowUp.objects.filter(pk=followup.pk).update(opened_on=timezone.localdate(referral.taken_up_at))
        followup.refresh_from_db()
        followups.append(followup)
    # 2. Follow-ups opened directly over the past year.
    for index, (first_name, last_name, sex) in enumerate(IDENTITIES[:FOLLOWUPS_PER_POST]):
        anonymous = index % 9 == 8
        person = services.person_create(
            post=post,
            by=iscg,
            first_name="" if anonymous else first_name,
            last_name="" if anonymous else last_name,
            sex=sex,
            age_class=AGE_CLASSES[index % len(AGE_CLASSES)],
            safe_phone="" if anonymous else f"07 00 {post.pk % 100:02d} {index:02d} 00",  # fictional numbers
            best_time="En semaine, en matinée" if index % 2 else "",
            commune=post.units.order_by("name").first().commune if post.units.exists() else "",
            family_situation=FAMILY[index % len(FAMILY)],
            children_count=index % 4,
            known_to_social_services=KNOWN[index % len(KNOWN)],
        )
        opened_on = today - datetime.timedelta(days=360 - index * 16)
        followup = services.followup_open(
            post=post,
            person=person,
            by=iscg,
            person_role=ROLES[index % len(ROLES)],
            problems=[problems[code] for code in PROBLEMS[index % len(PROBLEMS)] if code in problems],
            opened_on=opened_on,
        )
        followups.append(followup)

    interventions, orientations = [], []
    for index, followup in enumerate(followups):
        opened = followup.opened_on
        # Older follow-ups are closed: one in three of those opened more than three months ago.
        closes = (today - opened).days > 90 and index % 3 == 0
        count = 2 + index % 5
        last_day = opened
        for rank in range(count):
            day = min(opened + datetime.timedelta(days=rank * 9), today - datetime.timedelta(days=1))
            last_day = max(last_day, day)
            cursor = index * 7 + rank
            interventions.append(
                Intervention(
                    followup=followup,
                    author=iscg,
                    starts_at=_day(day, 9 + cursor % 8),
                    duration_minutes=(15, 30, 45, 60, 90)[cursor % 5],
                    kind=KINDS[cursor % len(KINDS)] if rank else InterventionKind.INTERVIEW,
                    place=PLACES[cursor % len(PLACES)],
                    status=STATUSES[(index + rank) % len(STATUSES)] if rank else InterventionStatus.DONE,
                    summary=SUMMARIES[cursor % len(SUMMARIES)],
                    private_note="Note personnelle de travail (fictive)." if cursor % 4 == 0 else "",
                )
            )
        if not closes and index % 2 == 0:
            interventions.append(
                Intervention(
                    followup=followup,
                    author=iscg,
                    starts_at=_day(today + datetime.timedelta(days=1 + index % 12), 10 + index % 6),
                    duration_minutes=45,
                    kind=InterventionKind.INTERVIEW,
                    place=PLACES[index % len(PLACES)],
                    status=InterventionStatus.PLANNED,
                )
            )
        if index % 2 == 0:
            services.assessment_record(
                followup=followup,
                by=iscg,
                problems=list(followup.problems.all()),
                violence_forms=violence_forms[: 1 + index % 3] if index % 4 == 0 else [],
                assessed_on=min(opened + datetime.timedelta(days=7), today),
                needs="Mise en sécurité, accès aux droits, soutien psychologique.",
                risk_level=(RiskLevel.LOW, RiskLevel.MODERATE, RiskLevel.HIGH)[index % 3],
                is_very_serious_danger=index % 10 == 0,
                children_exposed=followup.person.children_count,
                known_to_social_services=followup.person.known_to_social_services,
            )
        if index % 3 != 2:
            status = ORIENTATION_STATUSES[len(orientations) % len(ORIENTATION_STATUSES)]
            oriented_on = min(opened + datetime.timedelta(days=10), today)
            kind = OrientationKind.ORIENTATION
            if index % 11 == 5:
                kind = OrientationKind.CONCERN_REPORT
            elif index % 11 == 10:
                kind = OrientationKind.PROSECUTOR_REPORT
            partner = partners[index % len(partners)] if partners and kind == OrientationKind.ORIENTATION else None
            has_outcome = status not in (OrientationStatus.PROPOSED, OrientationStatus.ACCEPTED)
            orientations.append(
                Orientation(
                    followup=followup,
                    author=iscg,
                    kind=kind,
                    oriented_on=oriented_on,
                    partner=partner,
                    partner_type=fallback_type if kind == OrientationKind.ORIENTATION and partner is None else None,
                    recipient=""
                    if kind == OrientationKind.ORIENTATION
                    else (
                        "CRIP du département"
                        if kind == OrientationKind.CONCERN_REPORT
                        else "Procureur de la République"
                    ),
                    reason="Orientation proposée lors de l'entretien.",
                    status=status if kind == OrientationKind.ORIENTATION else OrientationStatus.DONE,
                    outcome_on=min(oriented_on + datetime.timedelta(days=15), today)
                    if has_outcome or kind != OrientationKind.ORIENTATION
                    else None,
                )
            )
        if closes:
            FollowUp.objects.filter(pk=followup.pk).update(
                closed_on=min(last_day + datetime.timedelta(days=20), today),
                closing_reason=CLOSING[index % len(CLOSING)],
            )
    Intervention.objects.bulk_create(interventions)
    Orientation.objects.bulk_create(orientations)
    return len(followups)
