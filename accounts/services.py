"""Writes on accounts: second factor, sessions, invitations. Keyword-only, atomic."""

import logging

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.util import random_hex

from accounts.enums import AccountEvent
from accounts.history import account_event
from accounts.models import TOTPDevice, User
from background.outbox import queue_email

logger = logging.getLogger(__name__)

INVITATION_SALT = "accounts.invitation"
BACKUP_CODE_SALT = "accounts.backup_code"  # also in migration 0005_store_backup_codes_as_digests


class InvalidInvitation(Exception):
    pass


# ---- Second factor ------------------------------------------------------------------------------


def totp_device_for_enrolment(*, user: User, key: str | None = None) -> TOTPDevice:
    """The unconfirmed authenticator device being enrolled (created with ``key`` on first call)."""
    device = totp_device_pending(user=user, key=key)
    if device.pk is None:
        device.save()
    return device


def totp_device_pending(*, user: User, key: str | None = None) -> TOTPDevice:
    """The unconfirmed device being enrolled, or an unsaved one with ``key`` (nothing written: a GET
    of the enrolment page shows its QR code without creating a row)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=_("Authenticator app"), confirmed=False, key=key or random_hex(20))
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


def backup_code_digest(code: str) -> str:
    """What is stored for a backup code: a keyed digest (16 hex characters), never the code itself.

    Shown once to its owner, a code can then be read by nobody (database, backups, admin site). Keyed
    with SECRET_KEY: rotating it voids the backup codes (the authenticator app keeps working).
    """
    normalised = "".join(code.split()).lower()
    return salted_hmac(BACKUP_CODE_SALT, normalised, algorithm="sha256").hexdigest()[:16]


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's backup codes with fresh single-use ones: returned once, stored as digests."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=backup_code_digest(code)) for code in codes])
    return codes


@transaction.atomic
def second_factor_reset(*, user: User, request=None, by: User | None = None) -> None:
    """Remove every second factor: the user enrols again at next sign-in; other sessions end.

    Done by someone else (``by``: an admin, a coordinator), it is journaled and the user is told by e-mail.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _end_other_sessions(user=user, request=request)
    if by is not None and by.pk != user.pk:
        account_event(user=user, by=by, event=AccountEvent.SECOND_FACTOR_RESET)
        email_second_factor_reset(user=user)
    logger.info("second factor reset user_id=%s by=%s", user.pk, by.pk if by else user.pk)


def _end_other_sessions(*, user: User, request=None) -> None:
    user.rotate_session_salt()
    user.save(update_fields=["session_salt"])
    if request is not None and request.user.pk == user.pk:
        update_session_auth_hash(request, user)


# ---- E-mails (one function each, queued in the caller's transaction: background.outbox) --------------


def email_second_factor_reset(*, user: User) -> None:
    """Tell a user their second factor was reset by someone else: they enrol again at next sign-in."""
    context = {"site_url": settings.SITE_URL, "login_url": settings.SITE_URL + reverse("accounts:login")}
    queue_email(
        to=user.email,
        subject=_("Your second factor has been reset"),
        body=render_to_string("accounts/email/second_factor_reset.txt", context),
    )


def email_password_reset_link(*, user: User) -> None:
    """A one-hour, single-use link to choose a new password, to the user's own address."""
    context = {
        "site_url": settings.SITE_URL,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = render_to_string("accounts/email/password_reset_subject.txt", context)
    queue_email(
        to=user.email,
        subject="".join(subject.splitlines()),
        body=render_to_string("accounts/email/password_reset.txt", context),
    )


@transaction.atomic
def password_reset_link_send(*, user: User, by: User) -> None:
    """Send a user a link to choose a new password themselves: nobody else ever sets it.

    An account that never chose a password (invited) gets a new invitation instead.
    """
    if not user.has_usable_password():
        user_invite(user=user, by=by)
        return
    account_event(user=user, by=by, event=AccountEvent.PASSWORD_RESET_LINK_SENT)
    email_password_reset_link(user=user)
    logger.info("password reset link sent user_id=%s by=%s", user.pk, by.pk)


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
    account_event(user=user, by=by, event=AccountEvent.INVITATION_SENT)
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
