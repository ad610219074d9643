import secrets
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice as ClearTOTPDevice
from django_otp.plugins.otp_totp.models import default_key, key_validator

from accounts.enums import Role
from privacy.fields import EncryptedCharField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra_fields)


def _new_session_salt() -> str:
    return secrets.token_hex(16)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: e-mail login, one role, a territorial scope.

    The scope depends on the role: departments (coordinator, funder), units (police) or posts
    (iscg, through organisation.PostAssignment). organisation.access turns it into querysets.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role)
    departments = models.ManyToManyField(
        "organisation.Department",
        verbose_name=_("departments"),
        blank=True,
        related_name="users",
        help_text=_("Coordinators and funders see these departments."),
    )
    units = models.ManyToManyField(
        "organisation.Unit",
        verbose_name=_("units"),
        blank=True,
        related_name="officers",
        help_text=_("Police officers and gendarmes file referrals for these units."),
    )
    phone = models.CharField(_("professional phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Part of every session's hash: changing it (password or second factor changed, account
    # deactivated) ends every other session of the user at their next request.
    session_salt = models.CharField(max_length=32, default=_new_session_salt, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="user_role_valid",
                violation_error_message=_("Unknown role."),
            ),
            models.CheckConstraint(
                condition=~models.Q(is_staff=True) | models.Q(role=Role.ADMIN),
                name="user_staff_is_admin",
                violation_error_message=_("Only administrators may access the administration site."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def _get_session_auth_hash(self, secret=None):
        # Django's own hash covers the password only; ours also covers session_salt.
        return salted_hmac(
            "accounts.User.session_auth_hash",
            f"{self.password}:{self.session_salt}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def rotate_session_salt(self):
        """Invalidate every existing session of this user (call through a service, then save)."""
        self.session_salt = _new_session_salt()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name


class TOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (django-otp's TOTP device) whose secret is sealed at rest (privacy.crypto,
    docs/privacy.md): a copy of the database or of a backup does not give away the second factors.

    The fields are django-otp's, the key excepted; the algorithm (token check, drift, throttling, the
    otpauth:// URL of the QR code) is django-otp's own, reused as it is. django-otp's plugin stays
    installed for its migrations only: accounts 0006 moved its rows here and it holds none.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="authenticator_apps")
    key = EncryptedCharField(max_length=80, validators=[key_validator], default=default_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    bin_key = ClearTOTPDevice.bin_key
    verify_token = ClearTOTPDevice.verify_token
    get_throttle_factor = ClearTOTPDevice.get_throttle_factor
    config_url = ClearTOTPDevice.config_url
    _read_str_from_settings = ClearTOTPDevice._read_str_from_settings

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")
