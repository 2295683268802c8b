"""A server-side SVG dot map (no tiles, no JavaScript): places as dots on a plain projection.

Drawn like lcr_skills.charts: an `<svg role="img">` named by `<title>` and `<desc>`; classes of
dots differ by shape and outline as well as colour, and the legend counts each class, so nothing
depends on colour alone. The figures behind the map are in the table under it.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape

from lcr_skills.charts import FONT, INK, MUTED, WIDTH, Chart

MARGIN = 12
LEGEND_ROW = 26


@dataclass(frozen=True)
class DotClass:
    name: str
    colour: str
    shape: str  # circle, ring, square, triangle
    size: float = 3.2


@dataclass(frozen=True)
class Dot:
    latitude: float
    longitude: float
    kind: int  # index into the map's classes
    label: str = ""


def _shape(cls: DotClass, x: float, y: float, label: str) -> str:
    title = f"<title>{escape(label)}</title>" if label else ""
    s = cls.size
    if cls.shape == "square":
        body = (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" '
            f'fill="{cls.colour}" stroke="{INK}" stroke-width="1"'
        )
    elif cls.shape == "triangle":
        points = f"{x:.1f},{y - s * 1.3:.1f} {x - s * 1.2:.1f},{y + s:.1f} {x + s * 1.2:.1f},{y + s:.1f}"
        body = f'<polygon points="{points}" fill="{cls.colour}" stroke="{INK}" stroke-width="1"'
    elif cls.shape == "ring":
        body = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s:.1f}" fill="none" stroke="{cls.colour}" stroke-width="1.5"'
    else:
        body = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s:.1f}" fill="{cls.colour}"'
    return f"{body}>{title}</{body.split()[0][1:]}>"


def dot_map(
    *, chart_id: str, title: str, desc: str, classes: Sequence[DotClass], dots: Sequence[Dot], height: int = 560
) -> Chart:
    """Dots at their coordinates, scaled to fit (longitude shrunk by the cosine of the mid latitude), with a legend."""
    legend_height = LEGEND_ROW * len(classes) + MARGIN
    body: list[str] = []
    if dots:
        lats = [d.latitude for d in dots]
        lons = [d.longitude for d in dots]
        squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span_x = max((max(lons) - min(lons)) * squeeze, 1e-6)
        span_y = max(max(lats) - min(lats), 1e-6)
        scale = min((WIDTH - 2 * MARGIN) / span_x, (height - 2 * MARGIN) / span_y)
        left = MARGIN + ((WIDTH - 2 * MARGIN) - span_x * scale) / 2
        for dot in sorted(dots, key=lambda d: d.kind):
            x = left + (dot.longitude - min(lons)) * squeeze * scale
            y = MARGIN + (max(lats) - dot.latitude) * scale
            body.append(_shape(classes[dot.kind], x, y, dot.label))
    counts = [sum(1 for d in dots if d.kind == k) for k in range(len(classes))]
    for k, cls in enumerate(classes):
        y = height + MARGIN + LEGEND_ROW * k + LEGEND_ROW / 2
        body.append(_shape(DotClass(cls.name, cls.colour, cls.shape, 6), MARGIN + 8, y, ""))
        text = f"{cls.name} ({counts[k]:,})"
        body.append(f'<text x="{MARGIN + 24}" y="{y + 5:.1f}" font-size="{FONT}" fill="{INK}">{escape(text)}</text>')
    total = height + legend_height
    chart = Chart(  # every piece of text in `body` went through escape()
        f'<svg class="app-chart app-map" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {total}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#f3f2f1" stroke="{MUTED}"/>'
        f"{''.join(body)}</svg>"
    )
    chart.title = title  # the dashboard shows it as the map's visible caption, as for every chart
    return chart
