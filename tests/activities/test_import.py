"""Bulk import of the activity ledger: parse, preview with reasons, all-or-nothing commit."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import Workbook, load_workbook

from activities.ledger import importing, services
from activities.models import Activity
from palace_portal import sheet_upload
from palace_portal.errors import InvalidInput

HEADER_EN = [
    "Date", "End date", "Title", "Kind", "Centre", "Place",
    "Participants (person-times)", "Online viewers", "Likes", "Partner kind", "Partner name", "Programme",
]  # fmt: skip


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _row(title="职工读书分享会", *, day="2026-03-04", kind="reading_exchange", place="", participants="45"):
    return [day, "", title, kind, "education", place, participants, "0", "0", "none", "", ""]


def _xlsx(rows, header=HEADER_EN):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("ledger.xlsx", buffer.getvalue())


def _csv(rows, header=HEADER_EN, encoding="utf-8-sig"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("ledger.csv", text.getvalue().encode(encoding))


def _upload(client, palace, upload):
    return client.post(f"/staff/ledger/{palace.pk}/import/", {"file": upload})


def _commit(client, palace, response):
    token = response.context["token"]
    assert token
    return client.post(f"/staff/ledger/{palace.pk}/import/commit/", {"token": token})


def test_good_xlsx_imports_every_row(world):
    client = _client(world.manager_a)
    rows = [_row(f"讲座{i}") for i in range(30)] + [
        _row("羽毛球赛", kind="competition", place=world.venue_a.name)
    ]
    response = _upload(client, world.palace_a, _xlsx(rows))
    assert response.status_code == 200
    assert not response.context["bad"]
    response = _commit(client, world.palace_a, response)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/ledger/{world.palace_a.pk}/"
    assert Activity.objects.filter(palace=world.palace_a).count() == 31
    match = Activity.objects.get(title="羽毛球赛")
    assert match.venue == world.venue_a
    assert match.created_by == world.manager_a
    assert match.date == date(2026, 3, 4)
    assert match.participants == 45


def test_good_csv_with_chinese_headers_imports_every_row(world):
    client = _client(world.manager_a)
    with translation.override("zh-hans"):
        header = [str(label) for _name, label in importing.COLUMNS]
    assert header[0] == "日期"
    rows = [_row(kind="Lecture"), _row("二", kind="讲座"), _row("三", day="2026/3/5")]
    response = _upload(client, world.palace_a, _csv(rows, header=header))
    assert not response.context["bad"]
    _commit(client, world.palace_a, response)
    assert Activity.objects.filter(palace=world.palace_a, kind="lecture").count() == 2
    assert Activity.objects.get(title="三").date == date(2026, 3, 5)


def test_gb18030_csv_is_read(world):
    client = _client(world.manager_a)
    response = _upload(client, world.palace_a, _csv([_row("职工书法展")], encoding="gb18030"))
    assert not response.context["bad"]
    _commit(client, world.palace_a, response)
    assert Activity.objects.get(palace=world.palace_a).title == "职工书法展"


def test_one_bad_row_imports_nothing_and_the_preview_says_why(world):
    client = _client(world.manager_a)
    rows = [
        _row("好"),
        _row("坏", kind="dancing"),
        _row("日期", day="2026-13-40"),
        _row("负", participants="-3"),
        _row("地点", place="不存在的场馆"),
    ]
    response = _upload(client, world.palace_a, _xlsx(rows))
    assert response.status_code == 200
    assert [r.number for r in response.context["bad"]] == [3, 4, 5, 6]
    assert response.context["token"] == ""
    reasons = {r.number: " ".join(r.errors) for r in response.context["bad"]}
    assert "dancing" in reasons[3]
    assert "2026-13-40" in reasons[4]
    assert "-3" in reasons[5]
    assert "不存在的场馆" in reasons[6]
    body = response.content.decode()
    assert reasons[6] in body
    assert "dancing" in body
    assert "2026-13-40" in body
    assert "-3" in body
    assert "不存在的场馆" in body
    assert "import/commit" not in body
    assert client.post(f"/staff/ledger/{world.palace_a.pk}/import/commit/", {"token": ""}).status_code == 302
    assert not Activity.objects.exists()


def test_blank_rows_are_skipped_and_rows_keep_their_number(world):
    upload = _xlsx([_row("一"), ["", None, ""], _row("二", kind="dancing")])
    results = importing.clean_rows(palace=world.palace_a, raw_rows=importing.parse_upload(upload))
    assert [(r.number, r.ok) for r in results] == [(2, True), (4, False)]


def test_venue_of_another_palace_is_not_found(world):
    other = world.venue_a.name
    rows = [{**dict.fromkeys(importing.FIELDS, ""), "date": "2026-03-04", "title": "x", "kind": "lecture",
             "centre": "education", "place": other}]  # fmt: skip
    [result] = importing.clean_rows(palace=world.palace_b, raw_rows=rows)
    assert not result.ok
    assert other in result.errors[0]


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (lambda: _xlsx([_row()], header=["Datum", "Titel"]), "bad_headers"),
        (lambda: SimpleUploadedFile("empty.csv", b""), "empty"),
        (lambda: _csv([]), "empty"),
        (lambda: _csv([_row()] * (importing.MAX_ROWS + 1)), "too_many_rows"),
        (lambda: SimpleUploadedFile("photo.xlsx", b"PK\x03\x04garbage"), "not_spreadsheet"),
        (lambda: SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00"), "not_spreadsheet"),
        (lambda: SimpleUploadedFile("big.csv", b"a" * (sheet_upload.MAX_BYTES + 1)), "too_large"),
    ],
)
def test_bad_files_get_a_clear_error(world, upload, code):
    with pytest.raises(InvalidInput) as caught:
        importing.parse_upload(upload())
    assert caught.value.code == code
    response = _upload(_client(world.manager_a), world.palace_a, upload())
    assert response.status_code == 400
    assert str(caught.value.message) in response.content.decode()
    assert not Activity.objects.exists()


def test_other_palace_is_not_found(world):
    client = _client(world.manager_b)
    base = f"/staff/ledger/{world.palace_a.pk}/import/"
    assert client.get(base).status_code == 404
    assert client.get(base + "template.xlsx").status_code == 404
    assert _upload(client, world.palace_a, _xlsx([_row()])).status_code == 404
    assert client.post(base + "commit/", {"token": "x"}).status_code == 404


def test_token_of_another_palace_is_refused(world):
    client = _client(world.manager_a)
    response = _upload(client, world.palace_a, _xlsx([_row()]))
    assert (
        client.post(
            f"/staff/ledger/{world.palace_b.pk}/import/commit/", {"token": response.context["token"]}
        ).status_code
        == 404
    )
    assert not Activity.objects.exists()


def test_template_downloads_and_reimports_cleanly(world):
    client = _client(world.manager_a)
    response = client.get(f"/staff/ledger/{world.palace_a.pk}/import/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2
    upload = SimpleUploadedFile("template.xlsx", response.content)
    preview = _upload(client, world.palace_a, upload)
    assert not preview.context["bad"]
    _commit(client, world.palace_a, preview)
    assert Activity.objects.filter(palace=world.palace_a).count() == 1


def test_export_reimports_cleanly(world):
    client = _client(world.manager_a)
    Activity.objects.create(palace=world.palace_a, title="导出", kind="lecture", centre="health",
                            date=date(2026, 3, 4), venue=world.venue_a, participants=7)  # fmt: skip
    exported = client.get(f"/staff/ledger/{world.palace_a.pk}/export.xlsx").content
    preview = _upload(client, world.palace_a, SimpleUploadedFile("export.xlsx", exported))
    assert not preview.context["bad"]
    _commit(client, world.palace_a, preview)
    assert Activity.objects.filter(title="导出", venue=world.venue_a, participants=7).count() == 2


def test_service_creates_nothing_when_a_row_is_bad(world):
    good = {"title": "好", "kind": "lecture", "centre": "education", "date": date(2026, 3, 4)}
    with pytest.raises(InvalidInput) as caught:
        services.activities_import(actor=world.manager_a, palace=world.palace_a,
                                   rows=[good, {**good, "participants": -1}])  # fmt: skip
    assert list(caught.value.fields) == ["row_2"]
    assert not Activity.objects.exists()
    assert services.activities_import(actor=world.manager_a, palace=world.palace_a, rows=[good, good]) == 2


def test_preview_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    client = _client(world.manager_a)
    upload = _xlsx([_row(f"讲座{i}", place=world.venue_a.name) for i in range(200)])
    with django_assert_max_num_queries(12):
        _upload(client, world.palace_a, upload)


def test_ledger_links_import_for_managers_only(world):
    url = f"/staff/ledger/{world.palace_a.pk}/"
    assert "/import/" in _client(world.manager_a).get(url).content.decode()
    response = _client(world.city_officer).get(url)
    assert response.status_code == 200
    assert "/import/" not in response.content.decode()
