from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from audit.enums import JournalAction
from audit.services import journal_assignment
from organisation import services
from organisation.models import Department, Partner, PartnerType, Post, PostAssignment, Unit


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """The 101 départements come from a data migration: read-only."""

    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "department", "parent", "opened_on", "is_active"]
    list_filter = ["kind", "is_active", "department"]
    search_fields = ["name", "commune"]
    list_select_related = ["department", "parent"]
    autocomplete_fields = ["department", "parent"]

    def get_changeform_initial_data(self, request):
        """A unit created now is covered by posts' coverage rules from today (its creation date)."""
        return {"opened_on": timezone.localdate(), **super().get_changeform_initial_data(request)}


class PostAssignmentInline(admin.TabularInline):
    model = PostAssignment
    extra = 0
    autocomplete_fields = ["user"]
    # The second-person confirmation is given in the application (Équipe page), not here.
    readonly_fields = ["requested_by", "requested_at", "confirmed_by", "confirmed_at"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "fte", "employer", "zone", "starts_on", "ends_on"]
    list_filter = ["zone", "department"]
    search_fields = ["name", "employer"]
    list_select_related = ["department"]
    autocomplete_fields = ["department", "units", "coverage_group"]
    inlines = [PostAssignmentInline]

    def save_model(self, request, obj, form, change):
        """A change here takes the next version, so that an arrangement page loaded before it answers 409
        instead of silently writing over it (iscg.concurrency)."""
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """An assignment added here (or moved to another account) is requested by the admin and awaits a
        coordinator of the department's confirmation, as in the application (issue 16, item 6)."""
        if formset.model is not PostAssignment:
            return super().save_formset(request, form, formset, change)
        requested = []
        for assignment_form in formset.forms:
            instance = assignment_form.instance
            if not assignment_form.has_changed() or assignment_form in formset.deleted_forms:
                continue
            if instance.pk is None or "user" in assignment_form.changed_data:
                instance.requested_by = request.user
                instance.requested_at = timezone.now()
                instance.confirmed_by = None
                instance.confirmed_at = None
                requested.append(instance)
        super().save_formset(request, form, formset, change)
        for assignment in requested:
            journal_assignment(request, assignment, action=JournalAction.REQUEST)
            transaction.on_commit(lambda pk=assignment.pk: services.send_assignment_requested_email(assignment_id=pk))
        return None


@admin.register(PartnerType)
class PartnerTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "commune", "department", "is_active"]
    list_filter = ["partner_type", "is_active", "department"]
    search_fields = ["name", "commune"]
    list_select_related = ["department", "partner_type"]
    autocomplete_fields = ["department"]
