"""The network pages: home, directory, palace and venue pages, the provincial overview."""

import csv
import io
import re
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    OpeningHoursFactory,
    PalaceFactory,
    RegionFactory,
    SatellitePointFactory,
    UserFactory,
    VenueFactory,
)
from tests.queries import queries_of
from tests.venues.clock import MONDAY, frozen, local
from tests.venues.home_page import figures
from venues import page_cache
from venues.kinds import KINDS
from venues.models import Closure, Palace, Region, SatellitePoint

BACKEND = "django.contrib.auth.backends.ModelBackend"


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def names_listed(response) -> set[str]:
    return {item["palace"].name for item in response.context["items"]}


def build_network(province, *, cities=11, palaces=60, venues_per_palace=3):
    """Volume data: `cities` cities with one county each, `palaces` palaces spread over them,
    each with hours every day, a few venues, a closure and a satellite point."""
    units = []
    for i in range(cities):
        city = RegionFactory(
            code=f"36{i + 1:02d}00", name=f"城市{i}", level=Region.Level.CITY, parent=province
        )
        units.append(
            RegionFactory(code=f"36{i + 1:02d}21", name=f"县{i}", level=Region.Level.COUNTY, parent=city)
        )
    created = []
    for n in range(palaces):
        palace = PalaceFactory(
            region=units[n % cities], name=f"第{n:03d}工人文化宫", alliance_member=n % 2 == 0
        )
        for weekday in range(7):
            OpeningHoursFactory(palace=palace, weekday=weekday, opens=time(9), closes=time(21))
        for k in range(venues_per_palace):
            VenueFactory(palace=palace, kind=KINDS[(n + k) % len(KINDS)].code)
        Closure.objects.create(palace=palace, start_date=MONDAY, end_date=MONDAY, reason="检修")
        SatellitePointFactory(palace=palace)
        created.append(palace)
    return created


# --- Home -----------------------------------------------------------------------------------------


def test_home_shows_the_figures_the_four_centres_and_the_cities(world, client):
    VenueFactory(palace=world.palace_a, kind="library")
    PalaceFactory(region=world.county1, status=Palace.Status.PLANNED)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    shown = figures(response)
    assert shown["palaces_in_service"] == 2
    assert shown["venues_open"] == 3
    assert shown["cities_covered"] == 2
    assert shown["centres"] == {"culture": 0, "education": 1, "health": 2, "service": 0}
    html = response.content.decode()
    assert f'action="{reverse("venues:palace_list")}"' in html
    assert 'name="q"' in html
    for centre in ("culture", "education", "health", "service"):
        assert f"?centre={centre}" in html
    assert "?city=360100" in html
    assert "南昌市" in html
    assert "九江市" in html


def test_home_in_english_on_request(world, client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("home"))
    assert "Workers' cultural palaces near you" in response.content.decode()
    assert "Coming up" in response.content.decode()


def test_home_query_count_does_not_grow_with_the_network(db, client, django_assert_max_num_queries):
    province = RegionFactory(code="360000", name="江西省", level=Region.Level.PROVINCE)
    build_network(province)
    # The network's figures (5), the latest news (1) and "coming up": events, courses, provincial
    # events (one query each).
    with django_assert_max_num_queries(9):
        response = client.get(reverse("home"))
    assert figures(response)["palaces_in_service"] == 60
    assert figures(response)["venues_open"] == 180
    assert response.content.decode().count("?city=36") == 11


# --- Directory ------------------------------------------------------------------------------------


@pytest.fixture
def directory(world):
    """Beside palace A (南昌市, city level) and B (武宁县, county level, 九江市): a palace being
    built, a planned one and a closed one, and a service window at palace B."""
    world.building = PalaceFactory(
        name="南昌县工人文化宫", region=world.county1, status=Palace.Status.UNDER_CONSTRUCTION
    )
    world.planned = PalaceFactory(name="安义县工人文化宫", region=world.county1, status=Palace.Status.PLANNED)
    world.closed = PalaceFactory(name="旧工人文化宫", region=world.county2, status=Palace.Status.CLOSED)
    VenueFactory(palace=world.palace_b, kind="legal_aid_window")
    world.palace_a.alliance_member = True
    world.palace_a.address = "八一大道100号"
    world.palace_a.save()
    return world


def test_directory_lists_palaces_open_or_being_built_by_default(directory, client):
    response = client.get(reverse("venues:palace_list"))
    assert response.status_code == 200
    assert names_listed(response) == {"南昌市工人文化宫", "武宁县工人文化宫", "南昌县工人文化宫"}
    html = response.content.decode()
    assert reverse("venues:palace_detail", args=[directory.palace_a.pk]) in html
    assert "八一大道100号" in html
    assert "data-autosubmit" in html
    assert 'type="submit"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"city": "360100"}, {"南昌市工人文化宫", "南昌县工人文化宫"}),
        ({"city": "360400"}, {"武宁县工人文化宫"}),
        ({"level": "city"}, {"南昌市工人文化宫"}),
        ({"level": "county"}, {"武宁县工人文化宫", "南昌县工人文化宫"}),
        ({"status": "under_construction"}, {"南昌县工人文化宫"}),
        ({"status": "planned"}, {"安义县工人文化宫"}),
        ({"status": "closed"}, {"旧工人文化宫"}),
        ({"centre": "service"}, {"武宁县工人文化宫"}),
        ({"centre": "health"}, {"南昌市工人文化宫", "武宁县工人文化宫"}),
        ({"q": "武宁"}, {"武宁县工人文化宫"}),
        ({"q": "八一大道"}, {"南昌市工人文化宫"}),
        ({"q": "九江"}, {"武宁县工人文化宫"}),
        ({"alliance_member": "true"}, {"南昌市工人文化宫"}),
        ({"city": "360100", "level": "county"}, {"南昌县工人文化宫"}),
    ],
)
def test_directory_filters_narrow_the_list(directory, client, query, expected):
    response = client.get(reverse("venues:palace_list"), query)
    assert response.status_code == 200
    assert response.context["filter_form"].errors == {}
    assert names_listed(response) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "demolished"}, "status"),
        ({"level": "province"}, "level"),
        ({"centre": "sports"}, "centre"),
        ({"city": "999999"}, "city"),
        ({"city": "南昌"}, "city"),
        ({"q": "文" * 101}, "q"),
        ({"alliance_member": "perhaps"}, "alliance_member"),
    ],
)
def test_directory_bad_filter_values_show_an_error_and_no_palaces(directory, client, query, field):
    response = client.get(reverse("venues:palace_list"), query)
    assert response.status_code == 200
    assert field in response.context["filter_form"].errors
    assert response.context["items"] == []
    html = response.content.decode()
    assert 'class="errorlist nonfield"' in html
    assert "No palace matches" not in html


def test_directory_error_of_a_field_the_form_does_not_show_is_listed_in_english(directory, client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("venues:palace_list"), {"county": "nowhere"})
    assert "County:" in response.content.decode()


def test_directory_form_offers_the_alliance_member_filter(directory, client):
    response = client.get(reverse("venues:palace_list"), {"alliance_member": "true"})
    html = response.content.decode()
    assert '<select name="alliance_member"' in html
    assert '<option value="true" selected>' in html
    assert "alliance_member" not in dict(response.context["hidden_values"])


def test_directory_says_so_when_nothing_matches(directory, client):
    response = client.get(reverse("venues:palace_list"), {"q": "不存在的宫"})
    assert response.status_code == 200
    assert response.context["items"] == []
    assert response.context["filter_form"].errors == {}
    assert reverse("venues:palace_list") + '"' in response.content.decode()  # the "show all" link


def test_directory_paginates_by_twenty_and_keeps_the_filters(world, client):
    for n in range(45):
        PalaceFactory(name=f"第{n:02d}宫", region=world.county1)
    first = client.get(reverse("venues:palace_list"), {"level": "county"})
    page_obj = first.context["page_obj"]
    assert page_obj.paginator.count == 46  # and palace B
    assert len(first.context["items"]) == 20
    assert "?level=county&amp;page=2" in first.content.decode()
    last = client.get(reverse("venues:palace_list"), {"level": "county", "page": "3"})
    assert len(last.context["items"]) == 6
    assert "?level=county&amp;page=2" in last.content.decode()
    # A page number that is not one shows a page rather than an error.
    assert client.get(reverse("venues:palace_list"), {"page": "x"}).status_code == 200
    assert client.get(reverse("venues:palace_list"), {"page": "999"}).context["page_obj"].number == 3


def test_directory_shows_open_now_and_the_next_opening(world, client):
    Closure.objects.create(palace=world.palace_b, start_date=MONDAY, end_date=MONDAY, reason="停电检修")
    with frozen(local(MONDAY, 10)):
        response = client.get(reverse("venues:palace_list"))
    states = {item["palace"].name: item["state"] for item in response.context["items"]}
    assert states["南昌市工人文化宫"].is_open
    assert states["南昌市工人文化宫"].closes_at == time(21)
    assert not states["武宁县工人文化宫"].is_open
    assert states["武宁县工人文化宫"].next_opening == local(MONDAY + timedelta(days=1), 9)
    assert states["武宁县工人文化宫"].next_day == "tomorrow"
    html = response.content.decode()
    assert "is-open" in html
    assert "is-closed" in html


def test_directory_query_count_does_not_grow_with_the_network(db, client, django_assert_max_num_queries):
    province = RegionFactory(code="360000", name="江西省", level=Region.Level.PROVINCE)
    build_network(province)
    with frozen(local(MONDAY, 10)), django_assert_max_num_queries(5):
        response = client.get(reverse("venues:palace_list"))
    assert len(response.context["items"]) == 20
    with frozen(local(MONDAY, 10)), django_assert_max_num_queries(7):
        response = client.get(
            reverse("venues:palace_list"), {"city": "360100", "centre": "health", "page": "1"}
        )
    assert response.status_code == 200


# --- Palace page ----------------------------------------------------------------------------------


@pytest.fixture
def furnished(world):
    palace = world.palace_a
    palace.phone = "0791 8686 1234"
    palace.floor_area = 5800
    palace.floors = 10
    palace.year_built = 1987
    palace.description = "职工的学校和乐园。"
    palace.save()
    VenueFactory(palace=palace, name="职工书屋", kind="library")
    VenueFactory(palace=palace, name="影剧院", kind="theatre", fee="20.00", member_only=True)
    VenueFactory(palace=palace, name="停用的歌舞厅", kind="dance_hall", is_active=False)
    SatellitePointFactory(palace=palace, name="高新区活动点", kind=SatellitePoint.Kind.INDUSTRIAL_PARK)
    SatellitePointFactory(palace=palace, name="青山湖社区活动点", kind=SatellitePoint.Kind.VILLAGE_COMMUNITY)
    Closure.objects.create(
        palace=palace,
        start_date=MONDAY + timedelta(days=3),
        end_date=MONDAY + timedelta(days=4),
        reason="五一劳动节布展",
    )
    Closure.objects.create(
        palace=palace, start_date=date(2026, 1, 1), end_date=date(2026, 1, 2), reason="过去的闭馆"
    )
    return world


def test_palace_page_shows_facts_hours_closures_venues_and_points(furnished, client):
    with frozen(local(MONDAY, 10)):
        response = client.get(reverse("venues:palace_detail", args=[furnished.palace_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "南昌市工人文化宫" in html
    assert 'href="tel:079186861234"' in html
    assert "5,800 m²" in html  # grouped by thousands (palace_portal/formats)
    assert "1987" in html
    assert "五一劳动节布展" in html
    assert "过去的闭馆" not in html
    assert html.count('class="is-today"') == 1
    assert response.context["state"].is_open
    centres = [(centre.value, [v.name for v in venues]) for centre, venues in response.context["centres"]]
    assert centres == [("culture", ["影剧院"]), ("education", ["职工书屋"]), ("health", ["羽毛球馆1号场"])]
    assert "停用的歌舞厅" not in html
    assert "¥20" in html
    assert reverse("venues:venue_detail", args=[furnished.venue_a.pk]) in html
    assert html.index("高新区活动点") < html.index("青山湖社区活动点")
    assert "职工的学校和乐园。" in html


def test_palace_page_of_a_planned_palace_explains_its_status(world, client):
    planned = PalaceFactory(name="规划中的文化宫", region=world.county1, status=Palace.Status.PLANNED)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("venues:palace_detail", args=[planned.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This palace is planned" in html
    assert "No venues are listed" in html
    assert "open-state" not in html


@pytest.mark.parametrize("pk", [99999, 2**63, 10**30])
def test_palace_page_of_an_unknown_palace_is_404(db, client, pk):
    assert client.get(reverse("venues:palace_detail", args=[pk])).status_code == 404


def test_palace_page_says_why_it_is_closed_today(world, client):
    Closure.objects.create(palace=world.palace_a, start_date=MONDAY, end_date=MONDAY, reason="设备年检")
    with frozen(local(MONDAY, 10)):
        response = client.get(reverse("venues:palace_detail", args=[world.palace_a.pk]))
    state = response.context["state"]
    assert not state.is_open
    assert state.closure.reason == "设备年检"
    assert state.next_day == "tomorrow"
    html = response.content.decode()
    assert 'class="meta closure-reason">设备年检' in html


def test_palace_page_query_count_does_not_grow_with_its_venues(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    for n in range(40):
        VenueFactory(palace=world.palace_a, kind=KINDS[n % len(KINDS)].code)
        SatellitePointFactory(palace=world.palace_a)
    url = reverse("venues:palace_detail", args=[world.palace_a.pk])
    # Rendering the other apps' sections (venues/page_cache.py): 5 for the palace, plus classes
    # and events (2), worker voice (2), the year's ledger figures (1), the series with their
    # totals (1), the news and channels (2), jobs and maker residents (2), duty lawyers, teams (2);
    # and, the palace's first view, whether it exists (before its version is made).
    with django_assert_max_num_queries(18):
        first = client.get(url)
    assert sum(len(v) for _, v in first.context["centres"]) == 41
    # Then the whole content from the cache (venues/page_cache.py): not one query, the same page.
    with django_assert_num_queries(0):
        again = client.get(url)
    assert _without_csrf(again) == _without_csrf(first)
    assert _without_csrf(again).count('<a class="venue-row') == 41


def _without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


# --- Venue page -----------------------------------------------------------------------------------


def test_venue_page_shows_the_venue_and_loads_the_booking_grid(world, client):
    gym = world.venue_b
    gym.facilities = "跑步机20台"
    gym.accessibility = "无障碍坡道"
    gym.floor = "二楼"
    gym.save()
    Closure.objects.create(
        palace=world.palace_b,
        start_date=MONDAY + timedelta(days=1),
        end_date=MONDAY + timedelta(days=1),
        reason="消防演练",
    )
    with frozen(local(MONDAY, 10, 30)):
        response = client.get(reverse("venues:venue_detail", args=[gym.pk]), {"date": "2026-03-03"})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("健身馆", "武宁县工人文化宫", "跑步机20台", "无障碍坡道", "二楼", "消防演练"):
        assert text in html
    # The grid of the bookings app, rendered into the page for the asked day: a closed day says why.
    assert 'id="availability"' in html
    grid = html.split('id="availability"')[1].split('class="detail-aside"')[0]
    assert "消防演练" in grid
    assert 'class="slot-btn' not in grid
    assert 'href="tel:' in html


def test_venue_page_explains_the_booking_mode_in_english(world, client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("venues:venue_detail", args=[world.venue_b.pk])).content.decode()
    assert f"up to {world.venue_b.capacity} people share each slot" in html
    html = client.get(reverse("venues:venue_detail", args=[world.venue_a.pk])).content.decode()
    assert "You book the whole venue" in html


def test_venue_page_of_an_inactive_or_unknown_venue_is_404(world, client):
    world.venue_a.is_active = False
    world.venue_a.save()
    assert client.get(reverse("venues:venue_detail", args=[world.venue_a.pk])).status_code == 404
    assert client.get(reverse("venues:venue_detail", args=[99999])).status_code == 404
    assert client.get(reverse("venues:venue_detail", args=[2**63])).status_code == 404


def test_venue_page_query_count_is_fixed(world, client, django_assert_max_num_queries):
    for n in range(10):
        Closure.objects.create(
            palace=world.palace_b,
            start_date=timezone.localdate() + timedelta(days=n),
            end_date=timezone.localdate() + timedelta(days=n),
            reason=f"检修{n}",
        )
    # The venue (3 queries) and the grid of the bookings app (a fixed number of its own, counted
    # with bookings in tests/bookings/test_views.py).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("venues:venue_detail", args=[world.venue_b.pk]))
    assert response.status_code == 200


# --- Network overview -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 404),
        ("staff_a", 404),
        ("manager_a", 404),
        ("city_officer", 404),
        ("province_officer", 200),
    ],
)
def test_network_overview_is_for_provincial_staff_only(world, client, who, status):
    sign_in(client, getattr(world, who))
    assert client.get(reverse("venues:network_overview")).status_code == status
    assert client.get(reverse("venues:network_overview"), {"format": "csv"}).status_code == status


def test_network_overview_sends_anonymous_visitors_to_sign_in(world, client):
    response = client.get(reverse("venues:network_overview"), {"format": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:login"))
    assert "next=/network/%3Fformat%3Dcsv" in response["Location"]


def test_network_overview_for_a_superuser(world, client):
    sign_in(client, UserFactory(phone="13700000000", is_superuser=True, is_staff=True))
    assert client.get(reverse("venues:network_overview")).status_code == 200


@pytest.fixture
def overview(world):
    """City 1 (南昌市): itself and 南昌县; city 2 (九江市): itself and 武宁县. Add a third unit to
    city 1 and an in-service county palace there: city 1 has 2 of 3 units covered → 67 %."""
    extra = RegionFactory(code="360123", name="安义县", level=Region.Level.COUNTY, parent=world.city1)
    PalaceFactory(region=world.county1, status=Palace.Status.IN_SERVICE)
    PalaceFactory(region=extra, status=Palace.Status.UNDER_CONSTRUCTION)
    PalaceFactory(region=world.city2, level=Palace.Level.CITY, status=Palace.Status.EQUIPMENT)
    PalaceFactory(region=extra, status=Palace.Status.PLANNED)
    return world


def test_network_overview_figures_are_computed_from_the_rows(overview, client):
    sign_in(client, overview.province_officer)
    response = client.get(reverse("venues:network_overview"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["palaces_in_service"] == 3
    assert summary["county_level_in_service"] == 2
    assert summary["projects_under_way"] == 2
    assert (summary["units_covered"], summary["units"]) == (3, 5)
    assert response.context["total_percent"] == 60
    rows = {row["figures"].city.name: row for row in response.context["rows"]}
    assert rows["南昌市"]["percent"] == 67
    assert rows["南昌市"]["bar"] == "w-65"
    assert rows["九江市"]["percent"] == 50
    assert rows["九江市"]["bar"] == "w-50"
    html = response.content.decode()
    assert "67%" in html
    assert "2 / 3" in html
    assert "3 / 5" in html
    assert "style=" not in html


def test_network_overview_names_the_day_of_its_totals_and_scrolls_visibly(overview, client):
    sign_in(client, overview.province_officer)
    html = client.get(reverse("venues:network_overview"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    today = timezone.localdate()
    assert f"截至{today.year}年{today.month}月{today.day}日" in html
    assert 'class="scroll-cue"' in html
    assert "table-wrap scroll-x" in html


def test_network_overview_csv_has_a_row_per_city_and_the_totals(overview, client):
    sign_in(client, overview.province_officer)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("venues:network_overview"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Division code", "City", "Palaces in service"]
    assert rows[1] == ["360100", "南昌市", "2", "1", "2", "3", "67", "1"]
    assert rows[2] == ["360400", "九江市", "1", "1", "1", "2", "50", "1"]
    assert rows[3] == ["", "Total", "3", "2", "3", "5", "60", "2"]


def test_network_overview_refuses_an_unknown_format_clearly(world, client):
    sign_in(client, world.province_officer)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("venues:network_overview"), {"format": "xlsx"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_network_overview_query_count_is_fixed_for_eleven_cities(db, client, django_assert_max_num_queries):
    province = RegionFactory(code="360000", name="江西省", level=Region.Level.PROVINCE)
    build_network(province, palaces=44, venues_per_palace=1)
    officer = UserFactory(phone="13700000001", is_superuser=True)
    sign_in(client, officer)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("venues:network_overview"))
    assert len(response.context["rows"]) == 11
    with django_assert_max_num_queries(6):
        response = client.get(reverse("venues:network_overview"), {"format": "csv"})
    assert response.content.decode().count("\n") == 13


# --- Query bounds (issue 13): at most ten, as many with more data --------------------------------


def _grow_network(palaces, *, times=2):
    """`times` more palaces beside each one (same district), each with what `build_network` gives."""
    for n, palace in enumerate(palaces):
        for k in range(times):
            twin = PalaceFactory(
                region=palace.region, name=f"{palace.name}分{k}", alliance_member=(n + k) % 2 == 0
            )
            for weekday in range(7):
                OpeningHoursFactory(palace=twin, weekday=weekday, opens=time(9), closes=time(21))
            for j in range(3):
                VenueFactory(palace=twin, kind=KINDS[(n + j) % len(KINDS)].code)
            Closure.objects.create(palace=twin, start_date=MONDAY, end_date=MONDAY, reason="检修")
            SatellitePointFactory(palace=twin)


def test_home_and_directory_read_as_many_queries_for_three_times_the_network(db, client):
    province = RegionFactory(code="360000", name="江西省", level=Region.Level.PROVINCE)
    palaces = build_network(province, palaces=22, venues_per_palace=1)
    pages = [
        lambda: client.get(reverse("home")),
        lambda: client.get(reverse("venues:palace_list")),
        lambda: client.get(reverse("venues:palace_list"), {"city": "360100", "status": "in_service"}),
        lambda: client.get(reverse("venues:palace_list"), {"alliance_member": "true", "q": "工人"}),
    ]
    with frozen(local(MONDAY, 10)):
        small = [queries_of(page) for page in pages]
    _grow_network(palaces)
    with frozen(local(MONDAY, 10)):
        large = [queries_of(page) for page in pages]
    assert small == large
    assert Palace.objects.count() == 66


def test_palace_page_reads_as_many_queries_for_many_venues_points_and_closures(world, client):
    url = reverse("venues:palace_detail", args=[world.palace_a.pk])
    # The palace's first view makes its version (after checking the palace exists); rendered
    # again after a write, the page reads what is measured here.
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    page_cache.palace_page_changed(world.palace_a.pk)
    cold = queries_of(lambda: client.get(url, HTTP_ACCEPT_LANGUAGE="en"), limit=None)
    warm = queries_of(lambda: client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert warm < cold
    for n in range(30):
        VenueFactory(palace=world.palace_a, kind=KINDS[n % len(KINDS)].code)
        SatellitePointFactory(palace=world.palace_a)
        Closure.objects.create(palace=world.palace_a, start_date=MONDAY, end_date=MONDAY, reason=f"检修{n}")
    # The satellite points are among the cached sections: adding them rendered those again.
    assert queries_of(lambda: client.get(url, HTTP_ACCEPT_LANGUAGE="en"), limit=None) == cold
    assert queries_of(lambda: client.get(url, HTTP_ACCEPT_LANGUAGE="en")) == warm


def test_venue_page_reads_as_many_queries_for_many_closures_and_opening_intervals(world, client):
    venue = world.venue_a
    url = reverse("venues:venue_detail", args=[venue.pk])
    small = queries_of(lambda: client.get(url))
    for n in range(20):
        Closure.objects.create(palace=world.palace_a, start_date=MONDAY, end_date=MONDAY, reason=f"检修{n}")
        Closure.objects.create(
            palace=world.palace_a, venue=venue, start_date=MONDAY, end_date=MONDAY, reason="换灯"
        )
    for weekday in range(7):
        OpeningHoursFactory(palace=world.palace_a, weekday=weekday, opens=time(6), closes=time(8))
    assert queries_of(lambda: client.get(url)) == small
