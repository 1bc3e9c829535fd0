"""A palace's service points from a spreadsheet: export, upload, preview with reasons, import all
or nothing (venues.circle.importing, import_views, services.service_points_import)."""

import csv
import io
from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.factories import SatellitePointFactory
from venues.circle import importing
from venues.models import SatellitePoint, ServicePointHours

BACKEND = "django.contrib.auth.backends.ModelBackend"
HEADER_ZH = [
    "名称",
    "类型",
    "所在区县",
    "地址",
    "电话",
    "纬度",
    "经度",
    "服务项目",
    "24小时开放",
    "已投入使用",
]
WEEK_ZH = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def _csv(rows, header=None) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or [*HEADER_ZH, *WEEK_ZH])
    writer.writerows(rows)
    return SimpleUploadedFile("points.csv", buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


def _row(world, **over) -> list[str]:
    values = {
        "name": "青山湖职工之家",
        "kind": "职工之家",
        "region": world.county1.name,
        "address": "青山湖大道1号",
        "phone": "0791-88888888",
        "latitude": "28.70",
        "longitude": "115.95",
        "services": "休息、法律咨询",
        "open_all_hours": "否",
        "is_active": "是",
        **{f"hours_{d}": "" for d in range(7)},
        "hours_0": "08:30-17:30",
        "hours_2": "08:30-12:00, 20:00-02:00",
    }
    values.update(over)
    return [values[name] for name in importing.FIELDS]


@pytest.fixture
def station(world):
    point = SatellitePointFactory(
        palace=world.palace_a,
        kind="outdoor_station",
        name="八一广场户外劳动者服务站",
        region=world.county1,
        latitude=28.6741,
        longitude=115.9089,
        services=["rest", "water"],
    )
    ServicePointHours.objects.create(point=point, weekday=2, opens=time(8), closes=time(12))
    return point


def _upload(client, world, upload):
    return client.post(reverse("venues:circle:points_import", args=[world.palace_a.pk]), {"file": upload})


def _commit(client, world, response):
    token = response.context["token"]
    assert token
    return client.post(
        reverse("venues:circle:points_import_commit", args=[world.palace_a.pk]), {"token": token}
    )


def test_the_headers_are_the_point_forms_labels_in_chinese():
    with translation.override("zh-hans"):
        assert [str(label) for _name, label in importing.COLUMNS] == [*HEADER_ZH, *WEEK_ZH]


def test_a_file_adds_new_points_and_updates_those_it_names(client, world, station):
    sign_in(client, world.staff_a)
    upload = _csv(
        [
            _row(world),
            _row(
                world,
                name=station.name,
                kind="户外劳动者服务站",
                services="饮水",
                hours_0="",
                hours_2="",
                hours_5="09:00-24:00",
            ),
        ]
    )
    preview = _upload(client, world, upload)
    assert preview.status_code == 200
    assert not preview.context["bad"]
    assert preview.context["added"] == 1
    assert SatellitePoint.objects.filter(palace=world.palace_a).count() == 1  # nothing written yet
    response = _commit(client, world, preview)
    assert response.status_code == 302
    added = SatellitePoint.objects.get(palace=world.palace_a, name="青山湖职工之家")
    assert added.kind == "workers_home"
    assert added.region == world.county1
    assert added.services == ["legal", "rest"]
    assert (added.latitude, added.longitude, added.open_all_hours, added.is_active) == (
        28.70,
        115.95,
        False,
        True,
    )
    assert [(h.weekday, h.opens, h.closes) for h in added.hours.order_by("weekday", "opens")] == [
        (0, time(8, 30), time(17, 30)),
        (2, time(8, 30), time(12)),
        (2, time(20), time(2)),
    ]
    station.refresh_from_db()
    assert station.services == ["water"]
    assert [(h.weekday, h.opens, h.closes) for h in station.hours.all()] == [(5, time(9), time(0))]


def test_an_export_uploaded_again_changes_nothing(client, world, station):
    sign_in(client, world.staff_a)
    with translation.override("zh-hans"):
        export = client.get(reverse("venues:circle:points_export", args=[world.palace_a.pk]))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADER_ZH, *WEEK_ZH]
    assert rows[1][0] == station.name
    assert rows[1][7] == "休息、饮水"
    before = [(h.weekday, h.opens, h.closes) for h in station.hours.all()]
    upload = SimpleUploadedFile("points.xlsx", export.content)
    preview = _upload(client, world, upload)
    assert not preview.context["bad"]
    assert preview.context["added"] == 0
    _commit(client, world, preview)
    station.refresh_from_db()
    assert station.services == ["rest", "water"]
    assert (station.latitude, station.longitude, station.kind) == (28.6741, 115.9089, "outdoor_station")
    assert [(h.weekday, h.opens, h.closes) for h in station.hours.all()] == before


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"kind": "商场"}, "未知的阵地类型"),
        ({"region": "不存在区"}, "不是本馆所在城市"),
        ({"hours_1": "8-20"}, "星期二"),
        ({"hours_1": "25:00-26:00"}, "不是有效的时刻"),
        ({"longitude": ""}, "纬度和经度须同时填写"),
        ({"latitude": "95"}, "±90"),
        ({"latitude": "nan"}, "±90"),
        ({"services": "休息、按摩"}, "未知的服务项目"),
        ({"open_all_hours": "maybe"}, "须填写“是”或“否”"),
        ({"name": ""}, "“名称”未填写"),
        ({"name": "站" * 101}, "超过100个字符"),
    ],
)
def test_a_bad_row_is_shown_with_its_reason_and_nothing_is_written(client, world, over, message):
    sign_in(client, world.staff_a)
    preview = _upload(client, world, _csv([_row(world, name="好的一行"), _row(world, **over)]))
    assert preview.status_code == 200
    assert [r.number for r in preview.context["bad"]] == [3]
    assert message in " ".join(preview.context["bad"][0].errors)
    assert preview.context["token"] == ""
    assert not SatellitePoint.objects.filter(palace=world.palace_a).exists()


def test_a_district_of_another_city_is_refused(client, world):
    sign_in(client, world.staff_a)
    preview = _upload(client, world, _csv([_row(world, region=world.county2.name)]))
    assert preview.context["bad"]


def test_two_rows_of_one_name_are_refused(client, world):
    sign_in(client, world.staff_a)
    preview = _upload(client, world, _csv([_row(world), _row(world, address="另一处")]))
    assert [r.number for r in preview.context["bad"]] == [3]
    assert "第2行已有" in preview.context["bad"][0].errors[0]


def test_formula_looking_text_is_kept_as_typed_and_exported_safe(client, world):
    sign_in(client, world.staff_a)
    name = '=HYPERLINK("http://evil","x")'
    _commit(client, world, _upload(client, world, _csv([_row(world, name=name, address="+1 大道")])))
    point = SatellitePoint.objects.get(palace=world.palace_a)
    assert (point.name, point.address) == (name, "+1 大道")
    export = client.get(reverse("venues:circle:points_export", args=[world.palace_a.pk]))
    cells = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))[1]
    assert cells[0] == "'" + name
    assert cells[3] == "'+1 大道"


def test_a_file_that_is_not_a_spreadsheet_is_a_clear_error(client, world):
    sign_in(client, world.staff_a)
    response = _upload(client, world, SimpleUploadedFile("points.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100))
    assert response.status_code == 400
    assert response.context["error"]


def test_a_header_without_the_forms_columns_is_refused(client, world):
    sign_in(client, world.staff_a)
    response = _upload(client, world, _csv([["x"]], header=["名称"]))
    assert response.status_code == 400
    assert "缺少列：类型" in response.context["error"]


def test_an_expired_or_foreign_token_imports_nothing(client, world):
    sign_in(client, world.staff_a)
    response = client.post(
        reverse("venues:circle:points_import_commit", args=[world.palace_a.pk]), {"token": "forged"}
    )
    assert response.status_code == 302
    assert response.url == reverse("venues:circle:points_import", args=[world.palace_a.pk])
    preview = _upload(client, world, _csv([_row(world)]))
    _commit(client, world, preview)
    # The same token again: already taken.
    again = client.post(
        reverse("venues:circle:points_import_commit", args=[world.palace_a.pk]),
        {"token": preview.context["token"]},
    )
    assert again.url == reverse("venues:circle:points_import", args=[world.palace_a.pk])
    assert SatellitePoint.objects.filter(palace=world.palace_a).count() == 1


def test_rows_made_invalid_between_preview_and_import_import_nothing(client, world, station):
    sign_in(client, world.staff_a)
    preview = _upload(client, world, _csv([_row(world, region=world.county1.name)]))
    # Meanwhile someone adds a point of that name with the form.
    SatellitePointFactory(palace=world.palace_a, name="青山湖职工之家", region=world.county1)
    response = _commit(client, world, preview)
    # The name is now an existing point's: the row updates it instead of adding a second.
    assert response.status_code == 302
    assert SatellitePoint.objects.filter(palace=world.palace_a, name="青山湖职工之家").count() == 1


@pytest.mark.parametrize("who", ["worker", "staff_b"])
def test_only_those_who_manage_the_palace_may_import(client, world, who):
    sign_in(client, getattr(world, who))
    assert _upload(client, world, _csv([_row(world)])).status_code == 404
    url = reverse("venues:circle:points_import", args=[world.palace_a.pk])
    assert client.get(url).status_code == 404
    assert not SatellitePoint.objects.filter(palace=world.palace_a).exists()


def test_the_city_officer_may_export_but_not_import(client, world, station):
    sign_in(client, world.city_officer)
    assert client.get(reverse("venues:circle:points_export", args=[world.palace_a.pk])).status_code == 200
    assert _upload(client, world, _csv([_row(world)])).status_code == 404
    page = client.get(reverse("venues:circle:staff_points", args=[world.palace_a.pk])).content.decode()
    assert reverse("venues:circle:points_export", args=[world.palace_a.pk]) in page
    assert reverse("venues:circle:points_import", args=[world.palace_a.pk]) not in page


def _names(n, start=0):
    return [f"职工驿站{i:04d}" for i in range(start, start + n)]


def test_the_import_writes_in_bulk_not_row_by_row(client, world):
    sign_in(client, world.staff_a)
    counts = []
    for size, start in ((5, 0), (50, 1000), (500, 2000)):
        preview = _upload(client, world, _csv([_row(world, name=name) for name in _names(size, start)]))
        assert not preview.context["bad"]
        with CaptureQueriesContext(connection) as queries:
            _commit(client, world, preview)
        counts.append(len(queries))
    # The same for 5 and 50 rows; 500 only adds the database's batches (SQLite's variable limit).
    assert counts[0] == counts[1]
    assert counts[2] < counts[1] + 15
    assert SatellitePoint.objects.filter(palace=world.palace_a).count() == 555
    assert ServicePointHours.objects.filter(point__palace=world.palace_a).count() == 555 * 3


def test_rows_too_large_to_keep_for_the_import_are_a_clear_error(client, world, monkeypatch):
    from palace_portal import sheet_upload

    monkeypatch.setattr(sheet_upload, "SESSION_LIMIT", 200)  # the real limit is 2 MB of text
    sign_in(client, world.staff_a)
    with translation.override("zh-hans"):
        response = _upload(client, world, _csv([_row(world), _row(world, name="第二个职工之家")]))

    assert response.status_code == 400
    assert "文件内容过多" in response.content.decode()
    kept = list(client.session.keys())
    assert not [key for key in kept if "_import:" in key]  # nothing kept to import
    assert not SatellitePoint.objects.filter(palace=world.palace_a).exists()
