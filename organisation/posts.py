"""How a post is arranged: the units it covers by rule, and its split between forces. Reads and writes.

A post covers the units listed on it and, by its coverage rule, every gendarmerie unit of the department
or every unit of a company or circonscription, including units created later (from their creation
date). A post shared between forces records its shares (by unit or by zone), adding up to its FTE.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from iscg.concurrency import claim_version
from organisation.enums import CoverageRule
from organisation.models import Post, PostSplit, Unit, rule_coverage_q


@dataclass(frozen=True)
class ShareData:
    fte: Decimal
    unit: Unit | None = None
    zone: str = ""


@dataclass(frozen=True)
class CoveredUnit:
    unit: Unit
    since: datetime.date
    is_listed: bool


@dataclass(frozen=True)
class PostArrangement:
    """A post of a department page that is split between forces or covers units by rule."""

    post: Post
    splits: list[PostSplit]
    rule_units: list[Unit]  # the units its rule reaches today (besides those listed)


def department_arrangements(posts, day: datetime.date | None = None) -> list[PostArrangement]:
    """The shared posts and the posts covering by rule among ``posts`` (a scoped queryset): two queries,
    and one per post with a coverage rule (a department has a handful)."""
    day = day or timezone.localdate()
    arranged = (
        posts.filter(Q(splits__isnull=False) | ~Q(coverage_rule=CoverageRule.LISTED))
        .distinct()
        .select_related("coverage_group")
        .prefetch_related(Prefetch("splits", queryset=PostSplit.objects.select_related("unit").order_by("pk")))
        .order_by("name", "pk")
    )
    rows = []
    for post in arranged:
        rule_units = []
        if post.coverage_rule != CoverageRule.LISTED:
            reached = rule_coverage_q(
                rule=post.coverage_rule, department_id=post.department_id, group_id=post.coverage_group_id, day=day
            )
            rule_units = list(Unit.objects.filter(reached).order_by("name", "pk"))
        rows.append(PostArrangement(post=post, splits=list(post.splits.all()), rule_units=rule_units))
    return rows


def covered_units(post: Post, day: datetime.date | None = None) -> list[CoveredUnit]:
    """The units the post covers on ``day`` and since when (the later of the post's start and the unit's
    creation). Two queries."""
    day = day or timezone.localdate()
    listed = set(post.units.values_list("pk", flat=True))
    rows = []
    for unit in Unit.objects.covered_by([post], day).order_by("name", "pk"):
        since = post.starts_on if unit.opened_on is None else max(post.starts_on, unit.opened_on)
        rows.append(CoveredUnit(unit=unit, since=since, is_listed=unit.pk in listed))
    return rows


@transaction.atomic
def post_arrangement_set(
    *,
    post: Post,
    coverage_rule: str,
    coverage_group: Unit | None = None,
    shares: list[ShareData],
    version: int | None = None,
) -> Post:
    """Set the post's coverage rule and its shares (replaced as a whole; none: the post is not split).
    With ``version`` (the page's), nothing is written if someone saved the arrangement since it was
    loaded: EditConflict (iscg.concurrency)."""
    errors = {}
    if coverage_rule not in CoverageRule.values:
        errors["coverage_rule"] = _("Unknown coverage rule.")
    if coverage_rule == CoverageRule.GROUP:
        if coverage_group is None:
            errors["coverage_group"] = _("Choose the company or circonscription covered.")
        elif coverage_group.department_id != post.department_id:
            errors["coverage_group"] = _("The company or circonscription must be in the post's department.")
    else:
        coverage_group = None
    errors.update(_share_errors(post, shares, coverage_rule=coverage_rule, coverage_group=coverage_group))
    if errors:
        raise ValidationError(errors)
    if version is not None:
        claim_version(post, version=version, values={"coverage_rule": coverage_rule, "coverage_group": coverage_group})
    Post.objects.filter(pk=post.pk).update(coverage_rule=coverage_rule, coverage_group=coverage_group)
    post.coverage_rule, post.coverage_group = coverage_rule, coverage_group
    post.splits.all().delete()
    splits = [PostSplit(post=post, unit=s.unit, zone="" if s.unit else s.zone, fte=s.fte) for s in shares]
    for split in splits:
        split.full_clean(exclude=["post"], validate_unique=False)
    PostSplit.objects.bulk_create(splits)
    return post


def _share_errors(post: Post, shares: list[ShareData], *, coverage_rule: str, coverage_group: Unit | None) -> dict:
    if not shares:
        return {}
    messages = []
    seen = set()
    covered = _covered_unit_ids(post, [s.unit for s in shares if s.unit is not None], coverage_rule, coverage_group)
    for share in shares:
        if share.unit is not None and share.unit.department_id != post.department_id:
            messages.append(_("The unit %(unit)s is not in the post's department.") % {"unit": share.unit})
        elif share.unit is not None and share.unit.pk not in covered:
            messages.append(
                _(
                    "The post does not cover the unit %(unit)s: list it on the post or choose a coverage rule "
                    "that reaches it."
                )
                % {"unit": share.unit}
            )
        if share.unit is None and not share.zone:
            messages.append(_("A share is either for a unit or for a zone."))
        key = ("unit", share.unit.pk) if share.unit is not None else ("zone", share.zone)
        if key in seen:
            messages.append(_("A unit or zone has two shares."))
        seen.add(key)
        if share.fte is None or share.fte <= 0:
            messages.append(_("The FTE of a share must be greater than 0 and at most 3."))
    total = sum((share.fte or Decimal(0) for share in shares), Decimal(0))
    if total != Decimal(str(post.fte)):
        messages.append(
            _("The shares of a post must add up to its FTE (%(fte)s): they add up to %(total)s.")
            % {"fte": _number(post.fte), "total": _number(total)}
        )
    return {"__all__": messages} if messages else {}


def _covered_unit_ids(post: Post, units: list[Unit], coverage_rule: str, coverage_group: Unit | None) -> set[int]:
    """Which of ``units`` the post covers with the coverage rule being set: listed on the post, or reached by
    the rule today (a share names a unit the post works for; one query)."""
    if not units:
        return set()
    reached = rule_coverage_q(
        rule=coverage_rule,
        department_id=post.department_id,
        group_id=coverage_group.pk if coverage_group is not None else None,
        day=timezone.localdate(),
    )
    candidates = Unit.objects.filter(pk__in=[unit.pk for unit in units])
    return set(candidates.filter(Q(posts=post) | reached).values_list("pk", flat=True))


def _number(value) -> str:
    value = Decimal(str(value)).normalize()
    return f"{value:f}".replace(".", ",")
