import pytest
from django.test import Client
from django.urls import reverse

from palace_portal.users import sms
from palace_portal.users.models import OneTimeCode, User
from tests.factories import UserFactory
from tests.users.conftest import last_code, wrong_code

PHONE = "13712345678"
PASSWORD = "Lantern-riddle-2024"
LOGIN = reverse("users:login")
SIGNUP = reverse("users:signup")
RESET = reverse("users:password_reset")
PROFILE = reverse("users:profile")


@pytest.fixture
def worker(db):
    return UserFactory(phone=PHONE, real_name="吴刚")


def login_post(client, phone, password, **extra):
    return client.post(LOGIN, {"username": phone, "password": password}, **extra)


def signup_data(**overrides):
    data = {
        "phone": PHONE,
        "code": "",
        "real_name": "张三",
        "membership_number": "",
        "workplace": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


# --- sign-in and sign-out -------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_form_asks_for_a_mobile_number_not_a_username(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mobile number" in html
    assert "Username" not in html
    assert 'type="tel"' in html
    assert reverse("users:password_reset") in html


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [PHONE, "+86 137 1234 5678", "0086-13712345678"])
def test_login_accepts_the_number_as_people_type_it(client, worker, typed):
    response = login_post(client, typed, "pass-word-123")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)


@pytest.mark.django_db
def test_signing_in_keeps_the_language_the_person_uses_for_the_messages_sent_to_them(worker):
    assert worker.language == ""  # not known yet

    login_post(Client(), PHONE, "pass-word-123", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    worker.refresh_from_db()
    assert worker.language == "zh-hans"

    login_post(Client(), PHONE, "pass-word-123", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    worker.refresh_from_db()
    assert worker.language == "en"


SETLANG = reverse("set_language")


@pytest.mark.django_db
def test_switching_the_language_keeps_it_on_the_account_at_once(client, worker):
    """The notifications sent from now on are in the chosen language, not the last sign-in's."""
    client.force_login(worker)
    User.objects.filter(pk=worker.pk).update(language="zh-hans")  # after the sign-in, which sets it

    response = client.post(SETLANG, {"language": "en", "next": "/classes/"})

    assert response.status_code == 302
    assert response["Location"] == "/classes/"
    assert response.cookies["django_language"].value == "en"
    worker.refresh_from_db()
    assert worker.language == "en"
    assert worker.message_language == "en"


@pytest.mark.django_db
def test_switching_to_a_language_the_portal_does_not_offer_changes_nothing(client, worker):
    client.force_login(worker)
    User.objects.filter(pk=worker.pk).update(language="zh-hans")  # after the sign-in, which sets it

    # Django knows French (its own catalogues), the portal does not offer it.
    response = client.post(SETLANG, {"language": "fr", "next": "/"})

    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.language == "zh-hans"


@pytest.mark.django_db
def test_switching_the_language_still_refuses_an_outside_next(client, worker):
    client.force_login(worker)
    response = client.post(SETLANG, {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_switching_the_language_needs_the_csrf_token(worker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    User.objects.filter(pk=worker.pk).update(language="zh-hans")
    response = client.post(SETLANG, {"language": "en", "next": "/"})
    assert response.status_code == 403
    worker.refresh_from_db()
    assert worker.language == "zh-hans"


@pytest.mark.django_db
def test_anonymous_visitors_switch_by_the_cookie_only(client, worker):
    response = client.post(SETLANG, {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    worker.refresh_from_db()
    assert worker.language == ""


@pytest.mark.django_db
def test_signing_up_keeps_the_language_of_the_sign_up():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.post(SIGNUP, signup_data(send_code="1"))
    client.post(SIGNUP, signup_data(code=last_code(PHONE)))
    assert User.objects.get(phone=PHONE).language == "zh-hans"


@pytest.mark.django_db
def test_login_with_wrong_password_says_so(client, worker):
    response = login_post(client, PHONE, "wrong-password")
    assert response.status_code == 200
    assert "correct mobile number and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_with_malformed_number_explains_the_format(client):
    response = login_post(client, "1371234567", "whatever")
    assert response.status_code == 200
    assert "has 11 digits; this one has 10" in response.content.decode()


@pytest.mark.django_db
def test_login_locks_out_after_five_failures_and_explains_when_to_retry(client, worker):
    for _ in range(4):
        assert login_post(client, PHONE, "wrong-password").status_code == 200
    locked = login_post(client, PHONE, "wrong-password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in paused" in html
    assert "try again in 15 minutes" in html
    assert PHONE not in html
    # Now even the right password is refused from this address.
    response = login_post(client, PHONE, "pass-word-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_number_and_address(client, worker):
    other = UserFactory(phone="13700000002")
    for _ in range(5):
        login_post(client, PHONE, "wrong-password")
    # Another number from the same address, and the same number from another address, still sign in.
    assert login_post(client, other.phone, "pass-word-123").status_code == 302
    client.logout()
    response = login_post(client, PHONE, "pass-word-123", REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302


@pytest.mark.django_db
def test_lockout_counts_the_number_however_it_is_typed(client, worker):
    for typed in [PHONE, "+86 13712345678", "0086 137 1234 5678", "+8613712345678"]:
        login_post(client, typed, "wrong-password")
    assert login_post(client, "137-1234-5678", "wrong-password").status_code == 429


@pytest.mark.django_db
def test_logout_is_post_only(client, worker):
    client.force_login(worker)
    assert client.get(reverse("users:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("users:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# --- sign-up --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_page_shows_both_steps(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="send_code"' in html
    assert 'hx-post="/accounts/signup/send-code/"' in html
    assert "Verify your mobile number" in html


@pytest.mark.django_db
def test_signup_send_code_without_javascript_keeps_what_was_typed(client):
    response = client.post(SIGNUP, signup_data(real_name="张三", send_code="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A code is on its way to 137****5678" in html
    assert 'value="张三"' in html
    assert PASSWORD not in html
    assert "This field is required" not in html
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_signup_send_code_with_htmx_answers_the_status_fragment(client):
    response = client.post(
        reverse("users:signup_send_code"), {"phone": "+86 13712345678"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="code-status"' in html
    assert "<html" not in html
    assert "137****5678" in html
    assert sms.outbox[0].phone == PHONE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("137abc45678", "digits only"),
        ("1371234567", "this one has 10"),
        ("137123456789", "this one has 12"),
        ("23712345678", "starts with 1"),
    ],
)
def test_signup_send_code_explains_a_bad_number_and_sends_nothing(client, phone, message):
    response = client.post(reverse("users:signup_send_code"), {"phone": phone}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert message in response.content.decode()
    assert sms.outbox == []
    assert not OneTimeCode.objects.exists()


@pytest.mark.django_db
def test_signup_send_code_refuses_a_registered_number_clearly(client, worker):
    response = client.post(reverse("users:signup_send_code"), {"phone": PHONE}, HTTP_HX_REQUEST="true")
    assert "already registered" in response.content.decode()
    assert sms.outbox == []


@pytest.mark.django_db
def test_signup_send_code_twice_within_a_minute_asks_to_wait(client):
    url = reverse("users:signup_send_code")
    client.post(url, {"phone": PHONE}, HTTP_HX_REQUEST="true")
    response = client.post(url, {"phone": PHONE}, HTTP_HX_REQUEST="true")
    assert "less than 60 seconds ago" in response.content.decode()
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_signup_send_code_limit_per_address_ignores_x_forwarded_for(client, settings):
    settings.OTP_RATE_PER_IP = (2, 3600)
    url = reverse("users:signup_send_code")
    for index in range(3):
        response = client.post(
            url,
            {"phone": f"1370000000{index}"},
            HTTP_HX_REQUEST="true",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{index}",
        )
    assert "Too many codes were requested from your network" in response.content.decode()
    assert len(sms.outbox) == 2


@pytest.mark.django_db
def test_send_code_without_htmx_goes_back_to_the_page(client):
    response = client.post(reverse("users:signup_send_code"), {"phone": PHONE})
    assert response.status_code == 302
    assert response.url == SIGNUP
    assert sms.outbox == []


@pytest.mark.django_db
def test_signup_with_the_right_code_creates_the_account_and_signs_in(client):
    client.post(SIGNUP, signup_data(send_code="1"))
    response = client.post(
        SIGNUP, signup_data(code=last_code(PHONE), membership_number="36010012345", workplace="江铃")
    )
    assert response.status_code == 302
    user = User.objects.get(phone=PHONE)
    assert (user.real_name, user.membership_number, user.workplace) == ("张三", "36010012345", "江铃")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_signup_follows_a_safe_next_only(client):
    client.post(SIGNUP, signup_data(send_code="1"))
    response = client.post(f"{SIGNUP}?next=https://evil.example/", signup_data(code=last_code(PHONE)))
    # Not the unsafe next: the new user's welcome.
    assert response.url == reverse("users:welcome")


@pytest.mark.django_db
def test_a_new_user_lands_on_their_next_steps(client):
    client.post(SIGNUP, signup_data(send_code="1"))
    response = client.post(SIGNUP, signup_data(code=last_code(PHONE)), follow=True)
    assert response.redirect_chain[-1][0] == reverse("users:welcome")
    page = response.content.decode()
    for url in (reverse("venues:palace_list"), reverse("classes:catalogue"), reverse("classes:events")):
        assert f'href="{url}"' in page
    assert "Welcome, 张三" in page
    assert reverse("users:profile") in page  # not a member yet: where to add the number


@pytest.mark.django_db
def test_signing_up_on_the_way_to_a_course_goes_on_to_it(client):
    course = reverse("classes:catalogue")
    client.post(SIGNUP, signup_data(send_code="1"))
    response = client.post(f"{SIGNUP}?next={course}", signup_data(code=last_code(PHONE)))
    assert response.url == course


@pytest.mark.django_db
def test_signup_with_a_wrong_code_creates_nothing(client):
    client.post(SIGNUP, signup_data(send_code="1"))
    response = client.post(SIGNUP, signup_data(code=wrong_code(last_code(PHONE))))
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signup_of_a_registered_number_is_refused_with_a_clear_message(client, worker):
    response = client.post(SIGNUP, signup_data(code="123456"))
    assert response.status_code == 200
    assert "This mobile number is already registered." in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_signup_applies_password_validators(client):
    client.post(SIGNUP, signup_data(send_code="1"))
    response = client.post(
        SIGNUP, signup_data(code=last_code(PHONE), password1="12345678", password2="12345678")
    )
    html = response.content.decode()
    assert "This password is entirely numeric." in html or "This password is too common." in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_refuses_mismatched_passwords(client):
    client.post(SIGNUP, signup_data(send_code="1"))
    response = client.post(SIGNUP, signup_data(code=last_code(PHONE), password2="Something-else-99"))
    assert "The two passwords do not match." in response.content.decode()
    assert not User.objects.exists()
    # The code was not touched: it still works.
    assert OneTimeCode.objects.get().attempts == 0


@pytest.mark.django_db
def test_signed_in_user_is_sent_from_signup_to_the_profile(client, worker):
    client.force_login(worker)
    assert client.get(SIGNUP).url == PROFILE


# --- password reset -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_by_code_sets_the_new_password(client, worker):
    client.post(RESET, {"phone": PHONE, "send_code": "1"})
    response = client.post(
        RESET, {"phone": PHONE, "code": last_code(PHONE), "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == LOGIN
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_reset_says_the_same_for_unknown_and_known_numbers(client, worker):
    url = reverse("users:password_reset_send_code")
    known = client.post(url, {"phone": PHONE}, HTTP_HX_REQUEST="true").content.decode()
    unknown = client.post(url, {"phone": "13700000009"}, HTTP_HX_REQUEST="true").content.decode()
    assert known.replace("137****5678", "N") == unknown.replace("137****0009", "N")
    assert [m.phone for m in sms.outbox] == [PHONE]


@pytest.mark.django_db
def test_password_reset_with_a_wrong_code_changes_nothing(client, worker):
    client.post(RESET, {"phone": PHONE, "send_code": "1"})
    response = client.post(
        RESET,
        {"phone": PHONE, "code": wrong_code(last_code(PHONE)), "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password("pass-word-123")


@pytest.mark.django_db
def test_password_reset_lifts_a_login_lockout(client, worker):
    for _ in range(5):
        login_post(client, PHONE, "wrong-password")
    assert login_post(client, PHONE, "pass-word-123").status_code == 429
    client.post(RESET, {"phone": PHONE, "send_code": "1"})
    client.post(
        RESET, {"phone": PHONE, "code": last_code(PHONE), "password1": PASSWORD, "password2": PASSWORD}
    )
    assert login_post(client, PHONE, PASSWORD).status_code == 302


# --- profile and password change ------------------------------------------------------------------


@pytest.mark.django_db
def test_profile_requires_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.url.startswith(f"{LOGIN}?next=")


@pytest.mark.django_db
def test_profile_shows_own_full_number_and_name(client, worker, django_assert_max_num_queries):
    client.force_login(worker)
    with django_assert_max_num_queries(6):
        response = client.get(PROFILE)
    html = response.content.decode()
    assert PHONE in html
    assert "吴刚" in html


@pytest.mark.django_db
def test_profile_saves_changes(client, worker):
    client.force_login(worker)
    response = client.post(
        PROFILE,
        {"real_name": "吴刚", "membership_number": "M-1", "workplace": "洪都", "email": "w@example.com"},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.membership_number, worker.workplace, worker.email) == ("M-1", "洪都", "w@example.com")


@pytest.mark.django_db
def test_profile_with_bad_input_changes_nothing(client, worker):
    client.force_login(worker)
    response = client.post(PROFILE, {"real_name": "", "email": "nope", "workplace": "洪都"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    worker.refresh_from_db()
    assert (worker.real_name, worker.email, worker.workplace) == ("吴刚", "", "")


@pytest.mark.django_db
def test_password_change_keeps_this_session_and_ends_the_others(client, worker):
    other_device = Client()
    other_device.force_login(worker)
    client.force_login(worker)
    response = client.post(
        reverse("users:password_change"),
        {"old_password": "pass-word-123", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == PROFILE
    assert client.get(PROFILE).status_code == 200
    assert other_device.get(PROFILE).status_code == 302
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_change_with_wrong_old_password_changes_nothing(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("users:password_change"),
        {"old_password": "nope", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.check_password("pass-word-123")


@pytest.mark.django_db
def test_pages_have_no_style_attribute_or_inline_script(client, worker):
    pages = [client.get(url) for url in (LOGIN, SIGNUP, RESET)]
    client.force_login(worker)
    pages += [client.get(url) for url in (PROFILE, reverse("users:password_change"))]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert "style=" not in html
        assert "<script>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["12", "12345a", "1234567"])
def test_signup_checks_the_code_shape_without_using_a_try(client, code):
    client.post(SIGNUP, signup_data(send_code="1"))
    response = client.post(SIGNUP, signup_data(code=code))
    assert "The code has 6 digits." in response.content.decode()
    assert OneTimeCode.objects.get().attempts == 0
    assert not User.objects.exists()
