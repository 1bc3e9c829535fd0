from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from palace_portal.errors import InvalidInput, RateLimited, RuleViolation
from palace_portal.users import services, sms
from palace_portal.users.models import OneTimeCode, User
from tests.factories import UserFactory
from tests.users.conftest import last_code, wrong_code

SIGNUP = OneTimeCode.Purpose.SIGNUP
RESET = OneTimeCode.Purpose.PASSWORD_RESET
PHONE = "13712345678"
IP = "203.0.113.7"
PASSWORD = "Lantern-riddle-2024"


def send(phone=PHONE, purpose=SIGNUP, ip=IP):
    services.otp_send(phone=phone, purpose=purpose, client_ip=ip)


def signup(**overrides):
    values = {"phone": PHONE, "code": last_code(PHONE), "password": PASSWORD, "real_name": "张三"}
    values.update(overrides)
    return services.user_signup(**values)


# --- phone numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13712345678", "13712345678"),
        ("+86 137 1234 5678", "13712345678"),
        ("+8613712345678", "13712345678"),
        ("0086-137-1234-5678", "13712345678"),
    ],
)
def test_phone_parse_accepts_and_normalises_mainland_numbers(raw, expected):
    assert services.phone_parse(phone=raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("1371234567a", "digits only"),
        ("phone", "digits only"),
        ("1371234567", "has 11 digits; this one has 10"),
        ("137123456789", "has 11 digits; this one has 12"),
        ("23712345678", "starts with 1"),
        ("１３７１２３４５６７８", "digits only"),
        ("", "Enter your mobile number"),
    ],
)
def test_phone_parse_explains_what_is_wrong(raw, fragment):
    with pytest.raises(InvalidInput) as info:
        services.phone_parse(phone=raw)
    assert info.value.code == "invalid_phone"
    assert fragment in str(info.value.message)
    assert "phone" in info.value.fields


# --- sending codes --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_otp_send_stores_only_a_hash_and_texts_the_code():
    send()
    otp = OneTimeCode.objects.get(phone=PHONE, purpose=SIGNUP)
    code = last_code(PHONE)
    assert len(code) == 6
    assert code not in otp.code_hash
    assert otp.expires_at - otp.created_at == timedelta(minutes=10)
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_otp_send_normalises_the_number():
    send(phone="+86 137-1234-5678")
    assert OneTimeCode.objects.filter(phone=PHONE).count() == 1
    assert sms.outbox[0].phone == PHONE


@pytest.mark.django_db
def test_otp_send_for_signup_refuses_a_registered_number():
    UserFactory(phone=PHONE)
    with pytest.raises(RuleViolation) as info:
        send()
    assert info.value.code == "phone_taken"
    assert "already registered" in str(info.value.message)
    assert sms.outbox == []
    assert not OneTimeCode.objects.exists()


@pytest.mark.django_db
def test_otp_send_refuses_a_second_code_within_the_resend_interval():
    send()
    with pytest.raises(RateLimited) as info:
        send()
    assert info.value.code == "otp_resend_too_soon"
    assert len(sms.outbox) == 1
    assert OneTimeCode.objects.count() == 1


@pytest.mark.django_db
def test_otp_send_allows_another_code_after_the_resend_interval():
    with override_settings(OTP_RESEND_INTERVAL=0):
        send()
        send()
    assert len(sms.outbox) == 2


@pytest.mark.django_db
@override_settings(OTP_RESEND_INTERVAL=0, OTP_RATE_PER_PHONE=(3, 3600))
def test_otp_send_limits_codes_per_number():
    for index in range(3):
        send(ip=f"198.51.100.{index}")
    with pytest.raises(RateLimited) as info:
        send(ip="198.51.100.99")
    assert info.value.code == "rate_limited"
    assert len(sms.outbox) == 3


@pytest.mark.django_db
@override_settings(OTP_RESEND_INTERVAL=0, OTP_RATE_PER_IP=(2, 3600))
def test_otp_send_limits_codes_per_client_address():
    send(phone="13700000001")
    send(phone="13700000002")
    with pytest.raises(RateLimited) as info:
        send(phone="13700000003")
    assert info.value.code == "rate_limited"
    # Another address is not affected.
    send(phone="13700000003", ip="192.0.2.1")
    assert [m.phone for m in sms.outbox] == ["13700000001", "13700000002", "13700000003"]


@pytest.mark.django_db
def test_otp_send_for_reset_of_unknown_number_answers_the_same_but_sends_nothing():
    send(phone="13700000009", purpose=RESET)  # no error: nothing is revealed
    assert sms.outbox == []
    assert not OneTimeCode.objects.exists()
    # And the resend interval applies just as for a registered number.
    with pytest.raises(RateLimited):
        send(phone="13700000009", purpose=RESET)


@pytest.mark.django_db
def test_otp_send_reports_a_provider_failure_and_keeps_no_code(settings):
    settings.SMS_BACKEND = "tests.users.test_sms.FailingBackend"
    with pytest.raises(RuleViolation) as info:
        send()
    assert info.value.code == "sms_failed"
    assert not OneTimeCode.objects.exists()


# --- verifying codes ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_otp_verify_accepts_the_right_code_once():
    send()
    code = last_code(PHONE)
    otp = services.otp_verify(phone=PHONE, purpose=SIGNUP, code=code)
    assert otp.used_at is not None
    with pytest.raises(InvalidInput) as info:
        services.otp_verify(phone=PHONE, purpose=SIGNUP, code=code)
    assert info.value.code == "otp_invalid"


@pytest.mark.django_db
def test_otp_verify_refuses_a_code_for_another_purpose():
    send()
    with pytest.raises(InvalidInput) as info:
        services.otp_verify(phone=PHONE, purpose=RESET, code=last_code(PHONE))
    assert info.value.code == "otp_invalid"


@pytest.mark.django_db
def test_otp_verify_refuses_an_expired_code():
    send()
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidInput) as info:
        services.otp_verify(phone=PHONE, purpose=SIGNUP, code=last_code(PHONE))
    assert info.value.code == "otp_expired"
    assert OneTimeCode.objects.get().used_at is None


@pytest.mark.django_db
def test_otp_verify_counts_wrong_tries_and_kills_the_code_at_the_limit(settings):
    settings.OTP_MAX_ATTEMPTS = 3
    send()
    code = last_code(PHONE)
    for expected in ("otp_invalid", "otp_invalid", "otp_too_many_attempts"):
        with pytest.raises(InvalidInput) as info:
            services.otp_verify(phone=PHONE, purpose=SIGNUP, code=wrong_code(code))
        assert info.value.code == expected
    assert OneTimeCode.objects.get().attempts == 3
    # Even the right code is refused now.
    with pytest.raises(InvalidInput) as info:
        services.otp_verify(phone=PHONE, purpose=SIGNUP, code=code)
    assert info.value.code == "otp_too_many_attempts"


@pytest.mark.django_db
def test_otp_verify_checks_only_the_latest_code(settings):
    settings.OTP_RESEND_INTERVAL = 0
    send()
    first = last_code(PHONE)
    send()
    second = last_code(PHONE)
    if first == second:  # one chance in a million
        pytest.skip("the two random codes happen to be equal")
    with pytest.raises(InvalidInput):
        services.otp_verify(phone=PHONE, purpose=SIGNUP, code=first)
    assert services.otp_verify(phone=PHONE, purpose=SIGNUP, code=second).used_at is not None


@pytest.mark.django_db
def test_otp_purge_expired_deletes_only_expired_codes_and_is_idempotent(settings):
    settings.OTP_RESEND_INTERVAL = 0
    send(phone="13700000001")
    send(phone="13700000002")
    OneTimeCode.objects.filter(phone="13700000001").update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.otp_purge_expired() == 1
    assert services.otp_purge_expired() == 0
    assert list(OneTimeCode.objects.values_list("phone", flat=True)) == ["13700000002"]


# --- sign-up --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_user_signup_creates_the_account_and_uses_up_the_code():
    send()
    user = signup(membership_number=" 36010012345 ", workplace="江铃汽车")
    assert user.phone == PHONE
    assert user.real_name == "张三"
    assert user.membership_number == "36010012345"
    assert user.is_member
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert OneTimeCode.objects.get().used_at is not None
    assert User.objects.get(phone=PHONE).pk == user.pk


@pytest.mark.django_db
def test_user_signup_with_wrong_code_creates_nothing_but_counts_the_try():
    send()
    with pytest.raises(InvalidInput) as info:
        signup(code=wrong_code(last_code(PHONE)))
    assert info.value.code == "otp_invalid"
    assert not User.objects.exists()
    assert OneTimeCode.objects.get().attempts == 1


@pytest.mark.django_db
def test_user_signup_without_a_code_sent_creates_nothing():
    with pytest.raises(InvalidInput) as info:
        services.user_signup(phone=PHONE, code="123456", password=PASSWORD, real_name="张三")
    assert info.value.code == "otp_invalid"
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["short", "12345678901", "password123", "13712345678"])
def test_user_signup_applies_the_password_validators_without_burning_the_code(password):
    send()
    with pytest.raises(InvalidInput) as info:
        signup(password=password)
    assert info.value.code == "password_invalid"
    assert "password" in info.value.fields
    assert not User.objects.exists()
    otp = OneTimeCode.objects.get()
    assert otp.used_at is None
    assert otp.attempts == 0


@pytest.mark.django_db
def test_user_signup_refuses_a_registered_number():
    send()
    UserFactory(phone=PHONE)  # registered meanwhile, e.g. from another device
    with pytest.raises(RuleViolation) as info:
        signup()
    assert info.value.code == "phone_taken"
    assert User.objects.filter(phone=PHONE).count() == 1


@pytest.mark.django_db
def test_user_signup_requires_a_real_name():
    send()
    with pytest.raises(InvalidInput) as info:
        signup(real_name="   ")
    assert "real_name" in info.value.fields
    assert not User.objects.exists()


# --- passwords ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_user_password_reset_sets_the_password_and_revokes_tokens():
    user = UserFactory(phone=PHONE)
    Token.objects.create(user=user)
    send(purpose=RESET)
    services.user_password_reset(phone=PHONE, code=last_code(PHONE), new_password=PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not Token.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_user_password_reset_of_unknown_number_fails_like_a_wrong_code():
    with pytest.raises(InvalidInput) as unknown:
        services.user_password_reset(phone="13700000009", code="123456", new_password=PASSWORD)
    UserFactory(phone=PHONE)
    send(purpose=RESET)
    with pytest.raises(InvalidInput) as wrong:
        services.user_password_reset(phone=PHONE, code=wrong_code(last_code(PHONE)), new_password=PASSWORD)
    assert unknown.value.code == wrong.value.code == "otp_invalid"
    assert str(unknown.value.message) == str(wrong.value.message)


@pytest.mark.django_db
def test_user_password_reset_with_weak_password_changes_nothing():
    user = UserFactory(phone=PHONE)
    send(purpose=RESET)
    with pytest.raises(InvalidInput) as info:
        services.user_password_reset(phone=PHONE, code=last_code(PHONE), new_password="123")
    assert info.value.code == "password_invalid"
    user.refresh_from_db()
    assert user.check_password("pass-word-123")


@pytest.mark.django_db
def test_user_password_change_revokes_api_tokens():
    user = UserFactory(phone=PHONE)
    Token.objects.create(user=user)
    services.user_password_change(user=user, new_password=PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not Token.objects.filter(user=user).exists()


# --- profile --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_user_profile_update_saves_the_details():
    user = UserFactory(phone=PHONE, real_name="张三")
    services.user_profile_update(
        user=user, real_name=" 张三丰 ", membership_number="A1", workplace="洪都", email="z@example.com"
    )
    user.refresh_from_db()
    assert (user.real_name, user.membership_number, user.workplace, user.email) == (
        "张三丰",
        "A1",
        "洪都",
        "z@example.com",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("real_name", {"real_name": ""}),
        ("email", {"real_name": "张三", "email": "not-an-address"}),
        ("workplace", {"real_name": "张三", "workplace": "x" * 101}),
    ],
)
def test_user_profile_update_refuses_bad_input_and_changes_nothing(field, values):
    user = UserFactory(phone=PHONE, real_name="张三", workplace="洪都")
    with pytest.raises(InvalidInput) as info:
        services.user_profile_update(user=user, **values)
    assert field in info.value.fields
    assert (user.real_name, user.workplace) == ("张三", "洪都")  # the object in hand is untouched too
    user.refresh_from_db()
    assert (user.real_name, user.workplace, user.email) == ("张三", "洪都", "")
