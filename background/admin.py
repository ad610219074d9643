"""The administrator sees the e-mails that could not be sent (never their body: it may hold a
single-use link) and sends them again; and the last runs of the periodic tasks."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from background.models import OutgoingEmail, TaskRun
from background.outbox import email_retry


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "last_error", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    fields = ["to", "subject", "status", "attempts", "last_error", "created_at", "next_attempt_at", "sent_at"]
    readonly_fields = fields
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["view"])
    def retry(self, request, queryset):
        count = email_retry(emails=queryset)
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = ["name", "started_at", "finished_at", "succeeded", "summary"]
    list_filter = ["name", "succeeded"]
    readonly_fields = ["name", "started_at", "finished_at", "succeeded", "summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
