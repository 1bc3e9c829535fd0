"""Rating pages: the worker's /ratings/ (rate, change) and the staff's /staff/ratings/<palace_id>/
(averages, distribution, comments, hiding): access, rules seen through the pages, query counts."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Rating
from activities.ratings import services
from tests.activities.test_ratings import attended_course, attended_event, checked_in_booking
from tests.bookings.support import at, write_booking
from tests.factories import UserFactory, VenueFactory

BACKEND = "django.contrib.auth.backends.ModelBackend"
# Friday 21:00, after the lecture: the booking (Saturday), the session (Tuesday) and the lecture are rateable.
LATER = at(4, 21)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def clock():
    with mock.patch("django.utils.timezone.now", return_value=LATER) as patched:
        yield patched


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def html(response) -> str:
    return response.content.decode()


def staff_url(palace, **query) -> str:
    url = reverse("ratings:staff", args=[palace.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def attended(world):
    """The worker used the badminton court on Saturday, attended Tuesday's class and Friday's lecture."""
    booking = checked_in_booking(world, days=-2)
    course, session, enrolments = attended_course(world, [world.worker])
    event, registrations = attended_event(world, [world.worker])
    return {
        "booking": booking,
        "course": course,
        "session": session,
        "enrolment": enrolments[world.worker],
        "event": event,
        "registration": registrations[world.worker],
    }


# --- The worker's page -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(reverse("ratings:mine"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:login"))


def test_the_page_lists_what_was_attended_each_with_five_star_radios(world, client, attended):
    page = html(sign_in(client, world.worker).get(reverse("ratings:mine")))

    assert page.count('type="radio" name="stars"') == 15
    for title in ("羽毛球馆1号场", "书法入门", "劳模讲堂：工匠精神"):
        assert title in page
    assert 'name="occurrence" value="{}"'.format(attended["session"].pk) in page
    assert "style=" not in page  # strict CSP: no inline styles


def test_rating_from_the_page_saves_and_thanks(world, client, attended):
    sign_in(client, world.worker)
    booking = attended["booking"]

    response = client.post(
        reverse("ratings:mine"), {"booking": booking.pk, "occurrence": "", "stars": "4", "comment": "灯光好"}
    )

    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.booking, rating.stars, rating.comment, rating.user) == (booking, 4, "灯光好", world.worker)
    page = html(client.get(reverse("ratings:mine")))
    assert "Thank you for your rating." in page
    assert page.count('type="radio" name="stars"') == 10  # two things left to rate
    assert "灯光好" in page  # under "Your ratings"


def test_a_class_session_is_rated_from_the_page(world, client, attended):
    sign_in(client, world.worker)

    client.post(
        reverse("ratings:mine"),
        {"booking": attended["enrolment"].pk, "occurrence": attended["session"].pk, "stars": "5"},
    )

    rating = Rating.objects.get()
    assert (rating.course, rating.occurrence, rating.teacher) == (
        attended["course"],
        attended["session"],
        "陈老师",
    )


def test_no_stars_chosen_shows_the_error_on_that_form_and_saves_nothing(world, client, attended):
    sign_in(client, world.worker)

    response = client.post(
        reverse("ratings:mine"), {"booking": attended["booking"].pk, "comment": "忘了打星"}
    )

    assert response.status_code == 400
    assert "Choose 1 to 5 stars." in html(response)
    assert "忘了打星" in html(response)  # the comment typed is kept
    assert Rating.objects.count() == 0


def test_stars_out_of_range_from_the_page_are_refused(world, client, attended):
    sign_in(client, world.worker)

    response = client.post(reverse("ratings:mine"), {"booking": attended["booking"].pk, "stars": "9"})

    assert response.status_code == 400
    assert Rating.objects.count() == 0


def test_someone_elses_booking_answers_404(world, client, attended):
    sign_in(client, world.worker2)

    response = client.post(reverse("ratings:mine"), {"booking": attended["booking"].pk, "stars": "1"})

    assert response.status_code == 404
    assert Rating.objects.count() == 0


def test_a_refused_rating_is_explained_and_changes_nothing(world, client):
    sign_in(client, world.worker)
    missed = write_booking(world.worker, world.venue_a, at(-2, 10), status="no_show")

    response = client.post(reverse("ratings:mine"), {"booking": missed.pk, "stars": "1"}, follow=True)

    assert "Only people who attended can rate it." in html(response)
    assert Rating.objects.count() == 0


def test_my_bookings_links_to_the_rating_page(world, client):
    page = html(sign_in(client, world.worker).get(reverse("bookings:my_bookings")))

    assert reverse("ratings:mine") in page


# --- Changing a rating -----------------------------------------------------------------------------


def test_the_author_changes_a_rating_within_two_weeks(world, client, attended):
    rating = services.rating_create(
        user=world.worker, booking=attended["booking"], stars=2, comment="一般", now=LATER
    )
    sign_in(client, world.worker)
    url = reverse("ratings:edit", args=[rating.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"stars": "5", "comment": "再去一次，很好"})

    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.stars, rating.comment) == (5, "再去一次，很好")

    Rating.objects.filter(pk=rating.pk).update(created_at=LATER - timedelta(days=14, minutes=1))
    response = client.post(url, {"stars": "1"}, follow=True)
    assert "This rating can no longer be changed." in html(response)
    rating.refresh_from_db()
    assert rating.stars == 5


def test_another_persons_rating_cannot_be_opened_for_change(world, client, attended):
    rating = services.rating_create(user=world.worker, booking=attended["booking"], stars=2, now=LATER)

    response = sign_in(client, world.worker2).get(reverse("ratings:edit", args=[rating.pk]))

    assert response.status_code == 404


# --- Staff: access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_a", 200),
        ("manager_a", 200),
        ("city_officer", 200),  # palace A is in their city
        ("province_officer", 200),
        ("staff_b", 404),
        ("manager_b", 404),
        ("worker", 404),
    ],
)
def test_the_staff_page_is_for_those_who_may_read_the_palace(world, client, who, status):
    response = sign_in(client, getattr(world, who)).get(staff_url(world.palace_a))

    assert response.status_code == status


def test_anonymous_staff_page_is_sent_to_sign_in(world, client):
    response = client.get(staff_url(world.palace_a))

    assert response.status_code == 302


def test_the_desk_home_links_to_the_ratings(world, client):
    page = html(sign_in(client, world.staff_a).get(reverse("bookings_staff:home")))

    assert staff_url(world.palace_a) in page


# --- Staff: figures ----------------------------------------------------------------------------------


def _rate_all(world, attended):
    services.rating_create(user=world.worker, booking=attended["booking"], stars=3, comment="还行", now=LATER)
    services.rating_create(
        user=world.worker, booking=attended["enrolment"], occurrence=attended["session"], stars=5, now=LATER
    )
    services.rating_create(
        user=world.worker, booking=attended["registration"], stars=4, comment="讲得真好", now=LATER
    )


def test_the_staff_page_shows_averages_distribution_and_masked_comments(world, client, attended):
    _rate_all(world, attended)

    page = html(sign_in(client, world.staff_a).get(staff_url(world.palace_a, month="2026-11")))

    assert "4.0" in page  # (3 + 5 + 4) / 3
    assert "书法入门" in page
    assert "陈老师" in page
    assert "劳模讲堂：工匠精神" in page
    assert "讲得真好" in page
    assert "还行" in page
    assert world.worker.masked_name in page
    assert world.worker.real_name not in page
    assert world.worker.phone not in page
    assert 'class="bar w-35"' in page  # one of three ratings gave five stars: 33 %, drawn as 35
    assert "style=" not in page
    assert page.count("Hide this comment") == 2


def test_officers_read_but_cannot_hide(world, client, attended):
    _rate_all(world, attended)

    page = html(sign_in(client, world.city_officer).get(staff_url(world.palace_a)))

    assert "讲得真好" in page
    assert "Hide this comment" not in page


def test_the_month_filter_counts_by_the_date_of_what_was_rated(world, client, attended):
    _rate_all(world, attended)
    sign_in(client, world.staff_a)

    assert "No comments in these dates." in html(client.get(staff_url(world.palace_a, month="2026-10")))
    assert "讲得真好" in html(client.get(staff_url(world.palace_a, month="2026-11")))
    page = html(client.get(staff_url(world.palace_a, start="2026-11-27", end="2026-11-27")))
    assert "讲得真好" in page
    assert "还行" not in page


def test_a_bad_filter_is_shown_and_ignored(world, client, attended):
    _rate_all(world, attended)

    response = sign_in(client, world.staff_a).get(staff_url(world.palace_a, month="2026-13", start="x"))

    assert response.status_code == 200
    assert "Enter a month as YYYY-MM." in html(response)
    assert "讲得真好" in html(response)  # the last twelve months


def test_the_staff_page_queries_do_not_grow_with_the_ratings(world, client):
    sign_in(client, world.staff_a)
    services.rating_create(
        user=world.worker, booking=checked_in_booking(world, days=-1), stars=4, comment="好", now=LATER
    )
    client.get(staff_url(world.palace_a))  # warm up: session, content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(staff_url(world.palace_a)).status_code == 200

    for n in range(25):
        user = UserFactory()
        venue = VenueFactory(palace=world.palace_a, name=f"场地{n}")
        booking = write_booking(user, venue, at(-1 - n % 20, 9 + n % 10), status="checked_in")
        services.rating_create(user=user, booking=booking, stars=1 + n % 5, comment=f"评论{n}", now=LATER)
    _course, session, enrolments = attended_course(world, [UserFactory() for _ in range(6)])
    for user, booking in enrolments.items():
        services.rating_create(
            user=user, booking=booking, occurrence=session, stars=5, comment="课好", now=LATER
        )

    with CaptureQueriesContext(connection) as many:
        response = client.get(staff_url(world.palace_a))
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 16


# --- Staff: hiding -----------------------------------------------------------------------------------


def test_staff_hide_an_abusive_comment_with_a_reason_and_the_stars_still_count(world, client, attended):
    rating = services.rating_create(
        user=world.worker, booking=attended["booking"], stars=1, comment="骂人的话", now=LATER
    )
    sign_in(client, world.staff_a)
    url = reverse("ratings:hide", args=[world.palace_a.pk, rating.pk])

    response = client.post(url, {"reason": "", "month": "2026-11"})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert not rating.is_hidden

    response = client.post(url, {"reason": "辱骂他人", "month": "2026-11", "page": "1"})
    assert response["Location"] == staff_url(world.palace_a, month="2026-11", page="1") + "#comments"
    rating.refresh_from_db()
    assert (rating.is_hidden, rating.hidden_reason, rating.hidden_by) == (True, "辱骂他人", world.staff_a)
    page = html(client.get(staff_url(world.palace_a, month="2026-11")))
    assert "辱骂他人" in page
    assert "Show it again" in page
    assert Rating.objects.count() == 1

    client.post(reverse("ratings:unhide", args=[world.palace_a.pk, rating.pk]))
    rating.refresh_from_db()
    assert not rating.is_hidden


@pytest.mark.parametrize("who", ["staff_b", "city_officer", "worker"])
def test_others_cannot_hide(world, client, attended, who):
    rating = services.rating_create(
        user=world.worker, booking=attended["booking"], stars=1, comment="x", now=LATER
    )

    response = sign_in(client, getattr(world, who)).post(
        reverse("ratings:hide", args=[world.palace_a.pk, rating.pk]), {"reason": "r"}
    )

    assert response.status_code == 404
    rating.refresh_from_db()
    assert not rating.is_hidden


def test_a_rating_of_another_palace_cannot_be_hidden_through_this_one(world, client):
    booking = checked_in_booking(world, world.worker, venue=world.venue_b)
    rating = services.rating_create(user=world.worker, booking=booking, stars=1, comment="x", now=LATER)

    response = sign_in(client, world.staff_a).post(
        reverse("ratings:hide", args=[world.palace_a.pk, rating.pk]), {"reason": "r"}
    )

    assert response.status_code == 404


# --- The activity ledger ------------------------------------------------------------------------------


def test_the_ledger_shows_the_months_ratings(world, client, attended):
    _rate_all(world, attended)
    sign_in(client, world.staff_a)

    page = html(client.get(reverse("activities:ledger", args=[world.palace_a.pk]) + "?month=2026-11"))
    assert "Ratings in 2026-11: 3, average 4.0 stars" in page

    page = html(client.get(reverse("activities:ledger", args=[world.palace_a.pk]) + "?month=2026-10"))
    assert "Ratings in 2026-10: 0" in page
