"""The dashboards: who opens which, what they show, landing after sign-in, bounded queries."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import PalaceFactory
from venues.models import Palace

from .dash_support import figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2024(world):
    """Ledgers for 2024 (and March 2023) of palaces A (city 1) and B (city 2)."""
    for month in range(1, 13):
        figures(
            world.palace_a,
            date(2024, month, 1),
            status="accepted" if month <= 2 else "open",
            activities=100,
            person_times=1000 + month,
            online_viewers=50,
            online_viewers_max=50,
            bookings=10,
            booked_hours=30,
            open_hours=100,
            attendance=7,
            ratings=2,
            rating_stars=9,
        )
        figures(world.palace_b, date(2024, month, 1), activities=20, person_times=300)
    figures(world.palace_a, date(2023, 3, 1), activities=50, person_times=500)
    return world


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_the_province_dashboard_shows_the_years_figures(client, year_2024):
    world = year_2024
    response = _get(client, world.province_officer, reverse("performance:dashboard_province"), year="2024")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2024年全年" in page
    assert "1,440" in page  # activities: 12 × (100 + 20)
    assert "15,678" in page  # person-times: 12 × 1000 + 78 + 12 × 300
    assert "30.0%" in page  # utilisation: 360 / 1200
    assert world.city1.name in page
    assert world.city2.name in page
    assert 'role="img"' in page  # the charts


def test_a_month_is_named_and_compared_with_the_month_before_and_a_year_earlier(client, year_2024):
    world = year_2024
    response = _get(
        client, world.province_officer, reverse("performance:dashboard_province"), month="2024-03"
    )
    page = response.content.decode()
    assert "2024年3月" in page
    assert "1,303" in page  # March: 1003 + 300
    # 120 activities against 120 in February and 50 in March 2023.
    assert "±0.0%" in page
    assert "+140.0%" in page


def test_a_bad_period_shows_the_default_with_a_message(client, world):
    response = _get(
        client, world.province_officer, reverse("performance:dashboard_province"), month="0000-01"
    )
    assert response.status_code == 200
    assert "message-error" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("province_officer", 200), ("city_officer", 404), ("manager_a", 404), ("staff_a", 404), ("worker", 404)],
)
def test_only_provincial_officers_open_the_province_dashboard(client, world, who, status):
    response = _get(client, getattr(world, who), reverse("performance:dashboard_province"))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "city", "status"),
    [
        ("province_officer", "city1", 200),
        ("province_officer", "city2", 200),
        ("city_officer", "city1", 200),
        ("city_officer", "city2", 404),
        ("manager_a", "city1", 404),
        ("worker", "city1", 404),
    ],
)
def test_a_city_dashboard_is_for_that_citys_officers_and_the_province(client, world, who, city, status):
    url = reverse("performance:dashboard_city", args=[getattr(world, city).pk])
    assert _get(client, getattr(world, who), url).status_code == status


def test_the_city_dashboard_shows_only_its_palaces(client, year_2024):
    world = year_2024
    page = _get(
        client, world.city_officer, reverse("performance:dashboard_city", args=[world.city1.pk]), year="2024"
    )
    text = page.content.decode()
    assert world.palace_a.name in text
    assert world.palace_b.name not in text
    assert "1,200" in text  # palace A's activities only


@pytest.mark.parametrize(
    ("who", "palace", "status"),
    [
        ("manager_a", "palace_a", 200),
        ("staff_a", "palace_a", 200),
        ("manager_a", "palace_b", 404),
        ("city_officer", "palace_a", 200),
        ("city_officer", "palace_b", 404),
        ("province_officer", "palace_b", 200),
        ("worker", "palace_a", 404),
    ],
)
def test_a_palace_dashboard_is_for_its_staff_its_city_and_the_province(client, world, who, palace, status):
    url = reverse("performance:dashboard_palace", args=[getattr(world, palace).pk])
    assert _get(client, getattr(world, who), url).status_code == status


def test_the_palace_dashboard_links_down_to_its_ledger(client, year_2024):
    world = year_2024
    url = reverse("performance:dashboard_palace", args=[world.palace_a.pk])
    page = _get(client, world.manager_a, url, month="2024-03").content.decode()
    assert f"/performance/palace/{world.palace_a.pk}/ledgers/2024-03/" in page
    assert "1,003" in page


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("performance:dashboard_province"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "target"),
    [("province_officer", "province"), ("city_officer", "city"), ("manager_a", "home"), ("worker", "home")],
)
def test_sign_in_lands_each_role_on_its_page(client, world, who, target):
    user = getattr(world, who)
    response = client.post(
        reverse("users:login"), {"username": user.phone, "password": world.password}, follow=True
    )
    expected = {
        "province": reverse("performance:dashboard_province"),
        "city": reverse("performance:dashboard_city", args=[world.city1.pk]),
        "home": reverse("home"),
    }[target]
    assert response.redirect_chain[-1][0] == expected


def test_palace_staff_find_their_dashboard_in_the_menu(client, world):
    client.force_login(world.staff_a)
    home = client.get(reverse("home")).content.decode()
    assert reverse("performance:dashboard_mine") in home
    response = client.get(reverse("performance:dashboard_mine"))
    assert response["Location"] == reverse("performance:dashboard_palace", args=[world.palace_a.pk])
    client.force_login(world.worker)
    assert client.get(reverse("performance:dashboard_mine")).status_code == 404


def test_the_dashboard_does_not_grow_in_queries_with_palaces_and_months(
    client, world, django_assert_max_num_queries
):
    many = [PalaceFactory(name=f"宫{i}", level=Palace.Level.COUNTY, region=world.county1) for i in range(30)]
    for palace in many:
        for month in range(1, 13):
            figures(
                palace,
                date(2024, month, 1),
                activities=month,
                person_times=10 * month,
                online_viewers_max=month,
            )
    client.force_login(world.province_officer)
    url = reverse("performance:dashboard_province")
    with django_assert_max_num_queries(30):
        response = client.get(url, {"year": "2024"})
    assert response.status_code == 200
    assert "2,340" in response.content.decode()  # 30 palaces × 78 activities


def test_the_dashboard_shows_the_years_concluded_evaluations(client, world):
    from performance.evaluation.models import Band, Evaluation, Scheme

    scheme = Scheme.objects.create(year=2024, name="2024年标准化评估", status=Scheme.Status.PUBLISHED)
    Evaluation.objects.create(
        scheme=scheme,
        palace=world.palace_a,
        status=Evaluation.Status.CONCLUDED,
        total=91,
        band=Band.STANDARDISED,
    )
    Evaluation.objects.create(scheme=scheme, palace=world.palace_b, status=Evaluation.Status.SUBMITTED)
    client.force_login(world.province_officer)
    page = client.get(reverse("performance:dashboard_province"), {"year": "2024"}).content.decode()
    assert "已投入使用的2家文化宫中，已完成评定1家。" in page
    assert "91.0" in page
    client.force_login(world.city_officer)
    url = reverse("performance:dashboard_city", args=[world.city2.pk])
    assert client.get(url).status_code == 404
