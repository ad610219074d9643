"""Building a user's Scope from the database (once per request, by organisation.middleware): the
departments, units and posts they work in. Apart from organisation.access, which holds the policy and
imports no models (the models import it)."""

from django.db.models import Q
from django.utils import timezone

from accounts.enums import Role
from organisation.access import ANONYMOUS, NOTHING, Scope
from organisation.enums import CoverageRule
from organisation.models import Post, Unit, rule_coverage_q


def build_scope(user) -> Scope:
    """Turn a user into a Scope in one or two queries (none for admins and anonymous visitors)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    base = {"user_id": user.pk, "role": user.role}
    match user.role:
        case Role.POLICE:
            rows = list(Unit.objects.filter(officers=user, is_active=True).values_list("pk", "department_id"))
            return Scope(
                **base,
                unit_ids=frozenset(pk for pk, _ in rows),
                department_ids=frozenset(dep for _, dep in rows),
            )
        case Role.ISCG:
            today = timezone.localdate()
            rows = list(
                Post.objects.active_on(today)
                .filter(
                    Q(
                        assignments__user=user,
                        assignments__starts_on__lte=today,
                        assignments__confirmed_at__isnull=False,  # a pending assignment gives nothing
                    ),
                    Q(assignments__ends_on__isnull=True) | Q(assignments__ends_on__gte=today),
                )
                .values_list("pk", "department_id", "units", "coverage_rule", "coverage_group_id")
            )
            units = {unit for _, _, unit, _, _ in rows if unit is not None}
            # Units reached by a coverage rule (units created later included, from their creation date): a
            # second query, only for posts with such a rule.
            rules = {
                (department_id, rule, group_id)
                for _, department_id, _, rule, group_id in rows
                if rule != CoverageRule.LISTED
            }
            if rules:
                reached = NOTHING
                for department_id, rule, group_id in rules:
                    reached |= rule_coverage_q(rule=rule, department_id=department_id, group_id=group_id, day=today)
                units |= set(Unit.objects.filter(reached).values_list("pk", flat=True))
            return Scope(
                **base,
                post_ids=frozenset(pk for pk, _, _, _, _ in rows),
                department_ids=frozenset(dep for _, dep, _, _, _ in rows),
                unit_ids=frozenset(units),
            )
        case Role.COORDINATOR | Role.FUNDER:
            return Scope(**base, department_ids=frozenset(user.departments.values_list("pk", flat=True)))
        case Role.ADMIN:
            return Scope(**base)
    return ANONYMOUS
