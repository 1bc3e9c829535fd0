"""On a phone, a worker finds the nearest open union service point from the browser's location."""

import pytest

from tests.conftest import build_world
from tests.factories import SatellitePointFactory
from venues.circle.geo import METRES_PER_DEGREE_LAT

pytestmark = pytest.mark.django_db(transaction=True)

HERE = {"latitude": 28.6800, "longitude": 115.8900}


def _point(world, name, metres, **kw):
    return SatellitePointFactory(
        palace=world.palace_a,
        kind=kw.pop("kind", "outdoor_station"),
        name=name,
        region=world.county1,
        latitude=HERE["latitude"] + metres / METRES_PER_DEGREE_LAT,
        longitude=HERE["longitude"],
        services=["rest", "water", "charging"],
        **kw,
    )


def test_a_worker_finds_the_nearest_open_service_point(live_server, open_page):
    world = build_world()
    _point(world, "最近但未开放的驿站", 150)  # no hours: closed whatever the time
    _point(world, "八一广场户外劳动者服务站", 600, open_all_hours=True)
    _point(world, "较远的职工之家", 2400, open_all_hours=True, kind="workers_home")

    page = open_page("phone", geolocation=HERE, permissions=["geolocation"])
    page.goto(live_server.url + "/")
    page.locator("[data-nav-toggle]").click()
    page.get_by_role("link", name="服务圈").click()
    page.get_by_label("只看正在开放").check()
    with page.expect_navigation():
        page.get_by_role("button", name="使用我的位置").click()

    cards = page.locator(".circle-point")
    assert cards.count() == 2
    first = cards.first
    assert "八一广场户外劳动者服务站" in first.inner_text()
    assert first.locator(".circle-distance").inner_text() == "600 米"
    assert "最近但未开放的驿站" not in page.content()
    # The city map (Nanchang's districts) with the worker and the two open points on it.
    assert page.locator("svg.circle-map-svg circle.circle-here").count() == 1
    assert page.locator("svg.circle-map-svg circle.circle-marker.is-open").count() == 2
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    first.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "八一广场户外劳动者服务站"
    assert page.get_by_text("正在开放").first.is_visible()
