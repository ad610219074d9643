"""Writes on accounts: second factor, sessions, invitations. Keyword-only, atomic."""

import logging

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from background.outbox import queue_email

logger = logging.getLogger(__name__)

INVITATION_SALT = "accounts.invitation"


class InvalidInvitation(Exception):
    pass


# ---- Second factor ------------------------------------------------------------------------------


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator device being enrolled (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, device: TOTPDevice, request=None) -> list[str]:
    """Confirm an enrolled device, replace any previous factor and return fresh backup codes."""
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = backup_codes_regenerate(user=user)
    _end_other_sessions(user=user, request=request)
    logger.info("second factor enrolled user_id=%s", user.pk)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's backup codes with fresh single-use ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def second_factor_reset(*, user: User, request=None) -> None:
    """Remove every second factor: the user enrols again at next page; other sessions end."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _end_other_sessions(user=user, request=request)
    logger.info("second factor reset user_id=%s", user.pk)


def _end_other_sessions(*, user: User, request=None) -> None:
    user.rotate_session_salt()
    user.save(update_fields=["session_salt"])
    if request is not None and request.user.pk == user.pk:
        update_session_auth_hash(request, user)


# ---- Account lifecycle --------------------------------------------------------------------------


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> None:
    """Deactivate an account: every session of it ends at once."""
    user.is_active = False
    user.rotate_session_salt()
    user.save(update_fields=["is_active", "session_salt"])
    logger.info("user deactivated user_id=%s by=%s", user.pk, by.pk)


@transaction.atomic
def user_reactivate(*, user: User, by: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    logger.info("user reactivated user_id=%s by=%s", user.pk, by.pk)


def _invitation_state(user: User) -> str:
    """Changes as soon as the invitation is used (password set) or the account is signed into."""
    last_login = user.last_login.isoformat() if user.last_login else ""
    return salted_hmac(INVITATION_SALT, f"{user.pk}:{user.password}:{last_login}:{user.is_active}").hexdigest()


def invitation_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _invitation_state(user)}, salt=INVITATION_SALT)


def invitation_user(*, token: str) -> User:
    """The user an invitation token is for, or InvalidInvitation if expired, used or forged."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
        user = User.objects.get(pk=data["u"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError) as exc:
        raise InvalidInvitation from exc
    if not constant_time_compare(data.get("s", ""), _invitation_state(user)):
        raise InvalidInvitation
    return user


@transaction.atomic
def user_invite(*, user: User, by: User) -> None:
    """E-mail an invitation link (valid 48 h, single use). The message carries no personal data."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    link = settings.SITE_URL + reverse("accounts:invitation", kwargs={"token": invitation_token(user=user)})
    context = {"link": link, "hours": settings.INVITATION_MAX_AGE // 3600}
    queue_email(
        to=user.email,
        subject=_("Your access to the ISCG service"),
        body=render_to_string("accounts/email/invitation.txt", context),
    )
    logger.info("invitation queued user_id=%s by=%s", user.pk, by.pk)


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> None:
    user.set_password(password)
    user.rotate_session_salt()
    user.save(update_fields=["password", "session_salt"])
