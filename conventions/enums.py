from django.db import models
from django.utils.translation import gettext_lazy as _


class FunderKind(models.TextChoices):
    STATE = "state", _("State (prefecture, FIPD)")
    DEPARTMENT = "department", _("Département council")
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunality (EPCI)")
    CAF = "caf", _("Family allowance fund (CAF)")
    REGION = "region", _("Region")
    OTHER = "other", _("Other funder")


class ConventionKind(models.TextChoices):
    FRAMEWORK = "framework", _("Framework agreement (convention cadre)")
    FUNDING = "funding", _("Funding agreement (convention de financement)")
    SECONDMENT = "secondment", _("Secondment agreement (convention de mise à disposition)")
    AMENDMENT = "amendment", _("Amendment (avenant)")


class FundingRuleKind(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    PERCENT_OF_COST = "percent_of_cost", _("Percentage of the total cost")
    PERCENT_OF_REMAINDER = "percent_of_remainder", _("Percentage of what remains after lower ranks")
    BALANCE = "balance", _("Balance (takes what is left)")


PERCENT_KINDS = frozenset({FundingRuleKind.PERCENT_OF_COST, FundingRuleKind.PERCENT_OF_REMAINDER})


class PaymentKind(models.TextChoices):
    CALL_FOR_FUNDS = "call_for_funds", _("Call for funds")
    PAYMENT = "payment", _("Payment received")
