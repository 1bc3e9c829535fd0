"""The SVG chart helpers: round axes, separators, gaps for missing months."""

from decimal import Decimal

from performance.dashboards.charts import bar_chart, column_chart, format_number, line_chart, nice_ceiling


def test_numbers_have_thousands_separators_and_fixed_decimals():
    assert format_number(7_627_700) == "7,627,700"
    assert format_number(Decimal("79.25"), 1) == "79.3"
    assert format_number(None) == "–"


def test_the_axis_ends_on_a_round_number():
    assert [nice_ceiling(v) for v in (0, 3, 7, 12, 240)] == [1, 5, 10, 20, 250]
    chart = column_chart([("1", 230), ("2", 10)], title="t", description="d")
    assert [tick.text for tick in chart.ticks] == ["0", "100", "200", "300", "400"]


def test_a_month_without_a_figure_breaks_the_line():
    chart = line_chart([("1", 1), ("2", None), ("3", 3), ("4", 4)], title="t", description="d")
    assert len(chart.line_paths) == 2
    assert len(chart.points) == 3


def test_bars_are_as_long_as_their_values_and_an_empty_chart_says_so():
    chart = bar_chart([("南昌市", 100), ("九江市", 50)], title="t", description="d")
    assert chart.bars[0].width == 2 * chart.bars[1].width
    assert bar_chart([("南昌市", None)], title="t", description="d").empty
