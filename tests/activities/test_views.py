"""Staff pages of the activity ledger: access, filters, totals, forms, export, query counts."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from activities.models import Activity
from tests.factories import SatellitePointFactory, VenueFactory


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _log(palace, *, day=date(2026, 3, 4), kind="lecture", centre="education", n=1, **extra):
    return Activity.objects.bulk_create(
        Activity(palace=palace, title=f"讲座{i}", kind=kind, centre=centre, date=day, **extra)
        for i in range(n)
    )


def _form(**extra):
    data = {
        "title": "职工读书分享会",
        "kind": "reading_exchange",
        "centre": "education",
        "date": "2026-03-04",
        "end_date": "",
        "venue": "",
        "satellite_point": "",
        "off_site": "",
        "participants": "45",
        "online_viewers": "0",
        "likes": "0",
        "partner_kind": "none",
        "partner_name": "",
        "programme": "",
    }
    data.update(extra)
    return data


def _ledger(palace):
    return f"/staff/ledger/{palace.pk}/"


# --- Access ---------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(world):
    response = _client().get(_ledger(world.palace_a))
    assert response.status_code == 302
    assert "login" in response["Location"] or "next=" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_a", 200),
        ("manager_a", 200),
        ("staff_b", 404),
        ("city_officer", 200),
        ("province_officer", 200),
        ("worker", 404),
    ],
)
def test_ledger_is_shown_to_who_may_see_the_palace(world, who, status):
    _log(world.palace_a)
    response = _client(getattr(world, who)).get(_ledger(world.palace_a))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_a", 200), ("staff_b", 404), ("city_officer", 404), ("worker", 404)],
)
def test_only_who_manages_the_palace_may_open_the_form(world, who, status):
    response = _client(getattr(world, who)).get(f"/staff/ledger/{world.palace_a.pk}/new/")
    assert response.status_code == status


def test_readers_see_no_edit_links(world):
    _log(world.palace_a)
    page = _client(world.city_officer).get(_ledger(world.palace_a)).content.decode()
    assert "/new/" not in page
    assert "/edit/" not in page


def test_each_row_shows_its_dates_place_figures_and_links(world):
    # The rows' texts and links are made in the view (a URL reversed once per page), not per cell.
    hall = VenueFactory(palace=world.palace_a, name="职工剧场", kind="theatre")
    point = SatellitePointFactory(palace=world.palace_a, name="矿区活动点")
    rows = [
        *_log(world.palace_a, venue=hall, participants=1200, online_viewers=30),
        *_log(world.palace_a, day=date(2026, 3, 2), end_date=date(2026, 3, 3), satellite_point=point),
        *_log(world.palace_a, day=date(2026, 3, 1), off_site="八一广场"),
        *_log(world.palace_a, day=date(2026, 2, 28)),
    ]
    with translation.override("en"):
        page = _client(world.staff_a).get(_ledger(world.palace_a), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for activity in rows:
        for name in ("activities:edit", "activities:delete"):
            assert page.count(f'href="{reverse(name, args=[activity.pk])}"') == 2  # card and table
    assert "1,200 person-times · 30 online viewers" in page  # figures grouped, as in the table
    assert '<td class="num">1,200</td>' in page
    assert page.count("2026-03-02–2026-03-03") == 2
    for place in ("职工剧场", "矿区活动点", "八一广场"):
        assert page.count(place) >= 2
    assert page.count('<td class="ledger-text">—</td>') == 1  # no place at all


@pytest.mark.parametrize("who", ["staff_b", "city_officer", "worker"])
def test_others_cannot_edit_or_delete(world, who):
    [activity] = _log(world.palace_a)
    client = _client(getattr(world, who))
    assert client.post(f"/staff/ledger/activity/{activity.pk}/edit/", _form()).status_code == 404
    assert client.post(f"/staff/ledger/activity/{activity.pk}/delete/").status_code == 404
    activity.refresh_from_db()
    assert activity.title == "讲座0"


def test_export_of_another_palace_is_not_found(world):
    assert _client(world.staff_b).get(f"/staff/ledger/{world.palace_a.pk}/export.csv").status_code == 404


# --- Filters and totals ---------------------------------------------------------------------------


def test_filters_and_totals(world):
    _log(world.palace_a, n=3, participants=10, online_viewers=100)
    _log(world.palace_a, kind="livestream", centre="culture", participants=7, online_viewers=5000)
    _log(world.palace_a, day=date(2026, 4, 1), participants=1000)
    _log(world.palace_b, participants=99999)
    client = _client(world.staff_a)

    march = client.get(_ledger(world.palace_a), {"month": "2026-03"}).context
    assert march["totals"] == {"activities": 4, "participants": 37, "online_viewers": 5300}

    lectures = client.get(_ledger(world.palace_a), {"month": "2026-03", "kind": "lecture"}).context
    assert lectures["totals"] == {"activities": 3, "participants": 30, "online_viewers": 300}

    culture = client.get(_ledger(world.palace_a), {"centre": "culture"}).context
    assert culture["totals"]["activities"] == 1
    assert [a.kind for a in culture["page_obj"]] == ["livestream"]

    everything = client.get(_ledger(world.palace_a)).context
    assert everything["totals"] == {"activities": 5, "participants": 1037, "online_viewers": 5300}


def test_empty_ledger_totals_are_zero(world):
    context = _client(world.staff_a).get(_ledger(world.palace_a), {"month": "2025-01"}).context
    assert context["totals"] == {"activities": 0, "participants": 0, "online_viewers": 0}


def test_bad_month_is_reported_and_ignored(world):
    _log(world.palace_a, n=2)
    response = _client(world.staff_a).get(_ledger(world.palace_a), {"month": "2026-13"})
    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert response.context["totals"]["activities"] == 2


def test_ledger_is_paginated_with_filters_kept(world):
    _log(world.palace_a, n=35)
    client = _client(world.staff_a)
    first = client.get(_ledger(world.palace_a), {"kind": "lecture"})
    assert len(first.context["page_obj"].object_list) == 30
    assert "kind=lecture&amp;page=2" in first.content.decode()
    second = client.get(_ledger(world.palace_a), {"kind": "lecture", "page": 2})
    assert len(second.context["page_obj"].object_list) == 5
    assert second.context["totals"]["activities"] == 35


def test_ledger_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    venue = VenueFactory(palace=world.palace_a)
    point = SatellitePointFactory(palace=world.palace_a)
    _log(world.palace_a, n=15, venue=venue)
    _log(world.palace_a, n=15, satellite_point=point)
    client = _client(world.staff_a)
    client.get(_ledger(world.palace_a))  # warm the session and access caches
    with django_assert_max_num_queries(8):
        response = client.get(_ledger(world.palace_a))
    assert venue.name in response.content.decode()
    assert point.name in response.content.decode()


# --- Create, edit, delete -------------------------------------------------------------------------


def test_staff_logs_an_activity(world):
    venue = VenueFactory(palace=world.palace_a)
    response = _client(world.staff_a).post(f"/staff/ledger/{world.palace_a.pk}/new/", _form(venue=venue.pk))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.palace == world.palace_a
    assert activity.venue == venue
    assert activity.participants == 45
    assert activity.created_by == world.staff_a


def test_form_offers_only_the_palaces_places(world):
    own = SatellitePointFactory(palace=world.palace_a)
    other = SatellitePointFactory(palace=world.palace_b)
    form = _client(world.staff_a).get(f"/staff/ledger/{world.palace_a.pk}/new/").context["form"]
    assert list(form.fields["venue"].queryset) == [world.venue_a]
    assert list(form.fields["satellite_point"].queryset) == [own]
    assert other not in form.fields["satellite_point"].queryset


def test_venue_of_another_palace_is_refused(world):
    response = _client(world.staff_a).post(
        f"/staff/ledger/{world.palace_a.pk}/new/", _form(venue=world.venue_b.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["venue"]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": "   "}, "title"),
        ({"partner_kind": "enterprise", "partner_name": ""}, "partner_name"),
        ({"end_date": "2026-03-01"}, "end_date"),
        ({"participants": "-3"}, "participants"),
        ({"date": "not a date"}, "date"),
        ({"kind": "karaoke"}, "kind"),
    ],
)
def test_bad_input_is_shown_on_the_field_and_changes_nothing(world, extra, field):
    response = _client(world.staff_a).post(f"/staff/ledger/{world.palace_a.pk}/new/", _form(**extra))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Activity.objects.exists()


def test_two_places_is_a_form_error(world):
    point = SatellitePointFactory(palace=world.palace_a)
    response = _client(world.staff_a).post(
        f"/staff/ledger/{world.palace_a.pk}/new/", _form(venue=world.venue_a.pk, satellite_point=point.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Activity.objects.exists()


def test_staff_corrects_an_activity(world):
    [activity] = _log(world.palace_a)
    client = _client(world.staff_a)
    page = client.get(f"/staff/ledger/activity/{activity.pk}/edit/")
    assert page.context["form"]["title"].value() == "讲座0"
    response = client.post(f"/staff/ledger/activity/{activity.pk}/edit/", _form(participants="80"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.participants, activity.palace) == ("职工读书分享会", 80, world.palace_a)


def test_bad_correction_changes_nothing(world):
    [activity] = _log(world.palace_a, participants=12)
    response = _client(world.staff_a).post(
        f"/staff/ledger/activity/{activity.pk}/edit/", _form(title="", participants="99")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    activity.refresh_from_db()
    assert (activity.title, activity.participants) == ("讲座0", 12)


def test_delete_asks_first_then_deletes(world):
    [activity] = _log(world.palace_a)
    client = _client(world.staff_a)
    page = client.get(f"/staff/ledger/activity/{activity.pk}/delete/")
    assert page.status_code == 200
    assert Activity.objects.filter(pk=activity.pk).exists()
    response = client.post(f"/staff/ledger/activity/{activity.pk}/delete/")
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


# --- Export ---------------------------------------------------------------------------------------


def test_xlsx_export_holds_the_filtered_rows(world, django_assert_max_num_queries):
    venue = VenueFactory(palace=world.palace_a, name="多功能厅")
    _log(world.palace_a, n=20, venue=venue, participants=3)
    _log(world.palace_a, kind="livestream", centre="culture", online_viewers=5000)
    _log(world.palace_a, day=date(2026, 4, 2))
    _log(world.palace_b)
    client = _client(world.city_officer)
    client.get(_ledger(world.palace_a))
    with django_assert_max_num_queries(8):
        response = client.get(
            f"/staff/ledger/{world.palace_a.pk}/export.xlsx",
            {"month": "2026-03", "kind": "lecture"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Date"
    assert "Participants (person-times)" in rows[0]
    assert len(rows) == 21
    assert {row[5] for row in rows[1:]} == {"多功能厅"}
    assert sum(row[6] for row in rows[1:]) == 60


def test_xlsx_headers_are_chinese_by_default(world):
    _log(world.palace_a)
    response = _client(world.staff_a).get(f"/staff/ledger/{world.palace_a.pk}/export.xlsx")
    header = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    with translation.override("zh-hans"):
        assert header[0] == gettext("Date") != "Date"


def test_csv_export_holds_the_filtered_rows(world):
    _log(world.palace_a, n=2)
    _log(world.palace_a, centre="health", kind="training", participants=9)
    response = _client(world.staff_a).get(
        f"/staff/ledger/{world.palace_a.pk}/export.csv", {"centre": "health"}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[1][0] == "2026-03-04"
    assert rows[1][6] == "9"


def test_the_totals_name_their_period_and_group_their_digits(world):
    _log(world.palace_a, day=date(2026, 3, 2), participants=1234)
    client = _client(world.staff_a)

    every = client.get(_ledger(world.palace_a)).content.decode()
    march = client.get(_ledger(world.palace_a) + "?month=2026-03").content.decode()

    assert "全部月份合计" in every
    assert "2026年3月合计" in march
    assert "<strong>1,234</strong>" in march
