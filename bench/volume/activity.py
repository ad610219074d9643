"""The activity of one synthetic post: planned by the demo's planner (demo.activity), turned into the
Writer's tuples here.

The domain (the referrals' workflow, the persons they name, follow-ups, interventions, assessments,
orientations, their weights and dates) is the demo planner's alone; bench.volume asks it for more
referrals than a demo post has (``REFERRALS_PER_MONTH``) and for a few duplicate person records
(``DUPLICATE_RATE``). This module only gives the rows what a plan does not
hold: primary keys and public ids, the references to units, users, partners and reference tables,
the danger grids' answers item by item (with the counts and outcome referrals.danger gives), the
fields the services would set (search fields, a follow-up's problems joined by its referrals' and
assessments'). Referral numbers are given per department, in filing order, by bench.volume.

Every draw comes from generators seeded with the run's seed and the post's number: the rows are
the same for a given seed, end date and post, whatever else is generated.
"""

import datetime
import random
import uuid

from bench.volume.organisation import BenchPost
from casework.models import (
    Assessment,
    FollowUp,
    FollowUpReferral,
    Intervention,
    Orientation,
    Person,
)
from casework.normalise import name_key, normalise_phone, normalise_text
from demo.activity import PostPlan, PostPlanner
from demo.activity.plan import at
from demo.people import Directory
from organisation.enums import Force
from referrals.danger import evaluate_danger
from referrals.enums import Answer, FilledBy
from referrals.models import DangerAnswer, DangerAssessment, Referral, ReferralPerson

# The referrals asked of the planner, for a full-time post (it scales part-time posts down itself),
# where a demo post has 9 a month: per post and year on average about 220 referrals, 165 persons,
# 620 interventions and 170 orientations (docs/benchmarks.md), near the persons and interventions
# of the simulator the volume had before (which drive the bilans' costs).
REFERRALS_PER_MONTH = 20.0
DUPLICATE_RATE = 0.03  # of new person records: someone recorded already (a duplicate to merge)


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
        "referral", "role", "last_name", "first_name", "sex", "birth_date", "age", "safe_phone", "safe_email",
        "best_time",
    ])  # fmt: skip
    writer.table(DangerAssessment, [
        "public_id", "referral", "version", "filled_by_kind", "filled_by", "filled_at", "yes_count", "red_yes_count",
        "is_danger",
    ])  # fmt: skip
    writer.table(DangerAnswer, ["assessment", "item", "answer", "is_red"])
    writer.table(Person, [
        "public_id", "post", "last_name", "first_name", "is_anonymous", "sex", "birth_date", "age_class",
        "safe_phone", "safe_email", "best_time", "commune", "family_situation", "children_count", "children_ages",
        "known_to_social_services", "search_name", "name_key", "search_phone", "created_by", "created_at",
        "updated_at",
    ])  # fmt: skip
    writer.table(FollowUp, [
        "public_id", "post", "person", "assigned_to", "person_role", "opened_on", "closed_on", "closing_reason",
        "version", "created_by", "created_at", "updated_at",
    ])  # fmt: skip
    writer.table(FollowUp.problems.through, ["followup", "problem"])
    writer.table(FollowUpReferral, ["followup", "referral", "linked_at", "linked_by"])
    writer.table(Intervention, [
        "public_id", "followup", "starts_at", "duration_minutes", "kind", "place", "status", "summary",
        "private_note", "author", "created_at", "updated_at",
    ])  # fmt: skip
    writer.table(Assessment, [
        "public_id", "followup", "assessed_on", "needs", "risk_level", "risk_comment", "is_very_serious_danger",
        "children_exposed", "known_to_social_services", "author", "created_at",
    ])  # fmt: skip
    writer.table(Assessment.problems.through, ["assessment", "problem"])
    writer.table(Assessment.violence_forms.through, ["assessment", "violenceform"])
    writer.table(Orientation, [
        "public_id", "followup", "kind", "oriented_on", "partner", "partner_type", "recipient", "reason", "status",
        "outcome_on", "author", "created_at", "updated_at",
    ])  # fmt: skip


class Reference:
    """Reference rows every post uses: problems, violence forms, partner types, the current danger grid."""

    def __init__(self, *, problems: dict, violence_forms: dict, partner_types: dict, grid_version, grid_items):
        self.problems = problems  # code → pk
        self.violence_forms = violence_forms  # code → pk
        self.partner_types = partner_types  # code → pk
        self.grid_version = grid_version
        self.grid_items = grid_items  # [(pk, is_red)]
        self.red_items = [item for item in grid_items if item[1]]
        self.other_items = [item for item in grid_items if not item[1]]


def plan_post(post: BenchPost, *, seed: int, start: datetime.date, end: datetime.date) -> PostPlan:
    """The post's activity from ``start`` to ``end`` (inclusive), by the demo's planner."""
    planner = PostPlanner(
        post.description(),
        seed=f"iscg-bench-{seed}-{post.number}",
        name=f"bench-{seed}-{post.number}",
        directory=Directory(first_number=0),
        today=end + datetime.timedelta(days=1),
        start=start,
        referrals_per_month=REFERRALS_PER_MONTH,
        duplicate_rate=DUPLICATE_RATE,
    )
    planner.plan()
    return PostPlan(post.number, planner.iscg, planner.referrals, planner.cases)


class PostRows:
    """Queues the rows of one post's plan into the Writer."""

    def __init__(self, writer, reference: Reference, post: BenchPost, *, seed: int):
        self.w, self.ref, self.post = writer, reference, post
        self.rng = random.Random(f"iscg-bench-{seed}-{post.number}-rows")  # noqa: S311 - synthetic data
        self.referrals: list[tuple] = []  # (referred_at, key, pk): numbered later, per department
        self.referral_pks: dict[int, int] = {}  # id(ReferralPlan) → pk

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def write(self, plan: PostPlan) -> None:
        for referral in plan.referrals:
            self._referral(referral)
        persons: dict[int, int] = {}  # id(PersonPlan) → pk
        for case in plan.cases:
            if id(case.person) not in persons:
                persons[id(case.person)] = self._person(case.person, case.opened_on)
            self._case(case, persons[id(case.person)])

    # ---- referrals

    def _referral(self, referral) -> None:
        w, iscg = self.w, self.post.iscg
        changed = referral.status_changed_at
        pk = w.add(
            Referral,
            None,
            self._uuid(),
            None,  # numbered per department (bench.volume)
            referral.key,
            referral.unit.pk,
            referral.author.pk,
            referral.callback_contact,
            referral.facts_at,
            referral.referred_at,
            referral.source,
            referral.description,
            referral.urgency,
            referral.has_agreement,
            referral.children_count,
            referral.status,
            changed,
            referral.received_at,
            iscg if referral.received_at else None,
            referral.taken_up_at,
            iscg if referral.taken_up_at else None,
            referral.closed_at,
            iscg if referral.closed_at else None,
            referral.closing_reason,
            referral.withdrawn_at,
            referral.author.pk if referral.withdrawn_at else None,
            referral.referred_at,
            changed,
        )
        self.referrals.append((referral.referred_at, referral.key, pk))
        self.referral_pks[id(referral)] = pk
        for code in dict.fromkeys(referral.problems):
            if code in self.ref.problems:
                w.add(Referral.problems.through, None, pk, self.ref.problems[code])
        for person in referral.persons:
            identity = person.identity
            w.add(
                ReferralPerson,
                None,
                pk,
                person.role,
                identity.last_name,
                identity.first_name,
                identity.sex,
                identity.birth_date,
                identity.age,
                identity.phone,
                identity.email,
                identity.best_time,
            )
        if self.ref.grid_version is not None:
            for grid in referral.grids:
                self._grid(pk, referral, grid)

    def _grid(self, referral_pk: int, referral, grid) -> None:
        """The grid answered item by item, as demo.referrals answers it."""
        ref, rng = self.ref, self.rng
        yes = rng.sample(ref.red_items, min(grid.red_yes, len(ref.red_items)))
        yes += rng.sample(ref.other_items, min(grid.other_yes, len(ref.other_items)))
        rest = [item for item in ref.grid_items if item not in yes]
        not_asked = rng.sample(rest, min(grid.not_asked, len(rest)))
        answers = [
            (item, Answer.YES if item in yes else Answer.NOT_ASKED if item in not_asked else Answer.NO)
            for item in ref.grid_items
        ]
        outcome = evaluate_danger(
            ((answer, is_red) for (_pk, is_red), answer in answers),
            yes_threshold=ref.grid_version.yes_threshold,
            red_threshold=ref.grid_version.red_threshold,
        )
        if grid.filled_by.pk == self.post.iscg:
            kind = FilledBy.ISCG
        else:
            kind = FilledBy.GENDARMERIE if referral.unit.force == Force.GENDARMERIE else FilledBy.POLICE
        pk = self.w.add(
            DangerAssessment,
            None,
            self._uuid(),
            referral_pk,
            ref.grid_version.pk,
            kind,
            grid.filled_by.pk,
            grid.filled_at,
            outcome.yes_count,
            outcome.red_yes_count,
            outcome.is_danger,
        )
        for (item_pk, is_red), answer in answers:
            self.w.add(DangerAnswer, None, pk, item_pk, answer, is_red)

    # ---- follow-ups

    def _person(self, person, opened_on: datetime.date) -> int:
        identity, post = person.identity, self.post
        created = at(opened_on, 9)
        return self.w.add(
            Person,
            None,
            self._uuid(),
            post.pk,
            identity.last_name,
            identity.first_name,
            identity.is_anonymous,
            identity.sex,
            identity.birth_date,
            person.age_class,
            identity.phone,
            identity.email,
            identity.best_time,
            person.commune,
            person.family_situation,
            person.children_count,
            person.children_ages,
            person.known_to_social_services,
            normalise_text(f"{identity.last_name} {identity.first_name} "),
            name_key(identity.last_name, identity.first_name),
            normalise_phone(identity.phone),
            post.iscg,
            created,
            created,
        )

    def _case(self, case, person: int) -> None:
        w, ref, post, iscg = self.w, self.ref, self.post, self.post.iscg
        created = at(case.opened_on, 9)
        followup = w.add(
            FollowUp,
            None,
            self._uuid(),
            post.pk,
            person,
            iscg,
            case.role,
            case.opened_on,
            case.closed_on,
            case.closing_reason,
            1 + len(case.referrals),
            iscg,
            created,
            created,
        )
        codes = dict.fromkeys(case.problems)
        for referral in case.referrals:
            codes.update(dict.fromkeys(referral.problems))
            w.add(FollowUpReferral, None, followup, self.referral_pks[id(referral)], referral.taken_up_at, iscg)
        for assessment in case.assessments:
            codes.update(dict.fromkeys(assessment.problems))
        for code in codes:
            if code in ref.problems:
                w.add(FollowUp.problems.through, None, followup, ref.problems[code])
        for item in case.interventions:
            w.add(
                Intervention,
                None,
                self._uuid(),
                followup,
                item.starts_at,
                item.duration_minutes,
                item.kind,
                item.place,
                item.status,
                item.summary,
                item.private_note,
                iscg,
                item.starts_at,
                item.starts_at,
            )
        for item in case.assessments:
            assessment = w.add(
                Assessment,
                None,
                self._uuid(),
                followup,
                item.assessed_on,
                item.needs,
                item.risk_level,
                item.risk_comment,
                item.is_very_serious_danger,
                item.children_exposed,
                item.known_to_social_services,
                iscg,
                at(item.assessed_on, 18),
            )
            for code in dict.fromkeys(item.problems):
                if code in ref.problems:
                    w.add(Assessment.problems.through, None, assessment, ref.problems[code])
            for code in dict.fromkeys(item.violence_forms):
                if code in ref.violence_forms:
                    w.add(Assessment.violence_forms.through, None, assessment, ref.violence_forms[code])
        for item in case.orientations:
            partner = post.partners.get(item.partner_type) if item.use_directory else None
            partner_type = None
            if item.partner_type and partner is None:
                partner_type = ref.partner_types.get(item.partner_type) or ref.partner_types.get("autre")
            created = at(item.oriented_on, 12)
            w.add(
                Orientation,
                None,
                self._uuid(),
                followup,
                item.kind,
                item.oriented_on,
                partner,
                partner_type,
                item.recipient,
                item.reason,
                item.status,
                item.outcome_on,
                iscg,
                created,
                created,
            )
