"""Every write of the conventions app. Keyword-only, typed, atomic.

Each change of a convention's content (header, parties, posts, costs, rules) checks and bumps
``Convention.version`` (optimistic concurrency: two coordinators editing the same convention do not
silently overwrite each other), then recomputes the stored costs and commitments from the engine.
"""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conventions import cofinancing
from conventions.enums import ConventionKind
from conventions.models import (
    Convention,
    ConventionDocument,
    ConventionParty,
    ConventionPost,
    Funder,
    FundingRule,
    Payment,
    PlannedYear,
    PostCost,
    SteeringCommittee,
)
from iscg.concurrency import claim_version
from organisation.models import Department, Post


@dataclass(frozen=True)
class ConventionData:
    title: str
    kind: str
    department: Department
    employer: str
    starts_on: datetime.date
    ends_on: datetime.date
    parent: Convention | None = None
    signed_on: datetime.date | None = None
    notes: str = ""
    framework: Convention | None = None
    planned_fte: Decimal | None = None


@dataclass(frozen=True)
class PartyData:
    funder: Funder | None = None
    name: str = ""
    signatory_name: str = ""
    signatory_role: str = ""
    signed_on: datetime.date | None = None


@dataclass(frozen=True)
class PostShareData:
    post: Post
    fte_share: Decimal


@dataclass(frozen=True)
class CostData:
    salary_cents: int = 0
    charges_cents: int = 0
    running_costs_cents: int = 0


@dataclass(frozen=True)
class RuleData:
    funder: Funder
    kind: str
    rank: int = 0
    amount_cents: int | None = None
    percent: Decimal | None = None
    cap_cents: int | None = None

    @classmethod
    def from_cleaned(cls, data: Mapping) -> "RuleData":
        """A rule from a cleaned rule form (conventions.forms.RuleForm)."""
        return cls(
            funder=data["funder"],
            kind=data["kind"],
            rank=data["rank"],
            amount_cents=data.get("amount_cents"),
            percent=data.get("percent"),
            cap_cents=data.get("cap_cents"),
        )


# ---- Conventions --------------------------------------------------------------------------------


@transaction.atomic
def convention_create(
    *,
    data: ConventionData,
    parties: Sequence[PartyData] = (),
    posts: Sequence[PostShareData] = (),
    planned_years: Mapping[int, Decimal] | None = None,
) -> Convention:
    convention = Convention(**_values(data))
    _check_convention(convention, posts)
    _check_planned_years(convention, planned_years or {})
    convention.save()
    _set_parties(convention, parties)
    _set_posts(convention, posts)
    _set_planned_years(convention, planned_years or {})
    _refresh(convention)
    return convention


@transaction.atomic
def convention_update(
    *,
    convention: Convention,
    expected_version: int,
    data: ConventionData,
    parties: Sequence[PartyData],
    posts: Sequence[PostShareData],
    planned_years: Mapping[int, Decimal] | None = None,
) -> Convention:
    """Replace the header, parties, posts and planned FTE by year. Costs and rules of years no longer covered
    are removed."""
    for name, value in _values(data).items():
        setattr(convention, name, value)
    _check_convention(convention, posts)
    if planned_years is None:  # kept as they are, unless the convention is no longer a framework
        planned_years = (
            {} if not convention.is_framework else dict(convention.planned_years.values_list("year", "planned_fte"))
        )
        planned_years = {year: fte for year, fte in planned_years.items() if year in convention.years}
    _check_planned_years(convention, planned_years)
    claim_version(convention, version=expected_version, values=_values(data))
    convention.save()
    _set_parties(convention, parties)
    _set_posts(convention, posts)
    _set_planned_years(convention, planned_years)
    _refresh(convention)
    return convention


def _values(data) -> dict:
    return {f.name: getattr(data, f.name) for f in fields(data)}


def _check_convention(convention: Convention, posts: Sequence[PostShareData]) -> None:
    errors = {}
    parent = convention.parent
    if parent is not None:
        if parent.department_id != convention.department_id:
            errors["parent"] = _("The parent convention must belong to the same department.")
        elif convention.pk is not None and _is_ancestor(convention, parent):
            errors["parent"] = _("A convention cannot amend itself or one of its amendments.")
    if convention.kind == ConventionKind.AMENDMENT and parent is None:
        errors["parent"] = _("An amendment must name the convention it amends.")
    errors.update(_framework_errors(convention))
    if errors:
        raise ValidationError(errors)
    convention.full_clean(exclude=["parent", "framework"])
    post_errors = []
    seen = set()
    for share in posts:
        if share.post.department_id != convention.department_id:
            post_errors.append(_("The post %(post)s is not in the convention's department.") % {"post": share.post})
        if share.post.pk in seen:
            post_errors.append(_("The post %(post)s is listed twice.") % {"post": share.post})
        seen.add(share.post.pk)
        if not 0 < share.fte_share <= Decimal(str(share.post.fte)):
            post_errors.append(
                _("The FTE covered for %(post)s must be greater than 0 and at most the post's FTE (%(fte)s).")
                % {"post": share.post, "fte": share.post.fte}
            )
    if post_errors:
        raise ValidationError(post_errors)


def _framework_errors(convention: Convention) -> dict[str, str]:
    """A local convention lies within its framework (same department, dates inside); a framework plans FTE."""
    errors = {}
    framework = convention.framework
    if convention.kind == ConventionKind.FRAMEWORK:
        if framework is not None:
            errors["framework"] = _("A framework convention cannot depend on another framework convention.")
        if convention.planned_fte is not None and convention.planned_fte <= 0:
            errors["planned_fte"] = _("The planned FTE must be positive.")
        if convention.pk is not None and convention.starts_on and convention.ends_on:
            outside = (
                convention.local_conventions.filter(
                    models.Q(starts_on__lt=convention.starts_on) | models.Q(ends_on__gt=convention.ends_on)
                )
                .order_by("starts_on", "title")
                .first()
            )
            if outside is not None:
                errors["starts_on"] = _(
                    "The local convention « %(title)s » (%(start)s – %(end)s) would no longer lie within these dates."
                ) % {
                    "title": outside.title,
                    "start": date_format(outside.starts_on, "SHORT_DATE_FORMAT"),
                    "end": date_format(outside.ends_on, "SHORT_DATE_FORMAT"),
                }
        return errors
    if convention.planned_fte is not None:
        errors["planned_fte"] = _("Only a framework convention plans FTE.")
    if convention.pk is not None and convention.local_conventions.exists():
        errors["kind"] = _("Local conventions depend on this framework convention: it stays a framework convention.")
    if framework is None:
        return errors
    if framework.kind != ConventionKind.FRAMEWORK:
        errors["framework"] = _("The chosen convention is not a framework convention.")
    elif framework.department_id != convention.department_id:
        errors["framework"] = _("The framework convention must belong to the same department.")
    elif (
        convention.starts_on
        and convention.ends_on
        and (convention.starts_on < framework.starts_on or convention.ends_on > framework.ends_on)
    ):
        errors["framework"] = _(
            "A local convention's dates must lie within those of its framework convention (%(start)s – %(end)s)."
        ) % {
            "start": date_format(framework.starts_on, "SHORT_DATE_FORMAT"),
            "end": date_format(framework.ends_on, "SHORT_DATE_FORMAT"),
        }
    return errors


def _check_planned_years(convention: Convention, planned_years: Mapping[int, Decimal]) -> None:
    if not planned_years:
        return
    if convention.kind != ConventionKind.FRAMEWORK:
        raise ValidationError({"planned_fte": _("Only a framework convention plans FTE.")})
    errors = []
    for year, fte in sorted(planned_years.items()):
        if year not in convention.years:
            errors.append(
                _("The year %(year)s is outside the convention (%(first)s–%(last)s).")
                % {"year": year, "first": convention.starts_on.year, "last": convention.ends_on.year}
            )
        if fte is None or fte <= 0:
            errors.append(_("The planned FTE of %(year)s must be positive.") % {"year": year})
    if errors:
        raise ValidationError(errors)


def _set_planned_years(convention: Convention, planned_years: Mapping[int, Decimal]) -> None:
    convention.planned_years.all().delete()
    PlannedYear.objects.bulk_create(
        PlannedYear(convention=convention, year=year, planned_fte=fte) for year, fte in sorted(planned_years.items())
    )


def _is_ancestor(convention: Convention, candidate: Convention) -> bool:
    node, hops = candidate, 0
    while node is not None and hops < 50:
        if node.pk == convention.pk:
            return True
        node, hops = node.parent, hops + 1
    return False


def _set_parties(convention: Convention, parties: Sequence[PartyData]) -> None:
    for party in parties:
        if party.funder is not None and party.funder.department_id != convention.department_id:
            raise ValidationError(_("A party funder must belong to the convention's department."))
    convention.parties.all().delete()
    ConventionParty.objects.bulk_create(
        ConventionParty(convention=convention, position=position, **_values(party))
        for position, party in enumerate(parties)
    )


def _set_posts(convention: Convention, posts: Sequence[PostShareData]) -> None:
    """Keep the rows of posts still covered (and their costs), update their share, drop the others."""
    existing = {cp.post_id: cp for cp in convention.convention_posts.all()}
    wanted = {share.post.pk: share for share in posts}
    convention.convention_posts.exclude(post_id__in=wanted).delete()
    changed = []
    for post_id, share in wanted.items():
        current = existing.get(post_id)
        if current is None:
            ConventionPost.objects.create(convention=convention, post=share.post, fte_share=share.fte_share)
        elif current.fte_share != share.fte_share:
            current.fte_share = share.fte_share
            changed.append(current)
    ConventionPost.objects.bulk_update(changed, ["fte_share"])


def _refresh(convention: Convention) -> None:
    """Recompute every prorated cost and every commitment of the convention from the engine."""
    years = convention.years
    PostCost.objects.filter(convention_post__convention=convention).exclude(year__in=years).delete()
    FundingRule.objects.filter(convention=convention).exclude(year__in=years).delete()
    cost_by_year: dict[int, int] = defaultdict(int)
    costs = list(
        PostCost.objects.filter(convention_post__convention=convention).select_related("convention_post__post")
    )
    for cost in costs:
        cost.prorated_cost_cents = _prorated_cost_cents(
            convention, cost.convention_post, year=cost.year, yearly_cost_cents=cost.yearly_cost_cents
        )
        cost_by_year[cost.year] += cost.prorated_cost_cents
    PostCost.objects.bulk_update(costs, ["prorated_cost_cents"])
    rules = list(FundingRule.objects.filter(convention=convention).order_by("year", "rank", "pk"))
    rules_by_year: dict[int, list[FundingRule]] = defaultdict(list)
    for rule in rules:
        rules_by_year[rule.year].append(rule)
    for year, year_rules in rules_by_year.items():
        allocation = cofinancing.allocate(cost_by_year[year], [engine_rule(rule) for rule in year_rules])
        for rule in year_rules:
            rule.committed_cents = allocation.amounts[rule.funder_id]
    FundingRule.objects.bulk_update(rules, ["committed_cents"])


def covered_period(convention: Convention, post: Post) -> tuple[datetime.date, datetime.date]:
    """The days a convention pays for a post it covers: from the later start to the earlier end."""
    starts_on = max(convention.starts_on, post.starts_on)
    ends_on = min(convention.ends_on, post.ends_on) if post.ends_on else convention.ends_on
    return starts_on, ends_on


def _prorated_cost_cents(
    convention: Convention, convention_post: ConventionPost, *, year: int, yearly_cost_cents: int
) -> int:
    starts_on, ends_on = covered_period(convention, convention_post.post)
    return cofinancing.prorated_cost_cents(
        yearly_cost_cents=yearly_cost_cents,
        fte_share=convention_post.fte_share,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def engine_rule(rule: FundingRule | RuleData) -> cofinancing.Rule:
    """The engine's view of a stored rule or of a rule being entered (the one conversion)."""
    return cofinancing.Rule(
        funder=rule.funder.pk if isinstance(rule, RuleData) else rule.funder_id,
        kind=rule.kind,
        rank=rule.rank,
        amount_cents=rule.amount_cents,
        percent=rule.percent,
        cap_cents=rule.cap_cents,
    )


def convention_refresh(*, convention: Convention) -> None:
    """Recompute costs and commitments, e.g. after a post's dates changed in the organisation."""
    with transaction.atomic():
        _refresh(convention)


# ---- Costs and funding rules --------------------------------------------------------------------


def _check_year(convention: Convention, year: int) -> None:
    if year not in convention.years:
        raise ValidationError(
            _("The year %(year)s is outside the convention (%(first)s–%(last)s).")
            % {"year": year, "first": convention.starts_on.year, "last": convention.ends_on.year}
        )


@transaction.atomic
def funding_rules_set_for_year(
    *,
    convention: Convention,
    year: int,
    expected_version: int,
    rules: Sequence[RuleData],
    costs: Mapping[int, CostData] | None = None,
) -> cofinancing.Allocation:
    """Replace a year's rules (and the cost basis of its posts, keyed by ConventionPost pk): all or nothing."""
    _check_year(convention, year)
    for rule in rules:
        if rule.funder.department_id != convention.department_id:
            raise ValidationError(
                _("The funder %(funder)s is not in the convention's department.") % {"funder": rule.funder}
            )
    cofinancing.validate_rules([engine_rule(rule) for rule in rules])
    post_ids = set(convention.convention_posts.values_list("pk", flat=True))
    if costs is not None and not set(costs) <= post_ids:
        raise ValidationError(_("A cost concerns a post this convention does not cover."))
    claim_version(convention, version=expected_version)
    for convention_post_id, cost in (costs or {}).items():
        PostCost.objects.update_or_create(convention_post_id=convention_post_id, year=year, defaults=_values(cost))
    FundingRule.objects.filter(convention=convention, year=year).delete()
    FundingRule.objects.bulk_create(FundingRule(convention=convention, year=year, **_values(rule)) for rule in rules)
    _refresh(convention)
    total = sum(
        PostCost.objects.filter(convention_post__convention=convention, year=year).values_list(
            "prorated_cost_cents", flat=True
        )
    )
    return cofinancing.allocate(total, [engine_rule(rule) for rule in rules])


def funding_year_stored_allocation(
    *, rules: Sequence[FundingRule], costs: Sequence[PostCost]
) -> cofinancing.Allocation:
    """A year's allocation as stored: its prorated costs and each rule's committed amount (no query)."""
    total = sum(cost.prorated_cost_cents for cost in costs)
    return cofinancing.Allocation(
        total_cost_cents=total,
        amounts={rule.funder_id: rule.committed_cents for rule in rules},
        gap_cents=total - sum(rule.committed_cents for rule in rules),
    )


def funding_year_preview(
    *,
    convention: Convention,
    year: int,
    convention_posts: Sequence[ConventionPost],
    costs: Mapping[int, CostData],
    rules: Sequence[RuleData],
) -> cofinancing.Allocation:
    """What entered costs (keyed by ConventionPost pk) and rules would give for a year, saving nothing
    (``convention_posts`` with their posts loaded: no query)."""
    total = sum(
        _prorated_cost_cents(
            convention,
            convention_post,
            year=year,
            yearly_cost_cents=cost.salary_cents + cost.charges_cents + cost.running_costs_cents,
        )
        for convention_post in convention_posts
        if (cost := costs.get(convention_post.pk)) is not None
    )
    return cofinancing.allocate(total, [engine_rule(rule) for rule in rules])


@transaction.atomic
def funding_rules_copy_year(*, convention: Convention, from_year: int, to_year: int, expected_version: int) -> int:
    """Copy a year's rules (and the cost basis of posts that have none yet) to another year, to adjust there.

    Refused when the target year already has rules: nothing is overwritten. Returns the number of rules copied.
    """
    _check_year(convention, from_year)
    _check_year(convention, to_year)
    if from_year == to_year:
        raise ValidationError(_("Choose another year to copy to."))
    if FundingRule.objects.filter(convention=convention, year=to_year).exists():
        raise ValidationError(
            _("The year %(year)s already has funding rules: edit them instead of copying.") % {"year": to_year}
        )
    source = list(FundingRule.objects.filter(convention=convention, year=from_year).order_by("rank", "pk"))
    if not source:
        raise ValidationError(_("The year %(year)s has no funding rule to copy.") % {"year": from_year})
    claim_version(convention, version=expected_version)
    FundingRule.objects.bulk_create(
        FundingRule(
            convention=convention,
            year=to_year,
            funder_id=rule.funder_id,
            kind=rule.kind,
            rank=rule.rank,
            amount_cents=rule.amount_cents,
            percent=rule.percent,
            cap_cents=rule.cap_cents,
        )
        for rule in source
    )
    with_cost = set(
        PostCost.objects.filter(convention_post__convention=convention, year=to_year).values_list(
            "convention_post_id", flat=True
        )
    )
    PostCost.objects.bulk_create(
        PostCost(
            convention_post_id=cost.convention_post_id,
            year=to_year,
            salary_cents=cost.salary_cents,
            charges_cents=cost.charges_cents,
            running_costs_cents=cost.running_costs_cents,
        )
        for cost in PostCost.objects.filter(convention_post__convention=convention, year=from_year)
        if cost.convention_post_id not in with_cost
    )
    _refresh(convention)
    return len(source)


# ---- Payments, documents, committees, funders ---------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    convention: Convention,
    funder: Funder,
    year: int,
    kind: str,
    amount_cents: int,
    dated_on: datetime.date,
    reference: str = "",
    by=None,
) -> Payment:
    _check_year(convention, year)
    if funder.department_id != convention.department_id:
        raise ValidationError(_("The funder %(funder)s is not in the convention's department.") % {"funder": funder})
    payment = Payment(
        convention=convention,
        funder=funder,
        year=year,
        kind=kind,
        amount_cents=amount_cents,
        dated_on=dated_on,
        reference=reference,
        recorded_by=by,
    )
    payment.full_clean()
    payment.save()
    return payment


@transaction.atomic
def payment_delete(*, payment: Payment) -> None:
    """Remove a call for funds or payment recorded by mistake."""
    payment.delete()


@transaction.atomic
def document_add(*, convention: Convention, title: str, file: UploadedFile, by=None) -> ConventionDocument:
    """Store an uploaded PDF (the form has checked its type, magic bytes and size)."""
    return ConventionDocument.objects.create(
        convention=convention, title=title, file=file, size=file.size, uploaded_by=by
    )


@transaction.atomic
def document_delete(*, document: ConventionDocument) -> None:
    """Remove a document uploaded by mistake, and its file once the transaction is committed."""
    file = document.file
    document.delete()
    if file:
        transaction.on_commit(lambda: file.storage.delete(file.name))


@transaction.atomic
def committee_create(
    *,
    convention: Convention,
    held_on: datetime.date,
    attendees: str = "",
    minutes: str = "",
    bilan: UploadedFile | None = None,
) -> SteeringCommittee:
    committee = SteeringCommittee(convention=convention, held_on=held_on, attendees=attendees, minutes=minutes)
    if bilan is not None:
        committee.bilan = bilan
    committee.save()
    return committee


@transaction.atomic
def funder_create(*, department: Department, name: str, kind: str) -> Funder:
    funder = Funder(department=department, name=name, kind=kind)
    funder.full_clean()
    funder.save()
    return funder
