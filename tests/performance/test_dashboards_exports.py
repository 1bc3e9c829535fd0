"""XLSX exports: the page's numbers, bold frozen header, formula-safe text, named periods."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from palace_portal.spreadsheets import formula_safe, sheet_title
from tests.factories import PalaceFactory
from venues.models import Palace

from .dash_support import figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(world):
    evil = PalaceFactory(name='=HYPERLINK("http://x")', level=Palace.Level.COUNTY, region=world.county1)
    figures(world.palace_a, date(2024, 3, 1), status="submitted", activities=1234, person_times=56789)
    figures(world.palace_b, date(2024, 3, 1), activities=10, person_times=20)
    figures(evil, date(2024, 3, 1), activities=1, person_times=2)
    return world, evil


def _book(response):
    return load_workbook(BytesIO(response.content))


def test_the_provincial_month_has_the_pages_numbers(client, march):
    world, _evil = march
    client.force_login(world.province_officer)
    response = client.get(reverse("performance:export_province_month", args=["2024-03"]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert 'filename="province-month-2024-03.xlsx"' in disposition
    assert "filename*=UTF-8''%E7%9C%81%E7%BA%A7%E6%9C%88%E6%8A%A5-2024-03.xlsx" in disposition  # 省级月报
    book = _book(response)
    sheet = book.worksheets[0]
    assert "2024-03" in sheet.title
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1] if cell.value)
    assert sheet.column_dimensions["A"].width == 16
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[world.city1.name][1:3] == (1235, 56791)
    assert rows["合计"][1:3] == (1245, 56811)
    page = client.get(reverse("performance:dashboard_province"), {"month": "2024-03"}).content.decode()
    assert "56,811" in page
    assert "1,245" in page


def test_text_that_looks_like_a_formula_is_neutralised(client, march):
    world, evil = march
    client.force_login(world.province_officer)
    book = _book(client.get(reverse("performance:export_province_month", args=["2024-03"])))
    names = [row[0].value for row in book.worksheets[1].iter_rows(min_row=2)]
    assert "'" + evil.name in names
    cell = next(row[0] for row in book.worksheets[1].iter_rows(min_row=2) if row[0].value == "'" + evil.name)
    assert cell.data_type == "s"


def test_the_helper_neutralises_every_formula_start():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert formula_safe(text) == "'" + text
    assert formula_safe("南昌") == "南昌"
    assert formula_safe(-5) == -5
    assert sheet_title("a/b:c*d?e[f]" + "x" * 40) == ("a-b-c-d-e-f-" + "x" * 40)[:31]


def test_a_palaces_year_has_twelve_months_and_the_total(client, march):
    world, _evil = march
    figures(world.palace_a, date(2024, 7, 1), activities=6, person_times=11)
    client.force_login(world.manager_a)
    response = client.get(reverse("performance:export_palace_year", args=[world.palace_a.pk, 2024]))
    assert response.status_code == 200
    assert 'filename="palace-' in response["Content-Disposition"]
    sheet = _book(response).worksheets[0]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 13
    assert rows[2][:3] == ("2024年3月", 1234, 56789)
    assert rows[5][1] is None  # April: no ledger, no figure
    assert rows[12][:3] == ("2024年全年", 1240, 56800)


@pytest.mark.parametrize(
    ("who", "status"), [("manager_a", 404), ("city_officer", 404), ("worker", 404), ("province_officer", 200)]
)
def test_only_the_province_exports_the_provincial_month(client, march, who, status):
    world, _evil = march
    client.force_login(getattr(world, who))
    assert client.get(reverse("performance:export_province_month", args=["2024-03"])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("manager_a", 200), ("manager_b", 404), ("city_officer", 200), ("worker", 404)]
)
def test_a_palaces_year_is_for_those_who_may_view_the_palace(client, march, who, status):
    world, _evil = march
    client.force_login(getattr(world, who))
    url = reverse("performance:export_palace_year", args=[world.palace_a.pk, 2024])
    assert client.get(url).status_code == status


def test_a_bad_month_is_not_found(client, world):
    client.force_login(world.province_officer)
    assert client.get(reverse("performance:export_province_month", args=["0000-01"])).status_code == 404
    url = reverse("performance:export_palace_year", args=[world.palace_a.pk, 99999])
    assert client.get(url).status_code == 404
