"""The bookings back office: scoped to one's palaces, read-only, and without appointment matters."""

from datetime import datetime

import pytest
from django.utils import timezone

from bookings.models import AppointmentMatter, Booking


def _booking(world, venue, user, **kwargs):
    start = timezone.make_aware(datetime(2026, 11, 25, 10, 0))
    return Booking.objects.create(
        palace=venue.palace,
        venue=venue,
        user=user,
        mode=venue.booking_mode,
        start=start,
        end=start.replace(hour=11),
        local_date=start.date(),
        status=Booking.Status.CONFIRMED,
        check_in_code=kwargs.pop("code"),
        **kwargs,
    )


@pytest.fixture
def bookings(world):
    a = _booking(world, world.venue_a, world.worker, code="AAAA2222")
    b = _booking(world, world.venue_b, world.worker2, code="BBBB3333")
    AppointmentMatter.objects.create(booking=a, palace=a.palace, text="劳动合同纠纷的私密细节")
    return a, b


def test_staff_see_only_their_palace_bookings(client, world, bookings):
    a, b = bookings
    client.force_login(world.staff_a)

    listing = client.get("/admin/bookings/booking/")

    assert listing.status_code == 200
    rows = listing.context["cl"].result_list
    assert [booking.pk for booking in rows] == [a.pk]
    assert client.get(f"/admin/bookings/booking/{b.pk}/change/").status_code == 404


def test_booking_admin_is_read_only_and_never_shows_the_matter(client, world, bookings):
    a, _b = bookings
    client.force_login(world.province_officer)

    page = client.get(f"/admin/bookings/booking/{a.pk}/change/")

    assert page.status_code == 200
    assert "劳动合同纠纷" not in page.content.decode()
    assert client.get("/admin/bookings/booking/add/").status_code == 403
    assert client.post(f"/admin/bookings/booking/{a.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Booking.objects.filter(pk=a.pk).exists()


def test_outbox_is_provincial_only(client, world):
    client.force_login(world.manager_a)
    assert client.get("/admin/bookings/notification/").status_code == 403
    client.force_login(world.province_officer)
    assert client.get("/admin/bookings/notification/").status_code == 200
