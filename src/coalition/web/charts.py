"""Bar charts as accessible SVG, drawn on the server.

Each chart is an ``<svg role="img">`` with a title and a description naming its
largest bar, and the page shows the same numbers in a table right after it
(``chart.html``'s macro), so nothing is only in the picture. Hidden (suppressed)
values are drawn as no bar and said "hidden" in the table.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from markupsafe import Markup, escape

WIDTH = 640
BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 220
# Two colours with at least 3:1 contrast against white and each other's patterns.
COLOURS = ("#1f5fa8", "#b34700")
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass
class Chart:
    title: str
    labels: list[str]
    series: list[Series]
    unit: str = ""
    chart_id: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    @property
    def rows(self) -> list[tuple[str, list[float | None]]]:
        return [(label, [s.values[i] for s in self.series]) for i, label in enumerate(self.labels)]

    def svg(self) -> Markup:
        values = [v for s in self.series for v in s.values if v is not None]
        top = max(values, default=0) or 1
        group = BAR_HEIGHT * len(self.series) + GAP
        height = max(group * len(self.labels) + 30, 60)
        plot = WIDTH - LABEL_WIDTH - 70
        parts = [
            f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
            f'aria-labelledby="{self.chart_id}-t {self.chart_id}-d" '
            f'xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{self.chart_id}-t">{escape(self.title)}</title>',
            f'<desc id="{self.chart_id}-d">{escape(self.description())}</desc>',
        ]
        for i, label in enumerate(self.labels):
            y = i * group + 4
            parts.append(
                f'<text x="0" y="{y + BAR_HEIGHT * len(self.series) / 2 + 5:.0f}" '
                f'class="chart-label">{escape(_short(label))}</text>'
            )
            for j, series in enumerate(self.series):
                value = series.values[i]
                bar_y = y + j * BAR_HEIGHT
                if value is None:
                    parts.append(
                        f'<text x="{LABEL_WIDTH}" y="{bar_y + 16}" class="chart-hidden">'
                        "hidden</text>"
                    )
                    continue
                width = max(plot * value / top, 1 if value else 0)
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{width:.1f}" '
                    f'height="{BAR_HEIGHT - 4}" fill="{COLOURS[j % len(COLOURS)]}"/>'
                )
                parts.append(
                    f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{bar_y + 14}" '
                    f'class="chart-value">{escape(_figure(value))}</text>'
                )
        if len(self.series) > 1:
            legend_y = height - 8
            for j, series in enumerate(self.series):
                x = LABEL_WIDTH + j * 170
                parts.append(
                    f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" '
                    f'fill="{COLOURS[j % len(COLOURS)]}"/>'
                    f'<text x="{x + 18}" y="{legend_y}" class="chart-label">'
                    f"{escape(series.name)}</text>"
                )
        parts.append("</svg>")
        # Every text in it went through escape(); the numbers are formatted by us.
        return Markup("".join(parts))  # noqa: S704

    def description(self) -> str:
        if not self.labels:
            return "No data yet."
        first = self.series[0]
        shown = [
            (v, label) for v, label in zip(first.values, self.labels, strict=True) if v is not None
        ]
        if not shown:
            return "Every figure is hidden to protect small groups."
        value, label = max(shown)
        return (
            f"{len(self.labels)} bars; the largest {first.name.lower()} is {label} "
            f"at {_figure(value)}{(' ' + self.unit) if self.unit else ''}. "
            "The table after the chart lists every figure."
        )


def to_number(value: object) -> float | None:
    """A figure from GraphQL (a number or a decimal string), or None when hidden."""
    if value is None or value == "":
        return None
    try:
        return float(Decimal(str(value).replace(",", "").lstrip("$")))
    except (InvalidOperation, ValueError):
        return None


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
