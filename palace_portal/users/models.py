"""The portal's people: identity only. Who may act on which palace lives in `venues`."""

import functools
import re

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import DEFAULT_DB_ALIAS, connection, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palace_portal import rows

PHONE_RE = re.compile(r"^1\d{10}$")

phone_validator = RegexValidator(
    regex=PHONE_RE.pattern,
    message=_("Enter a mainland mobile number: 11 digits starting with 1."),
    code="invalid_phone",
)


def normalize_phone(raw: str) -> str:
    """Strip what people type around a mainland number: spaces, dashes, a +86 / 0086 prefix."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def mask_phone(phone: str) -> str:
    """138****8000: enough to recognise one's own number, not enough to call it."""
    if not phone or len(phone) < 7:
        return "****"
    return f"{phone[:3]}****{phone[-4:]}"


def mask_name(name: str) -> str:
    """张*, 欧阳**: the family name stays, the rest is hidden."""
    if not name:
        return ""
    if len(name) <= 1:
        return "*"
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)


@functools.cache
def _by_pk_sql(model) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    return f"SELECT {rows.columns(model, table)} FROM {table} WHERE {table}.{pk} = %s"  # noqa: S608 - our names


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get(self, *args, **kwargs):
        """The ORM's `get`, but `get(pk=…)` alone, the lookup every signed-in request makes
        (`ModelBackend.get_user`, from the session's user id), is one statement written once
        (`palace_portal.rows`): building the ORM query cost four times the round trip. The same
        row, instance and `DoesNotExist`; anything else (other lookups, an id that is not a
        number, another database) goes through the ORM as before."""
        if args or kwargs.keys() != {"pk"} or self._db is not None:
            return super().get(*args, **kwargs)
        try:
            pk = self.model._meta.pk.to_python(kwargs["pk"])
        except ValidationError:
            return super().get(*args, **kwargs)  # the ORM's own error for it
        on_default = router.db_for_read(self.model) == DEFAULT_DB_ALIAS
        if not (isinstance(pk, int) and rows.is_id(pk) and on_default):
            return super().get(*args, **kwargs)
        with connection.cursor() as cursor:
            cursor.execute(_by_pk_sql(self.model), [pk])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        return rows.instance(self.model, row)[0]

    def _create_user(self, phone, password, **extra_fields):
        if not phone:
            raise ValueError("The phone number must be set")
        user = self.model(phone=normalize_phone(phone), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(phone, password, **extra_fields)

    def create_superuser(self, phone, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_staff and is_superuser set")
        return self._create_user(phone, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    phone = models.CharField(_("mobile number"), max_length=11, unique=True, validators=[phone_validator])
    real_name = models.CharField(_("real name"), max_length=50)
    membership_number = models.CharField(
        _("union membership number"),
        max_length=32,
        blank=True,
        help_text=_("Leave empty if you are not (yet) a trade-union member."),
    )
    workplace = models.CharField(_("workplace"), max_length=100, blank=True)
    # Couriers, ride-hailing drivers, delivery riders…: classes may let them draw first.
    new_form_worker = models.BooleanField(
        _("new-employment-form worker"),
        default=False,
        help_text=_("Courier, ride-hailing or truck driver, delivery rider, or similar platform work."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # The language the person last used the portal in (signed up, signed in, saved the profile):
    # messages to them are written in it, whoever's action sent them. Empty: not known yet, the
    # portal's own language (settings.LANGUAGE_CODE).
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("Technical flag for superusers; portal roles come from staff assignments."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phone__regex=r"^1[0-9]{10}$"), name="user_phone_mainland_mobile"
            ),
        ]

    def __str__(self) -> str:
        return f"{mask_name(self.real_name)} ({mask_phone(self.phone)})"

    @property
    def is_member(self) -> bool:
        return bool(self.membership_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.real_name)

    @property
    def message_language(self) -> str:
        """The language to write this person's messages (SMS, e-mail) in."""
        return self.language or settings.LANGUAGE_CODE

    def get_full_name(self) -> str:
        return self.real_name

    def get_short_name(self) -> str:
        return self.real_name


class OneTimeCode(models.Model):
    """A code sent by SMS to prove a number belongs to the person typing it. Only its hash is kept."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("sign-up")
        PASSWORD_RESET = "password_reset", _("password reset")

    phone = models.CharField(max_length=11, validators=[phone_validator], verbose_name=_("phone"))
    purpose = models.CharField(max_length=20, choices=Purpose.choices, verbose_name=_("purpose"))
    code_hash = models.CharField(max_length=128, verbose_name=_("code hash"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.purpose}"


class RateCounter(models.Model):
    """A rate limiter's counter kept in the database while the shared cache does not answer.

    Limits that protect accounts and money (sign-in, SMS codes) must not fail open in a Redis
    outage: `palace_portal.ratelimit` counts here instead. `key` is already a hash (no personal
    data) and names its window, so a row is never reused once its window has passed.
    """

    key = models.CharField(max_length=64, unique=True, verbose_name=_("counter key"))
    count = models.PositiveIntegerField(default=0, verbose_name=_("count"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("expires at"))

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
