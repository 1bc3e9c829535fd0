"""The service circle's reads: nearest points (ordering, the bounding box's edges), open now."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from tests.factories import SatellitePointFactory
from venues.circle import selectors
from venues.circle.geo import METRES_PER_DEGREE_LAT, bounding_box, format_distance, haversine_m
from venues.circle.hours import is_open_at
from venues.circle.models import SatellitePoint, ServicePointHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
HERE = (28.6800, 115.8900)
# A Wednesday, 10:00 in Nanchang.
WEDNESDAY_10 = datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI)


def point(world, name, lat, lng, *, hours=(), all_hours=True, active=True, **kw):
    p = SatellitePointFactory(
        palace=kw.pop("palace", world.palace_a),
        name=name,
        kind=kw.pop("kind", "outdoor_station"),
        region=world.city1,
        latitude=lat,
        longitude=lng,
        open_all_hours=all_hours,
        is_active=active,
        **kw,
    )
    for weekday, opens, closes in hours:
        ServicePointHours.objects.create(point=p, weekday=weekday, opens=opens, closes=closes)
    return p


def north_of(metres: float) -> tuple[float, float]:
    return HERE[0] + metres / METRES_PER_DEGREE_LAT, HERE[1]


def nearest(**kw):
    kw.setdefault("at", WEDNESDAY_10)
    return selectors.nearest_points(selectors.points_for_workers(), lat=HERE[0], lng=HERE[1], **kw)


def test_haversine_matches_a_known_distance():
    # Nanchang to Jiujiang, about 116 km as the crow flies.
    assert 110_000 < haversine_m(28.6820, 115.8579, 29.7050, 116.0019) < 120_000
    assert haversine_m(*HERE, *HERE) == 0


def test_nearest_points_come_nearest_first_with_exact_distances(world):
    far = point(world, "远", *north_of(3000))
    near = point(world, "近", *north_of(400))
    east = point(world, "中", HERE[0], HERE[1] + 0.012)  # ~1.17 km east
    found = nearest()
    assert [r.point for r in found] == [near, east, far]
    assert found[0].distance_m == pytest.approx(400, abs=1)
    assert found[1].distance_m == pytest.approx(haversine_m(*HERE, HERE[0], HERE[1] + 0.012))


def test_nearest_points_keep_the_circle_and_drop_the_box_corners(world):
    radius = 1000
    _south, north, _west, east = bounding_box(*HERE, radius)
    edge = point(world, "圆内边缘", *north_of(radius - 2))
    point(world, "圆外", *north_of(radius + 5))
    # Inside the bounding box, outside the circle: the box's corner.
    corner = point(world, "角落", north - 0.0001, east - 0.0001)
    assert haversine_m(*HERE, corner.latitude, corner.longitude) > radius
    assert [r.point for r in nearest(radius_m=radius)] == [edge]


def test_the_bounding_box_holds_the_whole_circle_east_and_west():
    south, north, west, east = bounding_box(*HERE, 5000)
    # Due east and west at the radius lie inside the box (the box is widened by cos(latitude)).
    step = 5000 / (METRES_PER_DEGREE_LAT * 0.8)
    assert haversine_m(*HERE, HERE[0], east) >= 5000
    assert haversine_m(*HERE, HERE[0], west) >= 5000
    assert west < HERE[1] - step * 0.8 < HERE[1] + step * 0.8 < east
    assert south < HERE[0] < north


def test_nearest_points_respect_the_limit_and_skip_points_without_location(world):
    for n in range(5):
        point(world, f"点{n}", *north_of(100 * (n + 1)))
    SatellitePointFactory(palace=world.palace_a, name="无坐标")
    found = nearest(limit=3)
    assert [r.point.name for r in found] == ["点0", "点1", "点2"]


def test_nearest_points_leave_out_points_out_of_service_and_closed_palaces(world):
    point(world, "停用", *north_of(100), active=False)
    world.palace_b.status = "closed"
    world.palace_b.save()
    point(world, "闭馆宫", *north_of(150), palace=world.palace_b)
    ok = point(world, "在用", *north_of(200))
    assert [r.point for r in nearest()] == [ok]


def test_open_only_filters_before_the_candidate_cap(world, monkeypatch):
    monkeypatch.setattr(selectors, "CANDIDATES", 2)
    for n in range(3):
        point(world, f"关{n}", *north_of(50 + n), all_hours=False)  # no hours: closed
    open_one = point(world, "开", *north_of(900))
    assert [r.point for r in nearest(open_only=True)] == [open_one]


OVERNIGHT = [(2, time(20), time(2))]  # Wednesday 20:00 – Thursday 02:00


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 12, 9, 19, 59, tzinfo=SHANGHAI), False),  # Wednesday before
        (datetime(2026, 12, 9, 20, 0, tzinfo=SHANGHAI), True),
        (datetime(2026, 12, 9, 23, 59, tzinfo=SHANGHAI), True),
        (datetime(2026, 12, 10, 0, 30, tzinfo=SHANGHAI), True),  # Thursday, after midnight
        (datetime(2026, 12, 10, 2, 0, tzinfo=SHANGHAI), False),  # closes at 02:00
        (datetime(2026, 12, 10, 20, 30, tzinfo=SHANGHAI), False),  # Thursday evening: not its day
        (datetime(2026, 12, 8, 0, 30, tzinfo=SHANGHAI), False),  # Tuesday night: nothing spills
    ],
)
def test_open_now_across_midnight(world, moment, expected):
    p = point(world, "夜间站", *north_of(100), all_hours=False, hours=OVERNIGHT)
    p = selectors.points_for_workers().get(pk=p.pk)
    assert is_open_at(p, moment) is expected
    # The database condition says the same as Python.
    in_sql = SatellitePoint.objects.filter(selectors.open_at_condition(moment), pk=p.pk).exists()
    assert in_sql is expected


def test_a_weekday_without_hours_is_a_closed_day(world):
    week = [(d, time(9), time(21)) for d in range(1, 7)]  # closed on Mondays
    p = point(world, "书屋", *north_of(100), all_hours=False, hours=week, kind="library")
    p = selectors.points_for_workers().get(pk=p.pk)
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
    assert not is_open_at(p, monday)
    assert is_open_at(p, WEDNESDAY_10)
    assert not SatellitePoint.objects.filter(selectors.open_at_condition(monday), pk=p.pk).exists()
    assert selectors.next_change(p, monday) == datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI)


def test_a_whole_day_interval_and_24_hours(world):
    whole_day = point(world, "全天", *north_of(100), all_hours=False, hours=[(2, time(0), time(0))])
    always = point(world, "24小时", *north_of(200))
    late = datetime(2026, 12, 9, 23, 59, tzinfo=SHANGHAI)
    found = {r.point: r.is_open for r in nearest(at=late)}
    assert found == {whole_day: True, always: True}
    thursday = datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI)
    assert {r.point for r in nearest(at=thursday, open_only=True)} == {always}


def test_open_now_is_read_in_shanghai_time(world):
    p = point(world, "日间", *north_of(100), all_hours=False, hours=[(2, time(9), time(17))])
    p = selectors.points_for_workers().get(pk=p.pk)
    # 02:00 UTC is 10:00 in Shanghai.
    utc = datetime(2026, 12, 9, 2, 0, tzinfo=ZoneInfo("UTC"))
    assert is_open_at(p, timezone.localtime(utc))


@pytest.mark.parametrize(
    ("metres", "text"),
    [(0, "0 米"), (12, "10 米"), (349, "350 米"), (994, "990 米"), (1000, "1.0 公里"), (1234, "1.2 公里")],
)
def test_distances_are_written_for_people(metres, text):
    with translation.override("zh-hans"):
        assert format_distance(metres) == text


def test_nearest_search_costs_two_queries_whatever_the_number_of_points(world, django_assert_max_num_queries):
    for n in range(30):
        point(world, f"点{n}", *north_of(30 * n), all_hours=False, hours=[(2, time(9), time(17))])
    with django_assert_max_num_queries(2):
        found = nearest(limit=30)
    assert len(found) == 30
