"""THE access policy: who may see which rows, and who may do what.

Every scoped queryset calls one of the ``*_q(scope)`` functions below through its
``visible_to(scope)`` method; views only ever fetch objects through ``visible_to``, so an object
outside the user's scope answers 404. What a role may *do* is the ``PERMISSIONS`` table: an action
the role never has answers 404 (the page does not exist for them); a forbidden action on an object
they can see answers 403 (``require(..., on_visible_object=True)``).

This module must not import models (they import it): it works with field paths and ids.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.enums import Role

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


@dataclass(frozen=True)
class Scope:
    """What one signed-in user may reach, computed once per request by the scope middleware."""

    user_id: int | None = None
    role: str | None = None
    department_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    post_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_national(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None


ANONYMOUS = Scope()


def _in(path: str, ids) -> Q:
    return Q(**{f"{path}__in": ids}) if ids else NOTHING


# ---- Row visibility -----------------------------------------------------------------------------


def department_q(scope: Scope, path: str = "pk") -> Q:
    """Departments a user works in (police and ISCG through their units and posts)."""
    if scope.is_national:
        return EVERYTHING
    return _in(path, scope.department_ids)


def unit_q(scope: Scope, prefix: str = "") -> Q:
    """Units: police see theirs, ISCG the units their posts cover, departmental roles all of theirs."""
    if scope.is_national:
        return EVERYTHING
    match scope.role:
        case Role.POLICE | Role.ISCG:
            return _in(f"{prefix}pk", scope.unit_ids)
        case Role.COORDINATOR | Role.FUNDER:
            return _in(f"{prefix}department", scope.department_ids)
    return NOTHING


def post_q(scope: Scope, prefix: str = "") -> Q:
    """Posts: an ISCG sees the posts they hold, departmental roles every post of their departments."""
    if scope.is_national:
        return EVERYTHING
    match scope.role:
        case Role.ISCG:
            return _in(f"{prefix}pk", scope.post_ids)
        case Role.COORDINATOR | Role.FUNDER:
            return _in(f"{prefix}department", scope.department_ids)
    return NOTHING


def partner_q(scope: Scope, prefix: str = "") -> Q:
    """The partner directory belongs to the ISCG and coordinators of the department."""
    if scope.is_national:
        return EVERYTHING
    if scope.role in (Role.ISCG, Role.COORDINATOR):
        return _in(f"{prefix}department", scope.department_ids)
    return NOTHING


# ---- Referrals (saisines, docs/domain.md §2-3) -------------------------------------------------------
# Police see their units' referrals (status only, enforced by the views they may reach), the ISCG
# the referrals of the units their posts cover, coordinators their departments' referrals (list
# metadata only), funders nothing.


def referral_q(scope: Scope, prefix: str = "") -> Q:
    """Referrals: by unit for police and ISCG, by department for coordinators; never for funders."""
    if scope.is_national:
        return EVERYTHING
    match scope.role:
        case Role.POLICE | Role.ISCG:
            return _in(f"{prefix}unit", scope.unit_ids)
        case Role.COORDINATOR:
            return _in(f"{prefix}unit__department", scope.department_ids)
    return NOTHING


# ---- Casework (docs/domain.md §2, §4) ----------------------------------------------------------------
# Persons and follow-ups belong to a post: the ISCG holding the post see them (and lose them when
# they leave it: the follow-ups stay with the post). Coordinators list their departments' follow-ups
# (dates, post, status) but never read their content. Police, funders and the admin see nothing:
# no ``is_national`` shortcut here on purpose.


def followup_q(scope: Scope, prefix: str = "") -> Q:
    """Follow-ups a user may list: their posts' for the ISCG, their departments' (metadata) for coordinators."""
    match scope.role:
        case Role.ISCG:
            return _in(f"{prefix}post", scope.post_ids)
        case Role.COORDINATOR:
            return _in(f"{prefix}post__department", scope.department_ids)
    return NOTHING


def casework_content_q(scope: Scope, prefix: str = "") -> Q:
    """Follow-ups whose content (interventions, assessments, orientations) a user may read: ISCG only."""
    if scope.role == Role.ISCG:
        return _in(f"{prefix}post", scope.post_ids)
    return NOTHING


def person_q(scope: Scope, prefix: str = "") -> Q:
    """Persons: the ISCG of their post only."""
    return casework_content_q(scope, prefix)


# ---- Conventions and cofinancing (docs/domain.md §8) -------------------------------------------------
# Financial data: coordinators and funders of the department, and the admin. Police and ISCG never.


def convention_q(scope: Scope, prefix: str = "") -> Q:
    """Conventions (and their rules, payments, documents…): by department for coordinators and funders."""
    if scope.is_national:
        return EVERYTHING
    if scope.role in (Role.COORDINATOR, Role.FUNDER):
        return _in(f"{prefix}department", scope.department_ids)
    return NOTHING


def funder_q(scope: Scope, prefix: str = "") -> Q:
    """Funders of a department: seen by those who see its conventions."""
    return convention_q(scope, prefix)


# ---- Bilans (docs/domain.md §7) ---------------------------------------------------------------------
# A bilan is an aggregate. Its possible scopes: the posts and units a user sees (the ISCG: their
# posts and the units they cover), the departments of coordinators and funders (not the ISCG: a
# department bilan mixes other posts), the whole country for the admin. Funders always get masked
# figures; the ISCG never get cofinancing figures (financial data, docs/domain.md §8).


def bilan_department_q(scope: Scope, path: str = "pk") -> Q:
    """Departments a user may draw a department bilan for."""
    if scope.is_national:
        return EVERYTHING
    if scope.role in (Role.COORDINATOR, Role.FUNDER):
        return _in(path, scope.department_ids)
    return NOTHING


def adopted_bilan_q(scope: Scope, prefix: str = "") -> Q:
    """Adopted (frozen) bilans: coordinators, those of their departments (department, posts, units); funders,
    only their departments' versions with a diffusion PDF (a department and a complete civil year:
    "Disclosure control"), and only ever masked (reporting/adoption_views.py); the admin, all."""
    if scope.is_national:
        return EVERYTHING
    match scope.role:
        case Role.COORDINATOR:
            return _in(f"{prefix}department", scope.department_ids)
        case Role.FUNDER:
            return (
                _in(f"{prefix}department", scope.department_ids)
                & Q(**{f"{prefix}scope_kind": "department"})
                & ~Q(**{f"{prefix}diffusion_pdf": ""})
            )
    # The ISCG: none. An adopted version holds cofinancing figures (its exact PDF prints them), which are
    # not theirs (docs/domain.md §2); their live bilans stay theirs.
    return NOTHING


# ---- Activity imports ---------------------------------------------------------------------------
# Bringing history in from spreadsheets: an ISCG imports into the posts they hold, a coordinator into
# any post of their departments. Nobody else sees import batches (not even the admin: person-level).


def import_batch_q(scope: Scope, prefix: str = "") -> Q:
    """Import batches: by post for the ISCG, by department for coordinators."""
    match scope.role:
        case Role.ISCG:
            return _in(f"{prefix}post", scope.post_ids)
        case Role.COORDINATOR:
            return _in(f"{prefix}post__department", scope.department_ids)
    return NOTHING


# ---- Access journal and right of access (audit app, docs/privacy.md) ------------------------------
# A coordinator searches the journal of their departments: the entries on records of their posts
# (and attempts on unknown records by their departments' users), stored with the entry's department.
# The page shows who, when, what kind of record, which post: never a record's identifier.
# The right-of-access export of a person is produced by an ISCG of the post where the person is
# recorded (the service the person asked), with the request's date and channel. Coordinators see in
# the journal that a request was answered (when, which post, by whom), never its content (issue 16,
# item 1). Never the admin.


def journal_q(scope: Scope, prefix: str = "") -> Q:
    if scope.role == Role.COORDINATOR:
        return _in(f"{prefix}department", scope.department_ids)
    return NOTHING


def person_export_q(scope: Scope, prefix: str = "") -> Q:
    """Persons whose right-of-access export a user may produce: the ISCG of the person's post only."""
    if scope.role == Role.ISCG:
        return _in(f"{prefix}post", scope.post_ids)
    return NOTHING


# ---- Staff accounts -----------------------------------------------------------------------------
# Coordinators manage the accounts attached to their departments: by department (coordinators,
# funders), by unit (police) or by a post assignment that has not ended (ISCG: current or upcoming,
# confirmed or awaiting confirmation). An ended assignment gives nothing: a social worker who left a
# Somme post for a Loire post is managed by the Loire coordinator only (issue 16, item 5).
# Callers add .distinct().


def user_q(scope: Scope, prefix: str = "") -> Q:
    if scope.is_national:
        return EVERYTHING
    if scope.role == Role.COORDINATOR and scope.department_ids:
        ids = scope.department_ids
        today = timezone.localdate()
        assignment = f"{prefix}post_assignments"
        not_ended = Q(**{f"{assignment}__ends_on__isnull": True}) | Q(**{f"{assignment}__ends_on__gte": today})
        return (
            Q(**{f"{prefix}departments__in": ids})
            | Q(**{f"{prefix}units__department__in": ids})
            | (Q(**{f"{assignment}__post__department__in": ids}) & not_ended)
        )
    return NOTHING


# ---- Actions ------------------------------------------------------------------------------------


class Action(StrEnum):
    VIEW_DEPARTMENT = "department.view"
    VIEW_POST = "post.view"
    MANAGE_POSTS = "post.manage"  # a post's coverage rule and split between forces
    VIEW_PARTNERS = "partner.view"
    MANAGE_PARTNERS = "partner.manage"
    ADMINISTER = "admin.access"
    MANAGE_STAFF = "staff.manage"
    # Referrals
    FILE_REFERRAL = "referral.file"
    LIST_UNIT_REFERRALS = "referral.list_unit"
    WITHDRAW_REFERRAL = "referral.withdraw"
    ADD_REFERRAL_INFORMATION = "referral.add_information"
    TRIAGE_REFERRAL = "referral.triage"
    LIST_DEPARTMENT_REFERRALS = "referral.list_department"
    VIEW_DANGER_GRID = "referral.view_danger_grid"
    # Conventions
    VIEW_CONVENTIONS = "convention.view"
    MANAGE_CONVENTIONS = "convention.manage"
    # Casework
    VIEW_CASEWORK = "casework.view"
    MANAGE_CASEWORK = "casework.manage"
    LIST_DEPARTMENT_FOLLOWUPS = "casework.list_department"
    # Reporting (docs/domain.md §7): bilans are aggregates; exact figures for ISCG, coordinators, admin.
    VIEW_BILAN = "bilan.view"
    VIEW_EXACT_FIGURES = "bilan.view_exact"
    VIEW_NATIONAL_BILAN = "bilan.view_national"
    VIEW_COFINANCING_FIGURES = "bilan.view_cofinancing"
    EDIT_BILAN_COMMENTARY = "bilan.edit_commentary"  # coordinators (their scopes), the admin (national only)
    ADOPT_BILAN = "bilan.adopt"  # freeze a bilan's figures and PDF (docs/reporting.md, "Adoption")
    # Imports (history brought in from spreadsheets): person-level writes, ISCG and coordinators only.
    IMPORT_ACTIVITY = "import.activity"
    # Audit: the access journal of a department, the right-of-access export of one person.
    VIEW_ACCESS_JOURNAL = "audit.view_journal"
    EXPORT_PERSON_DATA = "audit.export_person"


# Grid answers are among the most sensitive data (docs/domain.md §5): the ISCG's only, not even the admin's.
ISCG_ONLY_ACTIONS = frozenset({Action.VIEW_DANGER_GRID})
# Person-level casework: not even the admin reads it (docs/domain.md §2: the admin has the Django admin).
CASEWORK_ACTIONS = frozenset(
    {Action.VIEW_CASEWORK, Action.MANAGE_CASEWORK, Action.LIST_DEPARTMENT_FOLLOWUPS, Action.IMPORT_ACTIVITY}
)
# The journal and the right-of-access export concern persons: not the admin's either.
AUDIT_ACTIONS = frozenset({Action.VIEW_ACCESS_JOURNAL, Action.EXPORT_PERSON_DATA})
# A referral's content (description, persons, safe contacts, added information) is person-level: the
# admin manages users and reference data and lists referrals' metadata, never reads or writes their content.
REFERRAL_CONTENT_ACTIONS = frozenset(
    {Action.FILE_REFERRAL, Action.WITHDRAW_REFERRAL, Action.ADD_REFERRAL_INFORMATION, Action.TRIAGE_REFERRAL}
)


PERMISSIONS: dict[str, frozenset[Action]] = {
    Role.POLICE: frozenset(
        {
            Action.FILE_REFERRAL,
            Action.LIST_UNIT_REFERRALS,
            Action.WITHDRAW_REFERRAL,
            Action.ADD_REFERRAL_INFORMATION,
        }
    ),
    Role.ISCG: frozenset(
        {
            Action.VIEW_POST,
            Action.VIEW_PARTNERS,
            Action.MANAGE_PARTNERS,
            Action.FILE_REFERRAL,
            Action.TRIAGE_REFERRAL,
            Action.VIEW_DANGER_GRID,
            Action.VIEW_CASEWORK,
            Action.MANAGE_CASEWORK,
            Action.VIEW_BILAN,
            Action.VIEW_EXACT_FIGURES,
            Action.IMPORT_ACTIVITY,
            Action.EXPORT_PERSON_DATA,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Action.VIEW_DEPARTMENT,
            Action.VIEW_POST,
            Action.MANAGE_POSTS,
            Action.VIEW_PARTNERS,
            Action.MANAGE_PARTNERS,
            Action.LIST_DEPARTMENT_REFERRALS,
            Action.VIEW_CONVENTIONS,
            Action.MANAGE_CONVENTIONS,
            Action.MANAGE_STAFF,
            Action.LIST_DEPARTMENT_FOLLOWUPS,
            Action.VIEW_BILAN,
            Action.VIEW_EXACT_FIGURES,
            Action.VIEW_COFINANCING_FIGURES,
            Action.EDIT_BILAN_COMMENTARY,
            Action.ADOPT_BILAN,
            Action.IMPORT_ACTIVITY,
            Action.VIEW_ACCESS_JOURNAL,
        }
    ),
    Role.FUNDER: frozenset(
        {
            Action.VIEW_DEPARTMENT,
            Action.VIEW_POST,
            Action.VIEW_CONVENTIONS,
            Action.VIEW_BILAN,
            Action.VIEW_COFINANCING_FIGURES,
        }
    ),
    Role.ADMIN: frozenset(Action) - ISCG_ONLY_ACTIONS - CASEWORK_ACTIONS - AUDIT_ACTIONS - REFERRAL_CONTENT_ACTIONS,
}


def can(scope: Scope, action: Action) -> bool:
    return action in PERMISSIONS.get(scope.role, frozenset())


def may_edit_bilan_commentary(scope: Scope, *, national: bool) -> bool:
    """The commentary of a bilan the user sees: a coordinator writes it for the scopes of their
    departments, the admin only for the national bilan (docs/reporting.md, « Commentaire »)."""
    return can(scope, Action.EDIT_BILAN_COMMENTARY) and national == (scope.role == Role.ADMIN)


def require(scope: Scope, action: Action, *, on_visible_object: bool = False) -> None:
    """Refuse an action: 404 when the role never has it, 403 when it concerns an object they can see."""
    if not can(scope, action):
        raise PermissionDenied if on_visible_object else Http404
