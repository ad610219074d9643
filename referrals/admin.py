from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from referrals.models import DangerAssessment, GridItem, GridVersion, Problem

# Referrals, persons and filled grids hold personal data: they are not in the admin site.


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "code"]


def _is_used(version) -> bool:
    return version is not None and DangerAssessment.objects.filter(version=version).exists()


class GridItemInline(admin.TabularInline):
    model = GridItem
    extra = 0
    ordering = ["position"]
    fields = ["position", "part", "text", "is_red"]

    def has_add_permission(self, request, obj=None):
        return not _is_used(obj)

    def has_change_permission(self, request, obj=None):
        return not _is_used(obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_used(obj)


@admin.register(GridVersion)
class GridVersionAdmin(admin.ModelAdmin):
    """A version already used by a filled grid is frozen: correct it by creating a new version."""

    list_display = ["name", "yes_threshold", "red_threshold", "is_current", "in_use", "created_at"]
    inlines = [GridItemInline]

    def get_readonly_fields(self, request, obj=None):
        if _is_used(obj):
            return ["name", "yes_threshold", "red_threshold"]
        return []

    def has_delete_permission(self, request, obj=None):
        return not _is_used(obj)

    @admin.display(description=_("in use"), boolean=True)
    def in_use(self, obj):
        return _is_used(obj)
