"""Server-side SVG charts: geometry computed here, drawn by small templates, no JavaScript.

Every chart is an accessible image (`role="img"`, `<title>` and `<desc>` naming the period) and
every page shows the same numbers as a table beside it, so the chart is for looking and the table
for reading. Coordinates are in SVG user units; the SVG scales to the width of its box (390 px
phones included) through its viewBox.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

WIDTH = 420  # narrow on purpose: scaled to a 390 px phone, the text stays readable


def nice_ceiling(value: float) -> float:
    """The smallest "round" number (1, 2, 2.5, 5 × 10ⁿ) at or above `value`, for axis steps."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * 10**exponent
        if top >= value:
            return top
    return 10 ** (exponent + 1)


def format_number(value: Decimal | float | int | None, decimals: int = 0) -> str:
    """Thousands separators, `decimals` places; an en dash for a missing value."""
    if value is None:
        return "–"
    # Decimal keeps large totals exact; the comma is the separator in Chinese and English alike.
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):,}"


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    highlight: bool = False


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass
class Chart:
    kind: str  # "columns" | "bars" | "line"
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    line_paths: list[str] = field(default_factory=list)
    points: list[Bar] = field(default_factory=list)  # dots of a line chart (x, y, label, value)
    labels: list[Bar] = field(default_factory=list)  # axis labels under a line chart
    empty: bool = False
    # The SVG by chart id, rendered once when the dashboard's data is cached (perf_dash.svg_chart).
    rendered: dict[str, str] = field(default_factory=dict)


def _ticks(top: float, *, y0: float, plot_height: float, decimals: int) -> list[Tick]:
    return [
        Tick(
            y=round(y0 - plot_height * i / 4, 1), text=format_number(top * i / 4, decimals if top < 10 else 0)
        )
        for i in range(5)
    ]


def column_chart(
    items: list[tuple[str, Decimal | float | None]], *, title: str, description: str, decimals: int = 0
) -> Chart:
    """Vertical columns, one per item (months of a year): labels under, values on top."""
    left, right, top_pad, bottom = 52, 4, 16, 26
    height = 220
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    values = [float(v) for _label, v in items if v is not None]
    top = 4 * nice_ceiling(max(values, default=0) / 4)  # four round steps on the axis
    slot = plot_w / max(len(items), 1)
    bars = []
    for index, (label, value) in enumerate(items):
        h = 0.0 if value is None else plot_h * float(value) / top
        x = left + index * slot + slot * 0.15
        bars.append(
            Bar(
                label=label,
                value_text=format_number(value, decimals),
                x=round(x, 1),
                y=round(top_pad + plot_h - h, 1),
                width=round(slot * 0.7, 1),
                height=round(h, 1),
                text_x=round(x + slot * 0.35, 1),
                text_y=round(height - bottom + 16, 1),
            )
        )
    return Chart(
        kind="columns",
        title=title,
        description=description,
        width=WIDTH,
        height=height,
        bars=bars,
        ticks=_ticks(top, y0=top_pad + plot_h, plot_height=plot_h, decimals=decimals),
        empty=not values,
    )


def bar_chart(
    items: list[tuple[str, Decimal | float | None]],
    *,
    title: str,
    description: str,
    decimals: int = 0,
    highlight: str | None = None,
) -> Chart:
    """Horizontal bars, one per item (cities, palaces): the label left, the value at the bar's
    end. Reads well on a phone whatever the labels' length."""
    label_w, value_w, row_h = 96, 84, 26
    height = max(row_h * len(items) + 8, 40)
    plot_w = WIDTH - label_w - value_w
    values = [float(v) for _label, v in items if v is not None]
    top = max(values, default=0) or 1
    bars = []
    for index, (label, value) in enumerate(items):
        w = 0.0 if value is None else plot_w * max(float(value), 0) / top
        y = 4 + index * row_h
        bars.append(
            Bar(
                label=label,
                value_text=format_number(value, decimals),
                x=label_w,
                y=y + 4,
                width=round(w, 1),
                height=row_h - 8,
                text_x=round(label_w + w + 6, 1),
                text_y=y + row_h / 2 + 5,
                highlight=highlight is not None and label == highlight,
            )
        )
    return Chart(
        kind="bars",
        title=title,
        description=description,
        width=WIDTH,
        height=height,
        bars=bars,
        empty=not values,
    )


def line_chart(
    items: list[tuple[str, Decimal | float | None]], *, title: str, description: str, decimals: int = 0
) -> Chart:
    """A line over time (a palace's 24 months); a month without a figure breaks the line.
    Every sixth label is written under the axis so that 24 of them fit on a phone."""
    left, right, top_pad, bottom = 52, 10, 14, 26
    height = 200
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    values = [float(v) for _label, v in items if v is not None]
    top = 4 * nice_ceiling(max(values, default=0) / 4)  # four round steps on the axis
    step = plot_w / max(len(items) - 1, 1)
    paths, current, points, labels = [], [], [], []
    for index, (label, value) in enumerate(items):
        x = round(left + index * step, 1)
        if index % 6 == 0:
            labels.append(Bar(label, "", x, 0, 0, 0, x, height - bottom + 16))
        if value is None:
            if current:
                paths.append(current)
            current = []
            continue
        y = round(top_pad + plot_h - plot_h * float(value) / top, 1)
        current.append(f"{x:g},{y:g}")
        points.append(Bar(label, format_number(value, decimals), x, y, 0, 0, x, y))
    if current:
        paths.append(current)
    return Chart(
        kind="line",
        title=title,
        description=description,
        width=WIDTH,
        height=height,
        ticks=_ticks(top, y0=top_pad + plot_h, plot_height=plot_h, decimals=decimals),
        line_paths=[" ".join(path) for path in paths if path],
        points=points,
        labels=labels,
        empty=not values,
    )
