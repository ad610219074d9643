"""Only reference data here: persons, follow-ups and their content never appear in the Django admin."""

from django.contrib import admin

from casework.models import ViolenceForm


@admin.register(ViolenceForm)
class ViolenceFormAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "code"]
