"""Nothing of the audit app in the Django admin, and django-auditlog's own page is taken out: the
history and the journal concern persons, which the admin role never reads (docs/privacy.md)."""

from auditlog.models import LogEntry
from django.contrib import admin

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
