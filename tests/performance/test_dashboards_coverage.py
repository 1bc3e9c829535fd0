"""The coverage map: 111 units from the committed outlines, coloured by palace status."""

import pytest
from django.urls import reverse

from performance.dashboards.coverage import IN_SERVICE, NONE, UNDER_WAY, coverage_map
from tests.factories import PalaceFactory, RegionFactory
from venues.models import Palace, Region

pytestmark = pytest.mark.django_db


def test_the_map_has_the_provinces_111_units(world):
    result = coverage_map()
    assert len(result.counties) == 100
    assert len(result.cities) == 11
    assert result.unit_count == 111
    assert all(unit.d.startswith("M") for unit in result.counties)
    assert result.totals.counties == 100
    assert sum(row.in_service + row.under_way + row.none for row in result.rows) == 111


def test_units_are_coloured_by_their_palaces_status(world):
    county3 = RegionFactory(code="360123", name="安义县", level=Region.Level.COUNTY, parent=world.city1)
    PalaceFactory(
        name="安义县工人文化宫", level=Palace.Level.COUNTY, region=county3, status="under_construction"
    )
    PalaceFactory(name="南昌县工人文化宫", level=Palace.Level.COUNTY, region=world.county1, status="planned")
    result = coverage_map()
    status = {unit.code: unit.status for unit in [*result.counties, *result.cities]}
    assert status["360100"] == IN_SERVICE  # palace A, city-level
    assert status["360423"] == IN_SERVICE  # palace B
    assert status["360123"] == UNDER_WAY
    assert status["360121"] == NONE  # only planned
    assert status["360703"] == NONE  # no region in the portal at all
    nanchang = next(row for row in result.rows if row.code == "360100")
    assert (nanchang.counties, nanchang.in_service, nanchang.under_way, nanchang.none) == (9, 1, 1, 8)


def test_the_province_dashboard_draws_the_map_with_legend_and_table(client, world):
    client.force_login(world.province_officer)
    page = client.get(reverse("performance:dashboard_province")).content.decode()
    assert page.count('class="pd-unit-in_service"') == 1  # the county of palace B
    assert page.count("pd-unit-in_service pd-city-dot") == 1  # the city of palace A
    assert page.count("<path d=") >= 111
    assert "<title>武宁县：有已投入使用的文化宫</title>" in page
    assert "pd-legend" in page
    assert "pd-map-table" in page
