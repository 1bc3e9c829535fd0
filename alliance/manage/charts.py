"""Charts drawn on the server as SVG geometry (the CSP forbids inline styles and scripts).

The functions return plain numbers for the templates: every shape's position and size is an SVG
attribute; colours come from the stylesheet's classes. The pages always show the numbers as a
table beside the chart, so the chart itself is decoration for screen readers (`aria-hidden`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

# The column chart's drawing box (viewBox units); the page scales it to the column's width.
WIDTH, HEIGHT = 300, 180
LEFT, RIGHT, TOP, BOTTOM = 30, 4, 20, 24


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    centre: float
    is_last: bool

    @property
    def value_y(self) -> float:
        return round(self.y - 5, 2)


@dataclass(frozen=True)
class Gridline:
    y: float
    value: int


@dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    gridlines: list[Gridline]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    label_y: float = HEIGHT - 7
    axis_x: int = LEFT - 5


def nice_ceiling(value: float) -> int:
    """A round maximum at or above `value` (1, 2, 4, 6, 8 × 10ⁿ), divisible by 4 for the gridlines."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value))
    candidate = next(step * power for step in (1, 2, 4, 6, 8, 10) if step * power >= value)
    return int(math.ceil(candidate / 4) * 4)


def column_chart(points: list[tuple[str, int]]) -> ColumnChart:
    """Columns for `(label, value)` points, scaled to a round maximum with four gridlines."""
    top = nice_ceiling(max((v for _label, v in points), default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(points), 1)
    bar = min(slot * 0.62, 48)
    columns = []
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top
        centre = LEFT + slot * i + slot / 2
        columns.append(
            Column(
                label=label,
                value=value,
                x=round(centre - bar / 2, 2),
                y=round(TOP + plot_h - h, 2),
                width=round(bar, 2),
                height=round(h, 2),
                centre=round(centre, 2),
                is_last=i == len(points) - 1,
            )
        )
    gridlines = [
        Gridline(y=round(TOP + plot_h - plot_h * k / 4, 2), value=round(top * k / 4)) for k in range(5)
    ]
    return ColumnChart(columns=columns, gridlines=gridlines)


def percent(part: Decimal | int, whole: Decimal | int) -> float:
    """`part` as a percentage of `whole`, within 0–100 (one decimal), for an SVG bar's width."""
    if not whole:
        return 0.0
    return round(min(max(float(part) / float(whole) * 100, 0.0), 100.0), 1)
