"""Writes about people: one-time codes, sign-up, passwords, the profile.

Every function takes keyword arguments only and raises `palace_portal.errors` with a machine
code; pages and the API show the message. Personal data never goes into a log or an error.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from palace_portal import ratelimit
from palace_portal.errors import InvalidInput, RateLimited, RuleViolation

from .models import OneTimeCode, User
from .sms import SmsError, send_sms
from .validators import clean_phone

Purpose = OneTimeCode.Purpose
CODE_DIGITS = 6


# --- helpers --------------------------------------------------------------------------------------


def phone_parse(*, phone: str) -> str:
    """The normalised number, or InvalidInput(`invalid_phone`) saying what is wrong with it."""
    try:
        return clean_phone(phone)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], code="invalid_phone", fields={"phone": exc.messages}) from None


def _digest(value: str) -> str:
    # Phone numbers stay out of cache keys (a cache dump must not list them).
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _code_hash(*, phone: str, purpose: str, code: str) -> str:
    # Keyed with SECRET_KEY: a leaked table of six-digit codes cannot be brute-forced offline.
    return salted_hmac("palace_portal.users.otp", f"{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


def _validate_password(*, password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(
            exc.messages[0], code="password_invalid", fields={"password": exc.messages}
        ) from None


def _revoke_tokens(user: User) -> None:
    Token.objects.filter(user=user).delete()


# --- one-time codes -------------------------------------------------------------------------------


def otp_send(*, phone: str, purpose: str, client_ip: str) -> None:
    """Send a fresh code to `phone` for `purpose` (sign-up or password reset).

    Anyone may call it. Refuses with 429 when the number or the address asked too often
    (`rate_limited`) or asks again within the resend interval (`otp_resend_too_soon`); sign-up
    refuses a registered number (`phone_taken`). For a password reset of an unknown number it
    behaves exactly as for a known one but sends nothing, so the answer reveals nothing.
    Side effects: one OneTimeCode row (hash only), one text message; hits in the shared cache.
    """
    phone = phone_parse(phone=phone)
    purpose = Purpose(purpose)

    ip_limit, ip_period = settings.OTP_RATE_PER_IP
    if ratelimit.is_limited(f"otp:ip:{client_ip}", ip_limit, ip_period):
        raise RateLimited(_("Too many codes were requested from your network. Please try again later."))

    registered = User.objects.filter(phone=phone).exists()
    if purpose == Purpose.SIGNUP and registered:
        raise RuleViolation(
            _("This mobile number is already registered. Sign in, or reset your password."),
            code="phone_taken",
            fields={"phone": [_("This mobile number is already registered.")]},
        )

    # One code per number and purpose per interval, atomic across processes (and held in the
    # database while the cache is down).
    interval = settings.OTP_RESEND_INTERVAL
    if not ratelimit.claim(f"otp:resend:{purpose}:{_digest(phone)}", interval):
        raise RateLimited(
            _("A code was sent less than %(seconds)d seconds ago. Please wait before asking again.")
            % {"seconds": interval},
            code="otp_resend_too_soon",
        )
    phone_limit, phone_period = settings.OTP_RATE_PER_PHONE
    if ratelimit.is_limited(f"otp:phone:{phone}", phone_limit, phone_period):
        raise RateLimited(_("Too many codes were sent to this number. Please try again later."))

    if purpose == Purpose.PASSWORD_RESET and not registered:
        return

    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    minutes = int(settings.OTP_TTL.total_seconds() // 60)
    text = _("Palace portal code: %(code)s. Valid for %(minutes)d minutes. Do not share it with anyone.") % {
        "code": code,
        "minutes": minutes,
    }
    with transaction.atomic():
        otp = OneTimeCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_code_hash(phone=phone, purpose=purpose, code=code),
            created_at=now,
            expires_at=now + settings.OTP_TTL,
        )
    # Sent after the commit: a slow provider must not hold the database's write lock. If it
    # refuses, the code is withdrawn so that no unusable code is left behind.
    try:
        send_sms(phone, text)
    except SmsError:
        OneTimeCode.objects.filter(pk=otp.pk).delete()
        raise RuleViolation(
            _("The text message could not be sent. Please try again in a minute."), code="sms_failed"
        ) from None


def otp_verify(*, phone: str, purpose: str, code: str) -> OneTimeCode:
    """Check `code` against the latest code sent to `phone` for `purpose`, and use it up.

    Errors (400): `otp_invalid` (wrong, already used, or none sent), `otp_expired`,
    `otp_too_many_attempts` (after OTP_MAX_ATTEMPTS wrong tries the code is dead).
    A wrong try is counted and committed even though an error is raised, so this function must
    not be called inside an outer transaction that the error would roll back.
    """
    phone = phone_parse(phone=phone)
    purpose = Purpose(purpose)
    code = (code or "").strip()
    now = timezone.now()
    error: InvalidInput | None = None
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        if otp is None:
            error = _otp_error("otp_invalid")
        elif otp.expires_at <= now:
            error = _otp_error("otp_expired")
        elif otp.attempts >= settings.OTP_MAX_ATTEMPTS:
            error = _otp_error("otp_too_many_attempts")
        else:
            otp.attempts += 1
            matches = constant_time_compare(
                otp.code_hash, _code_hash(phone=phone, purpose=purpose, code=code)
            )
            if matches:
                otp.used_at = now
            elif otp.attempts >= settings.OTP_MAX_ATTEMPTS:
                error = _otp_error("otp_too_many_attempts")
            else:
                error = _otp_error("otp_invalid")
            otp.save(update_fields=["attempts", "used_at"])
    if error is not None:
        raise error
    return otp


def _otp_error(code: str) -> InvalidInput:
    messages = {
        "otp_invalid": _("The code is not correct. Check the text message and try again."),
        "otp_expired": _("The code has expired. Ask for a new one."),
        "otp_too_many_attempts": _("Too many wrong tries. Ask for a new code."),
    }
    return InvalidInput(messages[code], code=code, fields={"code": [messages[code]]})


def otp_purge_expired(*, now: datetime | None = None) -> int:
    """Delete codes that can no longer be used (expired). Safe to run any number of times."""
    now = now or timezone.now()
    with transaction.atomic():
        deleted, _by_model = OneTimeCode.objects.filter(expires_at__lt=now).delete()
    # The database counters of a cache outage go with them (same hourly run).
    ratelimit.purge_expired(now=now)
    return deleted


# --- accounts -------------------------------------------------------------------------------------


def user_signup(
    *,
    phone: str,
    code: str,
    password: str,
    real_name: str,
    membership_number: str = "",
    workplace: str = "",
) -> User:
    """Create a worker's account once the number is proven by the code sent to it.

    Anyone may call it. Nothing is created unless every check passes: the number is free
    (`phone_taken`, 409), the password passes the validators (`password_invalid`, 400), the name
    is given (`invalid`, 400) and the code is right (`otp_*`, 400). The code is checked last so a
    typo elsewhere does not burn it; it is checked in its own transaction so that a wrong try
    counts even though nothing else is written.
    """
    phone = phone_parse(phone=phone)
    real_name = (real_name or "").strip()
    if not real_name:
        message = _("Enter your real name.")
        raise InvalidInput(message, fields={"real_name": [message]})
    if User.objects.filter(phone=phone).exists():
        raise _phone_taken()
    candidate = User(
        phone=phone,
        real_name=real_name,
        membership_number=(membership_number or "").strip(),
        workplace=(workplace or "").strip(),
    )
    try:
        candidate.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        raise InvalidInput(fields=exc.message_dict) from None
    _validate_password(password=password, user=candidate)

    otp_verify(phone=phone, purpose=Purpose.SIGNUP, code=code)

    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # Registered by a concurrent request between the check and the insert.
        raise _phone_taken() from None
    return candidate


def _phone_taken() -> RuleViolation:
    return RuleViolation(
        _("This mobile number is already registered. Sign in, or reset your password."),
        code="phone_taken",
        fields={"phone": [_("This mobile number is already registered.")]},
    )


def user_password_reset(*, phone: str, code: str, new_password: str) -> User | None:
    """Set a new password for the owner of `phone`, proven by a password-reset code.

    Anyone may call it. For an unknown number it fails exactly as for a wrong code
    (`otp_invalid`), so it tells nobody whether the number is registered. Side effects: the
    password changes (other sessions end, API tokens are revoked) and login lockouts for the
    number are lifted.
    """
    phone = phone_parse(phone=phone)
    user = User.objects.filter(phone=phone).first()
    _validate_password(password=new_password, user=user or User(phone=phone))
    otp_verify(phone=phone, purpose=Purpose.PASSWORD_RESET, code=code)
    if user is None:
        # No code is sent to an unknown number; this is an account deleted since its code was sent.
        raise _otp_error("otp_invalid")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _revoke_tokens(user)
    _axes_reset(phone)
    return user


def _axes_reset(phone: str) -> None:
    # Proving the number by SMS is a stronger check than the lockout guards against.
    from axes.utils import reset

    reset(username=phone)


def user_password_change(*, user: User, new_password: str) -> User:
    """Set a new password for a signed-in user who proved the old one (the form checks it).

    Side effects: other sessions end (the caller keeps the current one with
    update_session_auth_hash), API tokens are revoked.
    """
    _validate_password(password=new_password, user=user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _revoke_tokens(user)
    return user


def user_profile_update(
    *,
    user: User,
    real_name: str,
    membership_number: str = "",
    workplace: str = "",
    email: str = "",
    new_form_worker: bool = False,
) -> User:
    """Change the user's own details. The mobile number is the login and is not changed here."""
    values = {
        "real_name": (real_name or "").strip(),
        "membership_number": (membership_number or "").strip(),
        "workplace": (workplace or "").strip(),
        "email": (email or "").strip(),
        "new_form_worker": bool(new_form_worker),
    }
    if not values["real_name"]:
        message = _("Enter your real name.")
        raise InvalidInput(message, fields={"real_name": [message]})
    # Validate a copy: on an error the caller's user object (often request.user) stays as it was.
    draft = User(pk=user.pk, phone=user.phone, **values)
    try:
        draft.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in values])
    except ValidationError as exc:
        raise InvalidInput(fields=exc.message_dict) from None
    for name, value in values.items():
        setattr(user, name, value)
    with transaction.atomic():
        user.save(update_fields=list(values))
    return user


def user_language_remember(*, user: User, language: str | None) -> None:
    """Keep the language the person is using the portal in, for the messages sent to them later.

    Called on sign-in (which sign-up goes through) and when the profile is saved, with the
    request's language. A language the portal does not offer is ignored; an unchanged one writes
    nothing.
    """
    if not language:
        return
    try:
        language = translation.get_supported_language_variant(language)
    except LookupError:
        return
    if user.language == language:
        return
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
