from django import template

from accounts.enums import Role
from dataprotection.retention import upcoming_count

register = template.Library()


@register.inclusion_tag("dataprotection/includes/_retention_warning.html", takes_context=True)
def retention_warning(context, department):
    """The coordinator's warning on the department page: how many follow-ups will be anonymised within
    30 days (a count, no names). One query, for coordinators only; the page's template triggers no other
    but the framework conventions' (conventions' department_frameworks tag)."""
    request = context.get("request")
    is_coordinator = request is not None and request.scope.role == Role.COORDINATOR
    return {"count": upcoming_count(department=department) if is_coordinator else 0}
