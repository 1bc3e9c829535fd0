"""Demo service points: placed inside the city's districts, around its palaces, deterministic."""

import random
from datetime import date
from datetime import time as time_of_day

import pytest

from tests.factories import PalaceFactory, RegionFactory
from venues.circle import maps
from venues.demo.service_points import _inside, seed_service_points_for_city
from venues.models import Palace, Region, SatellitePoint, ServicePointHours

pytestmark = pytest.mark.demo

HUAIBEI_DISTRICTS = {"340602": "杜集区", "340603": "相山区", "340604": "烈山区", "340621": "濉溪县"}


def huaibei():
    anhui = RegionFactory(code="340000", name="安徽省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="340600", name="淮北市", level=Region.Level.CITY, parent=anhui)
    districts = [
        RegionFactory(code=code, name=name, level=Region.Level.COUNTY, parent=city)
        for code, name in HUAIBEI_DISTRICTS.items()
    ]
    palaces = [
        PalaceFactory(name="淮北市工人文化宫", level=Palace.Level.CITY, region=city),
        PalaceFactory(name="濉溪县工人文化宫", level=Palace.Level.COUNTY, region=districts[-1]),
    ]
    return city, palaces


def test_a_thousand_points_for_huaibei_inside_its_districts_in_bulk(db, django_assert_max_num_queries):
    city, palaces = huaibei()
    # Bulk inserts: batches (SQLite caps a statement's parameters), never a query per row: 1,000
    # points and their ~6,000 hours. (Wall time is not asserted: the machine is shared.)
    with django_assert_max_num_queries(60):
        written = seed_service_points_for_city(
            city_region=city, palaces=palaces, rng=random.Random(7), today=date(2026, 12, 1), count=1000
        )
    assert written == SatellitePoint.objects.count() == 1000
    rings = maps.district_rings("340600")
    for point in SatellitePoint.objects.select_related("region"):
        assert point.region.code in HUAIBEI_DISTRICTS
        assert point.latitude is not None, point.name
        assert _inside(*maps.project("340600", point.latitude, point.longitude), rings[point.region.code])
    # Both palaces run points; the county palace's mostly in its own county.
    by_palace = {p.pk: SatellitePoint.objects.filter(palace=p).count() for p in palaces}
    assert by_palace[palaces[0].pk] == by_palace[palaces[1].pk] == 500
    county = SatellitePoint.objects.filter(palace=palaces[1], region__code="340621").count()
    assert county > 350
    # Hours: 24-hour stations, a closed Monday (libraries), overnight stations.
    assert SatellitePoint.objects.filter(open_all_hours=True).exists()
    assert ServicePointHours.objects.filter(opens=time_of_day(18), closes=time_of_day(2)).exists()
    kinds = set(SatellitePoint.objects.values_list("kind", flat=True))
    assert {"workers_home", "outdoor_station", "library"} <= kinds


def test_the_same_seed_writes_the_same_points(db):
    city, palaces = huaibei()

    def run():
        SatellitePoint.objects.all().delete()
        seed_service_points_for_city(
            city_region=city, palaces=palaces, rng=random.Random(3), today=date(2026, 12, 1), count=60
        )
        return list(
            SatellitePoint.objects.order_by("palace_id", "name").values_list(
                "name", "kind", "region__code", "latitude", "longitude", "services", "open_all_hours"
            )
        )

    assert run() == run()


def test_names_stay_unique_per_palace_when_seeded_twice(db):
    city, palaces = huaibei()
    for seed in (1, 2):
        seed_service_points_for_city(
            city_region=city, palaces=palaces[:1], rng=random.Random(seed), today=date(2026, 12, 1), count=200
        )
    assert SatellitePoint.objects.count() == 400


def test_a_city_without_outlines_gets_points_without_location(db):
    province = RegionFactory(code="990000", name="某省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="990100", name="某市", level=Region.Level.CITY, parent=province)
    palace = PalaceFactory(level=Palace.Level.CITY, region=city)
    seed_service_points_for_city(
        city_region=city, palaces=[palace], rng=random.Random(1), today=date(2026, 12, 1), count=5
    )
    assert set(SatellitePoint.objects.values_list("latitude", flat=True)) == {None}
