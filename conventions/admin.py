"""Funders are reference data the admin may correct. Conventions are read-only here: their costs and
commitments are computed by the services (conventions.services), which the admin would bypass."""

from django.contrib import admin

from conventions.models import Convention, ConventionParty, ConventionPost, Funder, FundingRule, Payment


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department"]
    list_filter = ["kind", "department"]
    search_fields = ["name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartyInline(ReadOnlyInline):
    model = ConventionParty
    fields = ["funder", "name", "signatory_name", "signatory_role", "signed_on"]


class PostInline(ReadOnlyInline):
    model = ConventionPost
    fields = ["post", "fte_share"]


class RuleInline(ReadOnlyInline):
    model = FundingRule
    fields = ["year", "funder", "kind", "amount_cents", "percent", "rank", "cap_cents", "committed_cents"]
    readonly_fields = ["committed_cents"]  # computed by the cofinancing engine, not editable


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["year", "funder", "kind", "amount_cents", "dated_on", "reference"]


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "department", "starts_on", "ends_on"]
    list_filter = ["kind", "department"]
    search_fields = ["title", "employer"]
    list_select_related = ["department"]
    inlines = [PartyInline, PostInline, RuleInline, PaymentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
