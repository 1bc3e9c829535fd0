"""Pictures of courses and events: uploaded on the staff forms through `palace_portal.images`,
with their description, and shown on the workers' pages and lists."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.events import services as event_services
from activities.events.models import Event
from palace_portal.errors import InvalidInput
from tests.pictures import EXIF_MAKE, not_a_picture, photo, stored


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _event_form(venue, **extra):
    start = timezone.localtime() + timedelta(days=3)
    data = {
        "title": "职工书法讲座",
        "kind": "lecture",
        "centre": "education",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": str(venue.pk),
        "online_url": "",
        "speaker": "",
        "partner_kind": "none",
        "partner_name": "",
        "programme": "",
        "description": "",
        "registration": "on",
        "capacity": "50",
    }
    data.update(extra)
    return data


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_event_picture_is_prepared_and_shown_with_its_description(world, client):
    url = reverse("classes_staff:event_new", args=[world.palace_a.pk])
    response = _client(world.staff_a).post(
        url, _event_form(world.venue_a, picture=photo(2400, 1600), picture_alt="讲座现场")
    )
    assert response.status_code == 302
    event = Event.objects.get(title="职工书法讲座")
    assert event.picture.name.startswith("events/event-")
    image = stored(event.picture)
    assert image.size == (1600, 1067)
    assert EXIF_MAKE not in image.getexif()

    event_services.event_publish(actor=world.staff_a, event=event)
    page = client.get(reverse("classes:event", args=[event.pk])).content.decode()
    listing = client.get(reverse("classes:events")).content.decode()
    assert f'src="{event.picture.url}" alt="讲座现场"' in page
    assert f'src="{event.picture.url}" alt="讲座现场"' in listing
    assert 'loading="lazy"' in listing


def test_an_event_form_with_a_bad_file_or_no_description_saves_nothing(world):
    url = reverse("classes_staff:event_new", args=[world.palace_a.pk])
    client = _client(world.staff_a)

    bad = client.post(url, _event_form(world.venue_a, picture=not_a_picture(), picture_alt="讲座"))
    undescribed = client.post(url, _event_form(world.venue_a, picture=photo(600, 400)))

    assert bad.status_code == 400
    assert bad.context["form"].errors["picture"]
    assert undescribed.status_code == 400
    assert undescribed.context["form"].errors["picture_alt"]
    assert not Event.objects.exists()


def test_an_event_keeps_its_picture_when_edited_and_loses_it_when_asked(world):
    start = timezone.now() + timedelta(days=2)
    values = {
        "title": "讲座",
        "kind": "lecture",
        "centre": "education",
        "venue": world.venue_a,
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
    }
    event = event_services.event_create(
        actor=world.staff_a, palace=world.palace_a, picture=photo(300, 200), picture_alt="现场", **values
    )

    kept = event_services.event_update(actor=world.staff_a, event=event, picture_alt="现场照片", **values)
    assert kept.picture.name == event.picture.name
    assert kept.picture_alt == "现场照片"
    with pytest.raises(InvalidInput):
        event_services.event_update(actor=world.staff_a, event=event, picture_alt="", **values)
    cleared = event_services.event_update(actor=world.staff_a, event=event, picture_clear=True, **values)
    assert not cleared.picture
