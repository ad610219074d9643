from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import User

admin.site.site_header = _("ISCG — administration")
admin.site.site_title = _("ISCG administration")
admin.site.index_title = _("Reference data and users")


def _admin_only(request):
    user = request.user
    return user.is_active and user.is_staff and user.role == Role.ADMIN


admin.site.has_permission = _admin_only


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if cleaned.get("is_staff") and role != Role.ADMIN:
            self.add_error("is_staff", _("Only administrators may access the administration site."))
        if role == Role.POLICE and not cleaned.get("units"):
            self.add_error("units", _("A police officer or gendarme must be attached to at least one unit."))
        if role in (Role.COORDINATOR, Role.FUNDER) and not cleaned.get("departments"):
            self.add_error("departments", _("A coordinator or funder must have at least one department."))
        return cleaned


class PostAssignmentInline(admin.TabularInline):
    model = User.posts.through
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["post"]
    # Read-only here: posts are given on the post's page, where the assignment awaits a second person's
    # confirmation (organisation.admin.PostAdmin.save_formset; issue 16, item 6).
    fields = ["post", "starts_on", "ends_on", "requested_by", "requested_at", "confirmed_by", "confirmed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    verbose_name = _("post assignment")
    verbose_name_plural = _("post assignments (ISCG)")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationForm
    ordering = ["last_name", "first_name"]
    list_display = ["email", "last_name", "first_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "departments"]
    search_fields = ["email", "last_name", "first_name"]
    filter_horizontal = ["departments", "units"]
    inlines = [PostAssignmentInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identity"), {"fields": ("first_name", "last_name", "phone")}),
        (_("Role and scope"), {"fields": ("role", "departments", "units")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "role" in form.base_fields:
            form.base_fields["role"].widget = forms.Select(choices=Role.choices)
        return form
