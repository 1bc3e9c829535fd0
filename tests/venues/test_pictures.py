"""Pictures of palaces and venues: uploaded on the desk and in the admin through
`palace_portal.images`, with a required description, shown on the public pages."""

import pytest
from django.test import Client
from django.urls import reverse

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.pictures import EXIF_MAKE, not_a_picture, photo, pixel_bomb, stored, too_large
from venues import services
from venues.models import Palace, Venue


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page_url(palace):
    return reverse("bookings_staff:palace_page", args=[palace.pk])


def _venue_url(venue):
    return reverse("bookings_staff:venue_picture", args=[venue.pk])


def test_a_manager_uploads_the_palace_picture_resized_and_stripped(world, tmp_path):
    response = client_of(world.manager_a).post(
        _page_url(world.palace_a),
        {
            "description": "南昌市职工的文化家园。",
            "directions": "公交 2、5 路工人文化宫站；地铁 1 号线八一馆站 B 口。",
            "picture": photo(3000, 2000),
            "picture_alt": "文化宫正门",
        },
    )

    assert response.status_code == 302
    palace = Palace.objects.get(pk=world.palace_a.pk)
    assert palace.picture.name.startswith("palaces/palace-")
    assert palace.picture.name.endswith(".jpg")
    assert palace.picture_alt == "文化宫正门"
    assert palace.directions.startswith("公交 2、5 路")
    image = stored(palace.picture)
    assert image.format == "JPEG"
    assert image.size == (1600, 1067)
    assert EXIF_MAKE not in image.getexif()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (not_a_picture, "This file is not a picture that can be read."),
        (too_large, "The picture is larger than 8 MB."),
        (pixel_bomb, "The picture has too many pixels."),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_changes_nothing(world, upload, message, tmp_path):
    response = client_of(world.manager_a).post(
        _page_url(world.palace_a),
        {"description": "新的介绍", "picture": upload(), "picture_alt": "正门"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["picture"]
    assert errors == [message]
    palace = Palace.objects.get(pk=world.palace_a.pk)
    assert not palace.picture
    assert palace.description != "新的介绍"
    assert not any(tmp_path.rglob("*.jpg"))


def test_a_picture_without_its_description_is_refused(world, tmp_path):
    response = client_of(world.staff_a).post(_venue_url(world.venue_a), {"picture": photo(800, 600)})

    assert response.status_code == 400
    assert response.context["form"].errors["picture_alt"]
    assert not Venue.objects.get(pk=world.venue_a.pk).picture
    assert not any(tmp_path.rglob("*.jpg"))


def test_the_description_cannot_be_emptied_while_the_picture_stays(world):
    services.venue_picture_update(
        actor=world.staff_a, venue=world.venue_a, picture=photo(), picture_alt="场地"
    )

    with pytest.raises(InvalidInput) as excinfo:
        services.venue_picture_update(actor=world.staff_a, venue=world.venue_a, picture_alt="  ")

    assert "picture_alt" in excinfo.value.fields
    assert Venue.objects.get(pk=world.venue_a.pk).picture_alt == "场地"


def test_removing_a_picture_deletes_its_file_once_saved(world, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        venue = services.venue_picture_update(
            actor=world.staff_a, venue=world.venue_a, picture=photo(400, 300), picture_alt="场地"
        )
    path = tmp_path / venue.picture.name
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        venue = services.venue_picture_update(actor=world.staff_a, venue=world.venue_a, picture_clear=True)

    assert not venue.picture
    assert venue.picture_alt == ""
    assert not path.exists()


def test_a_raw_upload_given_to_a_service_is_prepared_too(world):
    venue = services.venue_picture_update(
        actor=world.staff_a, venue=world.venue_a, picture=photo(2400, 2400), picture_alt="场地"
    )

    assert stored(venue.picture).size == (1600, 1600)


def test_palace_staff_who_do_not_lead_may_not_change_the_palace_page(world):
    with pytest.raises(RuleViolation):
        services.palace_profile_update(actor=world.staff_a, palace=world.palace_a, description="x")
    with pytest.raises(NotFound):
        services.palace_profile_update(actor=world.manager_b, palace=world.palace_a, description="x")
    with pytest.raises(NotFound):
        services.venue_picture_update(actor=world.staff_b, venue=world.venue_a, picture_clear=True)


def test_the_pages_show_the_pictures_with_their_description(world, client):
    services.palace_profile_update(
        actor=world.manager_a,
        palace=world.palace_a,
        description="职工之家",
        directions="地铁 1 号线八一馆站",
        picture=photo(1200, 800),
        picture_alt="文化宫正门的广场",
    )
    services.venue_picture_update(
        actor=world.staff_a, venue=world.venue_a, picture=photo(800, 600), picture_alt="羽毛球场地全景"
    )

    palace_page = client.get(reverse("venues:palace_detail", args=[world.palace_a.pk])).content.decode()
    venue_page = client.get(reverse("venues:venue_detail", args=[world.venue_a.pk])).content.decode()

    assert 'alt="文化宫正门的广场"' in palace_page
    assert 'alt="羽毛球场地全景"' in palace_page  # the venue's thumbnail in the list
    assert palace_page.index("地铁 1 号线八一馆站") < palace_page.index('id="venues-title"')
    assert palace_page.index("职工之家") < palace_page.index('id="venues-title"')
    assert 'alt="羽毛球场地全景"' in venue_page
    assert 'loading="lazy"' in venue_page or 'fetchpriority="high"' in venue_page
    assert "style=" not in venue_page


def test_the_admin_prepares_an_uploaded_picture_and_asks_for_its_description(world, superuser):
    client = client_of(superuser)
    url = reverse("admin:venues_venue_change", args=[world.venue_a.pk])
    venue = world.venue_a
    data = {
        "palace": venue.palace_id,
        "name": venue.name,
        "centre": venue.centre,
        "kind": venue.kind,
        "booking_mode": venue.booking_mode,
        "is_active": "on",
        "capacity": venue.capacity,
        "fee": "0",
        "slot_minutes": venue.slot_minutes,
        "floor": "",
        "facilities": "",
        "accessibility": "",
    }

    refused = client.post(url, data | {"picture": photo(2000, 1000)})
    assert refused.status_code == 200
    assert "picture_alt" in refused.context["adminform"].form.errors
    saved = client.post(url, data | {"picture": photo(2000, 1000), "picture_alt": "场地"})
    assert saved.status_code == 302

    venue = Venue.objects.get(pk=venue.pk)
    assert venue.picture.name.startswith("venues/picture-")
    assert stored(venue.picture).size == (1600, 800)


def test_the_api_gives_the_picture_address_and_description_read_only(world, client):
    services.venue_picture_update(
        actor=world.staff_a, venue=world.venue_a, picture=photo(400, 300), picture_alt="羽毛球场地"
    )
    venue = Venue.objects.get(pk=world.venue_a.pk)

    item = next(v for v in client.get("/api/v1/venues/").json()["results"] if v["id"] == venue.pk)
    palace = client.get(f"/api/v1/palaces/{world.palace_a.pk}/").json()

    assert item["picture"] == f"http://testserver{venue.picture.url}"
    assert item["picture_alt"] == "羽毛球场地"
    assert palace["picture"] is None
    assert palace["picture_alt"] == ""
