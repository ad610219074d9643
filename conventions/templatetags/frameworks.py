"""{% department_frameworks department %}: the framework conventions in force in a department and their
planned against created FTE, on the department page (organisation), for the roles that read conventions.
Organisation sits below conventions, so the page asks for the section here rather than importing it."""

from django import template
from django.utils import timezone

from conventions.models import Convention
from conventions.summaries import frameworks_progress
from organisation import access
from organisation.access import Action

register = template.Library()


@register.inclusion_tag("conventions/includes/_department_frameworks.html", takes_context=True)
def department_frameworks(context, department):
    """Three queries when the reader may see conventions (conventions.summaries.frameworks_progress), else none."""
    request = context.get("request")
    if request is None or not access.can(request.scope, Action.VIEW_CONVENTIONS):
        return {"frameworks": []}
    today = timezone.localdate()
    frameworks = Convention.objects.visible_to(request.scope).filter(
        department=department, starts_on__lte=today, ends_on__gte=today
    )
    return {"frameworks": frameworks_progress(frameworks)}
