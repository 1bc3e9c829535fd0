"""Series: a palace's brands and recurring programmes, what belongs to them and their totals."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities.ledger import importing
from activities.ledger.models import Activity
from activities.ledger.services import activity_create, activity_update
from activities.series.models import Series
from activities.series.selectors import series_detail, series_list
from activities.series.services import series_create, series_update
from palace_portal.errors import InvalidInput, NotFound
from tests.activities.support import make_event

pytestmark = pytest.mark.django_db


def _series(world, palace=None, **values):
    palace = palace or world.palace_a
    actor = world.staff_a if palace == world.palace_a else world.staff_b
    values.setdefault("name", "淮工阅读")
    values.setdefault("kind", Series.Kind.BRAND)
    return series_create(actor=actor, palace=palace, **values)


def _log(world, *, series=None, day=None, participants=40, palace=None, **values):
    palace = palace or world.palace_a
    actor = world.staff_a if palace == world.palace_a else world.staff_b
    return activity_create(
        actor=actor,
        palace=palace,
        title=values.pop("title", "读书分享会"),
        kind=values.pop("kind", "reading_exchange"),
        centre="education",
        date=day or timezone.localdate() - timedelta(days=3),
        participants=participants,
        series=series,
        **values,
    )


def test_staff_create_a_series_of_their_palace(world):
    series = _series(world, cadence="每月一次")
    assert series.palace == world.palace_a
    assert series.cadence == "每月一次"
    assert series.is_active


def test_staff_of_another_palace_cannot_create_or_change_a_series(world):
    with pytest.raises(NotFound):
        series_create(actor=world.staff_b, palace=world.palace_a, name="淮工鹊桥", kind="brand")
    series = _series(world)
    with pytest.raises(NotFound):
        series_update(actor=world.staff_b, series=series, name="别的")
    with pytest.raises(NotFound):
        series_update(actor=world.city_officer, series=series, name="别的")


def test_a_series_name_is_unique_within_its_palace_only(world):
    _series(world)
    with pytest.raises(InvalidInput) as error:
        _series(world)
    assert "name" in error.value.fields
    assert _series(world, palace=world.palace_b).name == "淮工阅读"


def test_a_series_needs_a_name_and_a_known_kind(world):
    with pytest.raises(InvalidInput) as error:
        series_create(actor=world.staff_a, palace=world.palace_a, name="  ", kind="nonsense")
    assert set(error.value.fields) == {"name", "kind"}


def test_retiring_a_series_keeps_its_items(world):
    series = _series(world)
    _log(world, series=series)
    series_update(actor=world.staff_a, series=series, is_active=False)
    series.refresh_from_db()
    assert not series.is_active
    assert series.activities.count() == 1
    assert series_list(world.palace_a, active_only=True) == []


def test_an_activity_may_belong_only_to_a_series_of_its_palace(world):
    other = _series(world, palace=world.palace_b)
    with pytest.raises(InvalidInput) as error:
        _log(world, series=other)
    assert "series" in error.value.fields
    own = _series(world)
    activity = _log(world)
    activity = activity_update(actor=world.staff_a, activity=activity, series=own)
    assert activity.series == own


def test_an_event_may_belong_only_to_a_series_of_its_palace(world):
    other = _series(world, palace=world.palace_b)
    with pytest.raises(InvalidInput) as error:
        make_event(world, series=other)
    assert "series" in error.value.fields
    own = _series(world)
    assert make_event(world, series=own).series == own


def test_series_totals_add_up_its_activities_and_published_events(world):
    series = _series(world)
    today = timezone.localdate()
    _log(world, series=series, participants=30, day=today - timedelta(days=40))
    _log(world, series=series, participants=50, day=today - timedelta(days=2))
    _log(world, participants=999)  # not in the series
    event = make_event(world, series=series)
    make_event(world, series=series, publish=False, title="草稿")
    totals, events, activities = series_detail(series)
    assert (totals.activities, totals.events, totals.participants) == (2, 1, 80)
    assert totals.first == today - timedelta(days=40)
    assert totals.last == max(today - timedelta(days=2), event.local_date)
    assert events == [event]
    assert len(activities) == 2
    ((listed, list_totals),) = series_list(world.palace_a)
    assert listed == series
    assert list_totals == totals


def test_series_list_is_one_query_whatever_the_series(world, django_assert_num_queries):
    for n in range(5):
        series = _series(world, name=f"系列{n}")
        _log(world, series=series)
    with django_assert_num_queries(1):
        rows = series_list(world.palace_a)
    assert len(rows) == 5


def test_the_series_page_shows_its_totals_and_period(world, client):
    series = _series(world, description="职工读书品牌")
    _log(world, series=series, participants=1200, day=date(2026, 3, 4))
    response = client.get(reverse("series:detail", args=[series.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "淮工阅读" in text
    assert "1,200" in text
    assert "3月4日" in text


def test_the_palace_page_lists_running_series_and_the_years_figures(world, client):
    series = _series(world)
    today = timezone.localdate()
    for n in range(3):
        _log(world, series=series, kind="lecture", title=f"劳模讲堂{n}", day=today - timedelta(days=10 + n))
    _log(world, series=series, day=today - timedelta(days=400))  # before the year
    response = client.get(reverse("venues:palace_detail", args=[world.palace_a.pk]))
    text = response.content.decode()
    assert reverse("series:detail", args=[series.pk]) in text
    figures = response.context["figures"]
    assert (figures.lectures, figures.reading_exchanges, figures.activities) == (3, 0, 3)


def test_staff_add_a_series_on_their_page_and_city_officers_only_read(world, client):
    url = reverse("series_staff:list", args=[world.palace_a.pk])
    client.force_login(world.city_officer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "淮工鹊桥", "kind": "brand"}).status_code == 404
    client.force_login(world.staff_a)
    response = client.post(url, {"name": "淮工鹊桥", "kind": "brand", "is_active": "on"})
    assert response.status_code == 302
    series = Series.objects.get(palace=world.palace_a)
    edit = reverse("series_staff:edit", args=[world.palace_a.pk, series.pk])
    assert client.post(edit, {"name": "淮工鹊桥", "kind": "programme", "cadence": "每月"}).status_code == 302
    series.refresh_from_db()
    assert (series.kind, series.cadence, series.is_active) == ("programme", "每月", False)


def test_the_event_form_offers_only_the_palaces_series(world):
    from activities.events.forms import EventForm

    own = _series(world)
    _series(world, palace=world.palace_b, name="别的宫")
    form = EventForm(palace=world.palace_a)
    assert list(form.fields["series"].queryset) == [own]


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    for row in rows:
        out.write(",".join(row) + "\n")
    return SimpleUploadedFile("ledger.csv", out.getvalue().encode("utf-8"))


def test_the_import_reads_an_optional_series_column_by_name(world):
    series = _series(world)
    header = [str(label) for _name, label in importing.COLUMNS] + ["Series"]
    row = ["2026-03-04", "", "读书会", "reading exchange", "education", "", "30", "0", "0", "", "", ""]
    raw = importing.parse_upload(_csv([header, [*row, "淮工阅读"], [*row, "没有这个"]]))
    results = importing.clean_rows(palace=world.palace_a, raw_rows=raw)
    assert results[0].ok
    assert results[0].values["series"] == series
    assert not results[1].ok
    assert "没有这个" in results[1].errors[0]
    # Without the column, files import as before.
    raw = importing.parse_upload(_csv([header[:-1], row]))
    assert importing.clean_rows(palace=world.palace_a, raw_rows=raw)[0].values["series"] is None
    assert Activity.objects.count() == 0


def test_the_ledger_api_logs_an_activity_in_a_series_of_its_palace_only(world, client):
    own = _series(world)
    other = _series(world, palace=world.palace_b, name="别的宫")
    client.force_login(world.staff_a)
    body = {
        "palace": world.palace_a.pk,
        "title": "读书会",
        "kind": "reading_exchange",
        "centre": "education",
        "date": "2026-03-04",
    }
    response = client.post("/api/v1/activities/", {**body, "series": own.pk}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["series"] == own.pk
    response = client.post(
        "/api/v1/activities/", {**body, "series": other.pk}, content_type="application/json"
    )
    assert response.status_code == 400
