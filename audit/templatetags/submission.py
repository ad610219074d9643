"""{% submission_token %}: the one-time token of a create form (audit.submission). A template builtin."""

import secrets

from django import template
from django.utils.html import format_html

from audit.submission import FIELD

register = template.Library()


@register.simple_tag
def submission_token():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_urlsafe(24))
