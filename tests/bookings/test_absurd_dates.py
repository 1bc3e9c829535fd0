"""Dates a client can type that no palace has (year 1, year 9999) answer a clear 400, never a 500
(issue 11): the desk's day view, the roster, the worker's grid and booking. And the desk's day
heading and counters as a Chinese reader expects them."""

import pytest
from django.urls import reverse

from bookings.models import Booking
from tests.bookings.support import at

ABSURD = ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"]


@pytest.fixture
def staff(client, world):
    client.force_login(world.staff_a, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def worker(client, world):
    client.force_login(world.worker, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("day", ABSURD)
def test_the_desks_day_view_refuses_an_absurd_date_with_a_400(staff, world, day):
    response = staff.get(reverse("bookings_staff:today", args=[world.palace_a.pk]), {"date": day})
    assert response.status_code == 400
    assert "2000" in response.content.decode()  # says which years it accepts


@pytest.mark.parametrize("day", ABSURD)
def test_the_roster_and_check_in_pages_do_not_fail_on_an_absurd_date(staff, world, day):
    for name in ("bookings_staff:roster", "bookings_staff:check_in"):
        response = staff.get(reverse(name, args=[world.palace_a.pk]), {"date": day})
        assert response.status_code in (200, 400), name


@pytest.mark.parametrize("day", ABSURD)
def test_the_worker_grid_and_booking_page_do_not_fail_on_an_absurd_date(worker, world, day):
    venue = world.venue_a
    assert worker.get(reverse("venues:venue_detail", args=[venue.pk]), {"date": day}).status_code == 200
    assert worker.get(reverse("bookings:venue_book", args=[venue.pk]), {"date": day}).status_code == 200
    response = worker.get(
        reverse("bookings:availability", args=[venue.pk]), {"date": day}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    response = worker.post(
        reverse("bookings:venue_book", args=[venue.pk]), {"date": day, "at": "10:00", "party_size": 1}
    )
    assert response.status_code == 400
    assert not Booking.objects.filter(user=world.worker).exists()


def test_a_sane_date_still_shows_its_day(staff, world):
    response = staff.get(
        reverse("bookings_staff:today", args=[world.palace_a.pk]), {"date": at(1, 10).date().isoformat()}
    )
    assert response.status_code == 200


def test_the_desk_heading_and_counters_read_naturally_in_chinese(staff, world):
    response = staff.get(reverse("bookings_staff:today", args=[world.palace_a.pk]), {"date": "2026-12-07"})
    page = response.content.decode()
    assert "2026年12月7日 星期一" in page
    assert "星期一, " not in page
    # Which counter is which, without guessing: not yet come vs. window closed without coming.
    assert "待签到" in page
    assert "未到（已过签到时间）" in page
    assert "待到场" not in page
