"""The service circle's pages: the worker's search without JavaScript, a point's page, and the
staff's pages to keep a palace's points (scoped: a palace's staff run their own; officers read)."""

from datetime import datetime, time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from activities.ledger.models import Activity
from tests.factories import SatellitePointFactory
from venues.models import SatellitePoint, ServicePointHours

BACKEND = "django.contrib.auth.backends.ModelBackend"
WEDNESDAY_10 = datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOME = reverse("venues:circle:home")


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def at_ten():
    return mock.patch("django.utils.timezone.now", return_value=WEDNESDAY_10)


@pytest.fixture
def station(world):
    point = SatellitePointFactory(
        palace=world.palace_a,
        kind="outdoor_station",
        name="八一广场户外劳动者服务站",
        region=world.county1,
        latitude=28.6741,
        longitude=115.9089,
        services=["rest", "water", "charging"],
    )
    ServicePointHours.objects.create(point=point, weekday=2, opens=time(8), closes=time(12))
    return point


def test_a_district_lists_its_points_without_javascript(client, world, station):
    closed = SatellitePointFactory(palace=world.palace_a, region=world.county1, name="夜间书屋")
    with at_ten():
        page = client.get(HOME, {"district": world.county1.pk}).content.decode()
    assert station.name in page
    assert closed.name in page
    assert "正在开放" in page
    assert "休息中" in page
    assert "饮水" in page
    assert "手机充电" in page
    with at_ten():
        page = client.get(HOME, {"district": world.county1.pk, "open": "true"}).content.decode()
    assert station.name in page
    assert closed.name not in page


def test_near_shows_distances_and_the_city_map(client, world, station):
    with at_ten():
        page = client.get(HOME, {"near": "28.68,115.89"}).content.decode()
    assert station.name in page
    assert "米" in page or "公里" in page
    assert "<svg" in page
    assert 'class="circle-here"' in page


def test_a_malformed_location_is_an_error_on_the_page_not_a_500(client, station):
    response = client.get(HOME, {"near": "99,abc"})
    assert response.status_code == 200
    assert "纬度" in response.content.decode()


def test_the_page_has_no_inline_script(client, world, station):
    page = client.get(HOME, {"district": world.county1.pk}).content.decode()
    assert "<script>" not in page
    assert "style=" not in page
    assert "venues/circle" in page
    assert ".js" in page


def test_a_points_page_shows_its_week(client, station):
    with at_ten():
        page = client.get(reverse("venues:circle:point", args=[station.pk])).content.decode()
    assert station.name in page
    assert "08:00–12:00" in page
    assert "12:00关闭" in page


def test_a_point_out_of_service_has_no_public_page(client, station):
    station.is_active = False
    station.save()
    assert client.get(reverse("venues:circle:point", args=[station.pk])).status_code == 404


def _form(world, **over):
    data = {
        "name": "青山湖职工之家",
        "kind": "workers_home",
        "region": world.county1.pk,
        "address": "青山湖大道1号",
        "latitude": "28.70",
        "longitude": "115.95",
        "services": ["rest", "legal"],
        "is_active": "on",
        "hours_0": "08:30-17:30",
        "hours_2": "08:30-12:00, 20:00-02:00",
    }
    data.update(over)
    return data


def test_staff_add_a_point_with_its_hours(client, world):
    sign_in(client, world.staff_a)
    response = client.post(reverse("venues:circle:point_create", args=[world.palace_a.pk]), _form(world))
    assert response.status_code == 302
    point = SatellitePoint.objects.get(name="青山湖职工之家")
    assert point.palace == world.palace_a
    assert point.services == ["legal", "rest"]
    hours = [(h.weekday, h.opens, h.closes) for h in point.hours.order_by("weekday", "opens")]
    assert hours == [(0, time(8, 30), time(17, 30)), (2, time(8, 30), time(12)), (2, time(20), time(2))]


def test_staff_edit_replaces_the_week(client, world, station):
    sign_in(client, world.staff_a)
    url = reverse("venues:circle:point_edit", args=[world.palace_a.pk, station.pk])
    assert "08:00-12:00" in client.get(url).content.decode()
    response = client.post(
        url, _form(world, name=station.name, hours_0="", hours_2="", hours_5="09:00-24:00")
    )
    assert response.status_code == 302
    assert [(h.weekday, h.opens, h.closes) for h in station.hours.all()] == [(5, time(9), time(0))]


@pytest.mark.parametrize(
    ("field", "value"),
    [("hours_1", "8-20"), ("hours_1", "25:00-26:00"), ("latitude", "95"), ("region", "999999")],
)
def test_the_point_form_refuses_bad_input(client, world, field, value):
    sign_in(client, world.staff_a)
    response = client.post(
        reverse("venues:circle:point_create", args=[world.palace_a.pk]), _form(world, **{field: value})
    )
    assert response.status_code == 200
    assert not SatellitePoint.objects.filter(name="青山湖职工之家").exists()


def test_a_district_of_another_city_is_refused(client, world):
    sign_in(client, world.staff_a)
    url = reverse("venues:circle:point_create", args=[world.palace_a.pk])
    response = client.post(url, _form(world, region=world.county2.pk))
    assert response.status_code == 200
    assert not SatellitePoint.objects.filter(name="青山湖职工之家").exists()


def test_staff_of_another_palace_cannot_touch_the_point(client, world, station):
    sign_in(client, world.staff_b)
    url = reverse("venues:circle:point_edit", args=[world.palace_b.pk, station.pk])
    assert client.post(url, _form(world, name="改名")).status_code == 404
    station.refresh_from_db()
    assert station.name == "八一广场户外劳动者服务站"


def test_the_city_officer_reads_but_does_not_edit(client, world, station):
    sign_in(client, world.city_officer)
    page = client.get(reverse("venues:circle:staff_points", args=[world.palace_a.pk])).content.decode()
    assert station.name in page
    assert reverse("venues:circle:point_create", args=[world.palace_a.pk]) not in page
    delete = reverse("venues:circle:point_delete", args=[world.palace_a.pk, station.pk])
    assert client.post(delete).status_code == 404
    assert SatellitePoint.objects.filter(pk=station.pk).exists()


def test_a_point_with_logged_activities_is_not_deleted(client, world, station):
    Activity.objects.create(
        palace=world.palace_a,
        title="一瓶水·传递爱",
        kind="volunteer_service",
        centre="service",
        date=WEDNESDAY_10.date(),
        satellite_point=station,
    )
    sign_in(client, world.staff_a)
    response = client.post(reverse("venues:circle:point_delete", args=[world.palace_a.pk, station.pk]))
    assert response.status_code == 302
    assert SatellitePoint.objects.filter(pk=station.pk).exists()


def test_the_search_page_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(20):
        point = SatellitePointFactory(
            palace=world.palace_a, region=world.county1, latitude=28.68, longitude=115.89 + n / 1000
        )
        ServicePointHours.objects.create(point=point, weekday=2, opens=time(8), closes=time(20))
    with at_ten(), django_assert_max_num_queries(8):
        response = client.get(HOME, {"near": "28.68,115.89"})
    assert response.content.decode().count('class="card circle-point"') == 20


def test_a_city_chosen_as_district_covers_its_counties(client, world, station):
    with at_ten():
        page = client.get(HOME, {"district": world.city1.pk}).content.decode()
    assert station.name in page


def test_the_palace_page_lists_satellite_points_only_and_links_the_circle(client, world, station):
    SatellitePointFactory(palace=world.palace_a, name="高新区活动点", kind="industrial_park")
    page = client.get(reverse("venues:palace_detail", args=[world.palace_a.pk])).content.decode()
    assert "高新区活动点" in page
    assert station.name not in page
    assert f"{HOME}?district={world.city1.pk}" in page


def test_the_staff_list_is_paged_and_filtered(client, world, django_assert_max_num_queries):
    # A palace may keep a thousand points: the staff list shows a page of them, with the count.
    SatellitePoint.objects.bulk_create(
        SatellitePointFactory.build(palace=world.palace_a, name=f"职工驿站{n:03d}", address=f"建设路{n}号")
        for n in range(65)
    )
    SatellitePointFactory(
        palace=world.palace_a, name="户外劳动者服务站", kind=SatellitePoint.Kind.OUTDOOR_STATION
    )
    sign_in(client, world.staff_a)
    url = reverse("venues:circle:staff_points", args=[world.palace_a.pk])

    with django_assert_max_num_queries(12):
        first = client.get(url).content.decode()
    assert "共66个服务阵地" in first
    assert first.count('class="card circle-point"') == 30
    assert "第1页，共3页" in first

    last = client.get(url, {"page": 3}).content.decode()
    assert last.count('class="card circle-point"') == 6

    by_text = client.get(url, {"q": "建设路7"}).content.decode()  # only 建设路7号 (the numbers stop at 64)
    assert by_text.count('class="card circle-point"') == 1
    by_kind = client.get(url, {"kind": SatellitePoint.Kind.OUTDOOR_STATION}).content.decode()
    assert "户外劳动者服务站" in by_kind
    assert by_kind.count('class="card circle-point"') == 1
    nothing = client.get(url, {"q": "不存在的名字"}).content.decode()
    assert 'class="card circle-point"' not in nothing
    assert reverse("venues:circle:staff_points", args=[world.palace_a.pk]) in nothing  # clear filters
