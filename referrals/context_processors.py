from accounts.enums import Role
from referrals.models import Referral


def referrals_waiting(request):
    """The navigation badge of the ISCG: referrals of their units not yet received (one COUNT query)."""
    scope = getattr(request, "scope", None)
    if scope is None or not request.user.is_authenticated or scope.role != Role.ISCG:
        return {"REFERRALS_WAITING": None}
    return {"REFERRALS_WAITING": Referral.objects.visible_to(scope).waiting().count()}
