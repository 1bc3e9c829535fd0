"""Horizontal bar charts drawn on the server as SVG geometry (the CSP forbids inline styles and
scripts). Positions and sizes are attributes; colours come from the stylesheet's classes. Pages
always show the numbers in a table beside the chart, so the chart is `aria-hidden`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 400
LABEL_W = 150  # room for a palace's or category's name at the left
BAR_X = LABEL_W + 6
BAR_W = WIDTH - BAR_X - 44  # room for the value at the right
ROW_H = 22
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    y: float
    width: float
    track: float
    css: str

    @property
    def text_y(self) -> float:
        return self.y + 11

    @property
    def value_x(self) -> float:
        return BAR_X + self.width + 4


@dataclass(frozen=True)
class Mark:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    marks: list[Mark]
    height: float
    width: int = WIDTH
    bar_x: int = BAR_X
    label_x: int = LABEL_W

    @property
    def mark_bottom(self) -> float:
        return self.height - 14

    @property
    def mark_label_y(self) -> float:
        return self.height - 3


def _short(label: str, limit: int = 12) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    items: list[tuple[str, Decimal | None, Decimal, str]],
    *,
    scale: Decimal,
    marks: list[tuple[Decimal, str]] = (),
) -> BarChart:
    """Bars for `(label, value, maximum, css class)`, each against a track as long as its maximum,
    all drawn to `scale` (the longest track). `marks`: vertical lines at given values."""
    scale = scale or Decimal(1)
    bars = []
    for index, (label, value, maximum, css) in enumerate(items):
        y = TOP + index * ROW_H
        width = float(min(value or 0, scale) / scale) * BAR_W
        track = float(min(maximum, scale) / scale) * BAR_W
        bars.append(
            Bar(label=_short(label), value=value, y=y, width=round(width, 2), track=round(track, 2), css=css)
        )
    height = TOP + len(items) * ROW_H + (18 if marks else 4)
    return BarChart(
        bars=bars,
        marks=[Mark(x=round(BAR_X + float(v / scale) * BAR_W, 2), label=label) for v, label in marks],
        height=height,
    )
