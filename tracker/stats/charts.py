"""Trend charts drawn on the server as SVG: an authority's figure over the years against the
average of its type. Each chart names itself and lists its values for screen readers, and
the page shows the same numbers in a table; colour is never the only difference (the
average's line is dashed, its points hollow)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
BLUE, GREY, TEXT, GRID = "#1d70b8", "#505a5f", "#0b0c0c", "#b1b4b6"


@dataclass(frozen=True)
class Trend:
    """One figure over the years: the authority's values and its type's averages."""

    key: str  # used in element ids
    title: str
    unit: str  # "%" or " per 100,000"
    years: Sequence[str]
    values: Sequence[Decimal | None]
    averages: Sequence[Decimal | None]

    def describe(self, value: Decimal | None) -> str:
        """`83%`, `4.5 per 100,000` or `no data`."""
        return "no data" if value is None else f"{value}{self.unit}"


def line_chart(trend: Trend, authority: str) -> Markup:
    """An accessible SVG line chart of `trend`."""
    top_value = _scale_top(trend)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(trend.years) - 1, 1)

    def x(index: int) -> float:
        return LEFT + (index * step if len(trend.years) > 1 else plot_width / 2)

    def y(value: Decimal) -> float:
        return TOP + plot_height * (1 - float(value) / top_value)

    chart_id = f"chart-{trend.key}"
    description = "; ".join(
        f"{year}: {authority} {trend.describe(value)}, similar authorities "
        f"{trend.describe(average)}"
        for year, value, average in zip(trend.years, trend.values, trend.averages, strict=True)
    )
    parts = [
        f'<svg class="app-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="14" fill="{TEXT}">',
        f'<title id="{chart_id}-title">{escape(trend.title)}: {escape(authority)} '
        "against similar authorities</title>",
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for tick in _ticks(top_value):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{y(tick) + 5:.1f}" text-anchor="end">'
            f"{_tick_label(tick, trend.unit)}</text>"
        )
    for index, year in enumerate(trend.years):
        parts.append(
            f'<text x="{x(index):.1f}" y="{HEIGHT - BOTTOM + 24}" text-anchor="middle">'
            f"{escape(year)}</text>"
        )
    parts += _series(trend.averages, x, y, GREY, dashed=True)
    parts += _series(trend.values, x, y, BLUE, dashed=False)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from escaped text and numbers only


def _series(
    values: Sequence[Decimal | None],
    x: Callable[[int], float],
    y: Callable[[Decimal], float],
    colour: str,
    *,
    dashed: bool,
) -> list[str]:
    """A line through the known points (broken where there is no data), and markers."""
    parts: list[str] = []
    run: list[str] = []
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    for index, value in enumerate([*values, None]):
        if value is not None:
            run.append(f"{x(index):.1f},{y(value):.1f}")
            continue
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                f'stroke-width="3"{dash}/>'
            )
        run = []
    for index, value in enumerate(values):
        if value is not None:
            fill = "#ffffff" if dashed else colour
            parts.append(
                f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="5" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
    return parts


def _scale_top(trend: Trend) -> float:
    """100 for percentages; a round number above the largest value otherwise."""
    if trend.unit == "%":
        return 100.0
    largest = max((float(v) for v in (*trend.values, *trend.averages) if v is not None), default=0)
    if largest <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(largest))
    for multiple in (1, 2, 2.5, 5, 10):
        if largest <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _ticks(top: float) -> list[Decimal]:
    return [Decimal(str(round(top * share / 4, 4))) for share in range(5)]


def _tick_label(tick: Decimal, unit: str) -> str:
    text = f"{tick.normalize():f}"
    return f"{text}%" if unit == "%" else text
