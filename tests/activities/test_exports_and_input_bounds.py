"""Issue 11 in the activities app: exports never write live formulas, imports are bounded before
they are read, the ledger's dates and months stay in range, and outsiders get 404 before their
input is read."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from activities.models import Activity
from palace_portal import sheet_upload
from tests.factories import UserFactory

from .voice_support import answer_directly, member, questions, survey

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "-1+1"]
HEADER_EN = [
    "Date", "End date", "Title", "Kind", "Centre", "Place",
    "Participants (person-times)", "Online viewers", "Likes", "Partner kind", "Partner name", "Programme",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _log_hostile(palace):
    for title in HOSTILE:
        Activity.objects.create(
            palace=palace, title=title, kind="lecture", centre="education", date=date(2026, 3, 4)
        )


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Formula-safe exports ------------------------------------------------------------------------


def test_ledger_xlsx_never_writes_a_formula_and_has_a_usable_header(world):
    _log_hostile(world.palace_a)
    response = _client(world.staff_a).get(f"/staff/ledger/{world.palace_a.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert sorted(cell.value for cell in titles) == sorted("'" + t for t in HOSTILE)
    assert all(cell.data_type == "s" for cell in titles)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["C"].width >= 30


def test_ledger_export_is_named_for_the_palace_and_the_period(world):
    _log_hostile(world.palace_a)
    client = _client(world.staff_a)
    response = client.get(f"/staff/ledger/{world.palace_a.pk}/export.xlsx", {"month": "2026-03"})
    disposition = response["Content-Disposition"]
    assert f'filename="activities-{world.palace_a.pk}-2026-03.xlsx"' in disposition
    assert "filename*=UTF-8''" + quote(world.palace_a.name) in disposition
    assert "2026-03.xlsx" in disposition.split("filename*=")[1]
    every = client.get(f"/staff/ledger/{world.palace_a.pk}/export.csv")["Content-Disposition"]
    assert f'filename="activities-{world.palace_a.pk}-all.csv"' in every
    assert quote("all time".replace(" ", "_")) in every


def test_ledger_csv_prefixes_text_a_spreadsheet_would_run(world):
    _log_hostile(world.palace_a)
    Activity.objects.create(
        palace=world.palace_a, title="普通讲座", kind="lecture", centre="education", date=date(2026, 3, 5)
    )
    rows = _csv_rows(_client(world.staff_a).get(f"/staff/ledger/{world.palace_a.pk}/export.csv"))
    titles = [row[2] for row in rows[1:]]
    assert sorted(titles) == sorted(["普通讲座", *("'" + t for t in HOSTILE)])


def _import(client, palace, upload):
    return client.post(f"/staff/ledger/{palace.pk}/import/", {"file": upload})


def _csv_upload(rows, name="ledger.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER_EN)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode("utf-8-sig"))


def _row(title, day="2026-03-04"):
    return [day, "", title, "lecture", "education", "", "10", "0", "0", "none", "", ""]


def test_a_tab_before_a_formula_does_not_bring_it_back_through_the_import(world):
    client = _client(world.manager_a)
    preview = _import(client, world.palace_a, _csv_upload([_row("\t=1+1")]))
    client.post(f"/staff/ledger/{world.palace_a.pk}/import/commit/", {"token": preview.context["token"]})
    assert Activity.objects.get(palace=world.palace_a).title == "=1+1"
    rows = _csv_rows(client.get(f"/staff/ledger/{world.palace_a.pk}/export.csv"))
    assert rows[1][2] == "'=1+1"
    sheet = load_workbook(
        io.BytesIO(client.get(f"/staff/ledger/{world.palace_a.pk}/export.xlsx").content)
    ).active
    assert (sheet["C2"].value, sheet["C2"].data_type) == ("'=1+1", "s")


def test_an_export_reimports_as_typed_without_the_safety_apostrophe(world):
    _log_hostile(world.palace_a)
    client = _client(world.manager_a)
    exported = client.get(f"/staff/ledger/{world.palace_a.pk}/export.xlsx")
    preview = _import(client, world.palace_a, SimpleUploadedFile("x.xlsx", exported.content))
    assert not preview.context["bad"]
    assert sorted(r.values["title"] for r in preview.context["results"]) == sorted(HOSTILE)


@pytest.fixture
def hostile_survey(world):
    row = survey(world.palace_a, title='=HYPERLINK("http://evil.example")')
    *_choices, text_question = questions(row)
    for text in HOSTILE:
        answer_directly(row, member(UserFactory()), {text_question: text})
    return row


def test_survey_exports_write_no_formula(world, hostile_survey):
    client = _client(world.staff_a)
    base = f"/staff/voice/{world.palace_a.pk}/surveys/{hostile_survey.pk}"
    book = load_workbook(io.BytesIO(client.get(f"{base}/results.xlsx").content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    written = {c.value for c in cells}
    assert {"'" + t for t in HOSTILE} <= written
    assert '\'=HYPERLINK("http://evil.example")' in written
    rows = _csv_rows(client.get(f"{base}/results.csv"))
    assert {"'" + t for t in HOSTILE} <= {row[3] for row in rows}


# --- Import bounds -------------------------------------------------------------------------------


def _xlsx_upload(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER_EN)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("ledger.xlsx", buffer.getvalue())


def _bomb(chars: int) -> SimpleUploadedFile:
    """A valid workbook whose first sheet holds one inline string of `chars` characters."""
    plain = io.BytesIO(_xlsx_upload([]).read())
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                cell = f'<c r="A2" t="inlineStr"><is><t>{"x" * chars}</t></is></c>'.encode()
                data = data.replace(b"</sheetData>", b'<row r="2">' + cell + b"</row></sheetData>")
            target.writestr(member, data)
    return SimpleUploadedFile("ledger.xlsx", out.getvalue())


def test_an_xlsx_that_unpacks_too_big_is_refused_before_openpyxl_reads_it(world, monkeypatch):
    # 2 MB of one repeated letter packs to a few KB: the zip bomb of the issue, smaller. (openpyxl
    # cuts a cell at 32,767 characters when it writes, so the big cell is written by hand.)
    upload = _bomb(2 * 1024 * 1024)
    assert upload.size < 64 * 1024
    monkeypatch.setattr(sheet_upload, "MAX_UNPACKED_BYTES", 1024 * 1024)

    def _must_not_read(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read a file over the limit")

    monkeypatch.setattr("openpyxl.load_workbook", _must_not_read)
    response = _import(_client(world.manager_a), world.palace_a, upload)
    assert response.status_code == 400
    assert "unpacks to more than 1 MB" in response.context["error"]
    assert len(response.content) < 100_000
    assert not Activity.objects.exists()


def test_the_issues_50_mb_cell_is_refused_at_the_real_limit(world):
    upload = _bomb(50 * 1024 * 1024)
    response = _import(_client(world.manager_a), world.palace_a, upload)
    assert response.status_code == 400
    assert "unpacks to more than 25 MB" in response.context["error"]
    assert len(response.content) < 100_000


def test_a_cell_longer_than_any_field_is_refused_with_its_row(world):
    response = _import(_client(world.manager_a), world.palace_a, _xlsx_upload([_row("长" * 5000)]))
    assert response.status_code == 400
    assert "Row 2 has a cell longer than 1000 characters" in response.content.decode()
    assert len(response.content) < 100_000


def test_a_csv_cell_over_the_csv_modules_limit_is_a_clear_error_not_a_500(world):
    response = _import(_client(world.manager_a), world.palace_a, _csv_upload([_row("x" * (129 * 1024))]))
    assert response.status_code == 400
    assert "a cell is too long" in response.content.decode()
    assert not Activity.objects.exists()


# --- Dates and months ----------------------------------------------------------------------------


def _api_body(world, day):
    return {
        "palace": world.palace_a.pk,
        "title": "讲座",
        "kind": "lecture",
        "centre": "education",
        "date": day,
    }


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_the_api_refuses_a_date_out_of_range(world, day):
    response = _client(world.staff_a).post(
        "/api/v1/activities/", _api_body(world, day), content_type="application/json"
    )
    assert response.status_code == 400
    assert "date" in response.json()["fields"]
    assert not Activity.objects.exists()


def test_the_api_takes_a_date_up_to_a_year_ahead(world):
    soon = (timezone.localdate() + timedelta(days=300)).isoformat()
    response = _client(world.staff_a).post(
        "/api/v1/activities/", _api_body(world, soon), content_type="application/json"
    )
    assert response.status_code == 201


def test_the_import_refuses_a_date_out_of_range(world):
    response = _import(
        _client(world.manager_a),
        world.palace_a,
        _csv_upload([_row("讲座", "0001-01-01"), _row("讲座", "9999-12-31")]),
    )
    assert [bool(r.errors) for r in response.context["results"]] == [True, True]
    assert "Enter a date from 2000-01-01" in response.content.decode()


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "2026-13", "x"])
def test_a_month_out_of_range_is_a_400_or_a_form_error_never_a_500(world, month):
    client = _client(world.staff_a)
    palace = world.palace_a.pk
    for url in (f"/staff/ledger/{palace}/export.xlsx", f"/staff/ledger/{palace}/export.csv"):
        refused = client.get(url, {"month": month})
        assert refused.status_code == 400
        assert "month" in refused.content.decode().lower() or "year" in refused.content.decode().lower()
    page = client.get(f"/staff/ledger/{palace}/", {"month": month})
    assert page.status_code == 200
    assert page.context["form"].errors["month"]
    assert client.get(f"/staff/ratings/{palace}/", {"month": month}).status_code in (200, 400)
    assert client.get("/api/v1/activities/", {"month": month}).status_code == 400
    summary = client.get("/api/v1/ratings/summary/", {"palace": palace, "month": month})
    assert summary.status_code == 400
    assert summary.json()["code"]


# --- Validate after permission -------------------------------------------------------------------


def test_a_worker_posting_nothing_to_the_ledger_api_gets_404_not_the_form(world):
    response = _client(world.worker).post("/api/v1/activities/", {}, content_type="application/json")
    assert response.status_code == 404
    assert "fields" not in response.json()


@pytest.mark.parametrize("field", ["date", "end_date"])
def test_an_empty_date_is_refused_as_the_schema_says(world, field):
    body = {**_api_body(world, "2026-03-04"), field: ""}
    response = _client(world.staff_a).post("/api/v1/activities/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_the_import_template_has_the_exports_header_and_names_the_palace(world):
    response = _client(world.manager_a).get(f"/staff/ledger/{world.palace_a.pk}/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert "filename*=UTF-8''" + quote(world.palace_a.name) in response["Content-Disposition"]
