"""The administration site for accounts: reference data and accounts, never a way into one.

Nobody, the admin included, can read a second-factor secret or a backup code here (django-otp's
device pages are taken out), nor set another user's password (no password field, no password page:
an action e-mails a reset link to the user's own address), nor change an account's address (where
that link would go), nor change their own role or scope. Every change to an account is journaled
(accounts.history) and shown to the coordinators of its department on its team page.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.enums import AccountEvent, Role
from accounts.history import account_event
from accounts.models import User

# django-otp's admin pages show each device's secret key and backup codes in clear: never offered.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)

admin.site.site_header = _("ISCG — administration")
admin.site.site_title = _("ISCG administration")
admin.site.index_title = _("Reference data and users")
# « Voir le site » leads to the application's pages (the national view of the departments, with the menu:
# team, conventions, bilans): the home page would send the administrator back here.
admin.site.site_url = reverse_lazy("organisation:department_list")


def _admin_only(request):
    user = request.user
    return user.is_active and user.is_staff and user.role == Role.ADMIN


admin.site.has_permission = _admin_only


class UserCreationForm(forms.ModelForm):
    """A new account has no password: its owner chooses one from the invitation sent to their address."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class UserChangeAdminForm(forms.ModelForm):
    """No password field: the admin never sees nor sets one."""

    class Meta:
        model = User
        fields = (
            "email", "first_name", "last_name", "phone", "role", "departments", "units",
            "is_active", "is_staff", "is_superuser", "groups", "user_permissions",
        )  # fmt: skip

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
    add_form_template = None  # Django's speaks of choosing a password: here the owner chooses it
    actions = ["send_password_reset_link", "reset_second_factor"]
    fieldsets = (
        (None, {"fields": ("email",)}),
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
                "fields": ("email", "first_name", "last_name", "role"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    # What an admin cannot change on their own account: no way to become a social worker of a post.
    OWN_ACCOUNT_READONLY = ["role", "departments", "units", "is_active", "is_staff", "is_superuser"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "role" in form.base_fields:
            form.base_fields["role"].widget = forms.Select(choices=Role.choices)
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("email")  # a reset link or an invitation goes to this address: it never changes here
            if obj.pk == request.user.pk:
                fields += self.OWN_ACCOUNT_READONLY
        return fields

    def get_inlines(self, request, obj):
        if obj is not None and obj.pk == request.user.pk:
            return []
        return super().get_inlines(request, obj)

    def get_urls(self):
        # Django's UserAdmin adds "<id>/password/", where an admin sets anyone's password: taken out.
        return [url for url in super().get_urls() if not _is_password_url(url)]

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change:
            services.user_invite(user=obj, by=request.user)  # the invitation is queued in the admin's transaction

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        changed = formset.new_objects or formset.changed_objects or formset.deleted_objects
        if formset.model is User.posts.through and changed:
            details = [
                *(f"+ {a.post} ({a.starts_on:%d/%m/%Y})" for a in formset.new_objects),
                *(f"~ {a.post} ({a.starts_on:%d/%m/%Y})" for a, _fields in formset.changed_objects),
                *(f"- {a.post} ({a.starts_on:%d/%m/%Y})" for a in formset.deleted_objects),
            ]
            account_event(
                user=form.instance, by=request.user, event=AccountEvent.ASSIGNMENTS_CHANGED, detail=", ".join(details)
            )

    @admin.action(description=_("Send a password reset link to the user's own address"))
    def send_password_reset_link(self, request, queryset):
        users = list(queryset.filter(is_active=True).exclude(pk=request.user.pk))
        for user in users:
            services.password_reset_link_send(user=user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "A reset link has been sent to %(count)s account's own address.",
                "A reset link has been sent to %(count)s accounts' own addresses.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reset the second factor (the user enrols again and is told by e-mail)"))
    def reset_second_factor(self, request, queryset):
        users = list(queryset.exclude(pk=request.user.pk))
        for user in users:
            services.second_factor_reset(user=user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)s account has been reset.",
                "The second factors of %(count)s accounts have been reset.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


def _is_password_url(url) -> bool:
    return isinstance(url, URLPattern) and url.name is not None and url.name.endswith("_password_change")
