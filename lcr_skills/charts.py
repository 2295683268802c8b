"""Server-side SVG charts: horizontal bars (plain, grouped, stacked), weekly columns and lines.

The hub dashboard (matching) and the employer's funds page (apprenticeships) both draw them, so they
live below both apps.

Each chart is an `<svg role="img">` named by its `<title>` and `<desc>`; series differ by pattern,
dash and marker shape as well as colour, and carry their values as text, so nothing depends on
colour alone. The figures are also in the table under each chart. No JavaScript.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString

from lcr_skills import formats

WIDTH = 800
LABEL_WIDTH = 290  # category labels left of horizontal bars
VALUE_SPACE = 120  # room right of the longest bar for its value
FONT = 16
SMALL = 14
INK, GRID, MUTED = "#0b0c0c", "#b1b4b6", "#505a5f"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | int | None]


@dataclass(frozen=True)
class Style:
    colour: str
    pattern: str  # solid, stripes, dots, cross, zigzag
    dash: str  # stroke-dasharray for lines ("" = solid)
    marker: str  # circle, square, triangle, diamond


# GOV.UK colours, each with its own pattern, dash and marker.
STYLES = (
    Style("#1d70b8", "solid", "", "circle"),
    Style("#d4351c", "stripes", "8 4", "square"),
    Style("#00703c", "dots", "2 3", "triangle"),
    Style("#4c2c92", "cross", "12 4 2 4", "diamond"),
    Style("#f47738", "zigzag", "4 2", "circle"),
    Style("#505a5f", "solid", "1 3", "square"),
)


def number(value: float | int | None) -> str:
    return "–" if value is None else f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def money(value: float | int | None) -> str:
    return "–" if value is None else formats.money(value, whole=True)


def percent(value: float | int | None) -> str:
    return "–" if value is None else f"{value:,.1f}%"


def _attrs(**attrs: object) -> str:
    return " ".join(f'{key.rstrip("_").replace("_", "-")}="{escape(value)}"' for key, value in attrs.items())


def _text(x: float, y: float, content: str, **attrs: object) -> str:
    attrs = {"font_size": FONT, "fill": INK, **attrs}
    return f'<text x="{x:.1f}" y="{y:.1f}" {_attrs(**attrs)}>{escape(content)}</text>'


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _patterns(chart_id: str, count: int) -> str:
    """One <pattern> per series style: colour and texture, so series differ without colour too."""
    shapes = {
        "stripes": '<path d="M0 8 L8 0 M-2 2 L2 -2 M6 10 L10 6" stroke="{c}" stroke-width="3"/>',
        "dots": '<circle cx="4" cy="4" r="2.2" fill="{c}"/>',
        "cross": '<path d="M0 0 L8 8 M8 0 L0 8" stroke="{c}" stroke-width="1.6"/>',
        "zigzag": '<path d="M0 6 L2 2 L4 6 L6 2 L8 6" stroke="{c}" stroke-width="1.6" fill="none"/>',
    }
    defs = []
    for index, style in enumerate(STYLES[:count]):
        if style.pattern in shapes:
            defs.append(
                f'<pattern id="{chart_id}-p{index}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<rect width="8" height="8" fill="#ffffff"/>{shapes[style.pattern].format(c=style.colour)}</pattern>'
            )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _fill(chart_id: str, index: int) -> str:
    style = STYLES[index % len(STYLES)]
    return style.colour if style.pattern == "solid" else f"url(#{chart_id}-p{index % len(STYLES)})"


class Chart(SafeString):
    """A chart's SVG markup that also knows its title, for a visible caption above it."""

    title: str = ""


def _svg(chart_id: str, title: str, desc: str, height: float, body: list[str], count: int) -> Chart:
    chart = Chart(
        f'<svg class="app-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{_patterns(chart_id, count)}{''.join(body)}</svg>"
    )  # every piece of text in `body` went through escape()
    chart.title = title
    return chart


def nice_ticks(top: float, most: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top` (1, 2 or 5 times a power of ten apart)."""
    if top <= 0:
        return [0, 1]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= raw)
    step = max(step, 1)
    return [step * i for i in range(math.ceil(top / step) + 1)]


def _legend(chart_id: str, series: Sequence[Series], y: float, *, lines: bool = False) -> tuple[list[str], float]:
    """Swatches and names, one per line, when there is more than one series."""
    if len(series) < 2:
        return [], y
    parts = []
    for index, item in enumerate(series):
        style = STYLES[index % len(STYLES)]
        if lines:
            parts.append(
                f'<line x1="0" y1="{y + 8}" x2="28" y2="{y + 8}" stroke="{style.colour}" stroke-width="3" '
                f'stroke-dasharray="{style.dash}"/>{_marker(style, 14, y + 8)}'
            )
        else:
            parts.append(
                f'<rect x="0" y="{y}" width="28" height="16" fill="{_fill(chart_id, index)}" '
                f'stroke="{INK}" stroke-width="1"/>'
            )
        parts.append(_text(36, y + 14, item.name))
        y += 24
    return parts, y + 8


def _axis(ticks: list[float], x0: float, plot_width: float, top: float, bottom: float, fmt: Callable) -> list[str]:
    parts = []
    for tick in ticks:
        x = x0 + plot_width * tick / ticks[-1]
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(x, bottom + 16, fmt(tick), font_size=SMALL, fill=MUTED, text_anchor="middle"))
    return parts


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    fmt: Callable[[float | int | None], str] = number,
) -> SafeString:
    """Horizontal bars: one per label and series (grouped), or the series end to end (stacked)."""
    bar = 28 if stacked or len(series) == 1 else 20
    group = bar if stacked else bar * len(series)
    legend, y = _legend(chart_id, series, 0)
    plot_width = WIDTH - LABEL_WIDTH - VALUE_SPACE
    totals = [sum(float(s.values[i] or 0) for s in series) for i in range(len(labels))]
    top = max(totals if stacked else [float(v or 0) for s in series for v in s.values], default=0)
    ticks = nice_ticks(top)
    scale = plot_width / ticks[-1]
    body, plot_top = legend, y
    for i, label in enumerate(labels):
        body.append(_text(LABEL_WIDTH - 10, y + group / 2 + 6, _short(label), text_anchor="end"))
        x = LABEL_WIDTH
        for index, item in enumerate(series):
            value = float(item.values[i] or 0)
            width = value * scale
            bar_y = y if stacked else y + index * bar
            if width > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{width:.1f}" height="{bar - 2}" '
                    f'fill="{_fill(chart_id, index)}" stroke="{INK}" stroke-width="1"/>'
                )
            if stacked:
                label_text = fmt(item.values[i])
                if value and width >= 9 * len(label_text) + 10:  # the value in a white chip inside its segment
                    chip = 8 * len(label_text) + 6
                    cx = x + width / 2
                    body.append(
                        f'<rect x="{cx - chip / 2:.1f}" y="{bar_y + 3:.1f}" width="{chip:.1f}" height="{bar - 8}" '
                        f'fill="#ffffff" rx="2"/>'
                    )
                    body.append(_text(cx, bar_y + bar / 2 + 4, label_text, font_size=SMALL, text_anchor="middle"))
                x += width
            else:
                body.append(_text(x + width + 6, bar_y + bar / 2 + 4, fmt(item.values[i]), font_size=SMALL))
        if stacked:
            body.append(_text(x + 6, y + bar / 2 + 4, fmt(totals[i]), font_size=SMALL, font_weight="bold"))
        y += group + 12
    axis = _axis(ticks, LABEL_WIDTH, plot_width, plot_top - 4, y, fmt)
    return _svg(chart_id, title, desc, y + 26, axis + body, len(series))


def _marker(style: Style, x: float, y: float) -> str:
    colour = style.colour
    if style.marker == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if style.marker == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'
    if style.marker == "diamond":
        points = f"M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z"
        return f'<path d="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _x_labels(labels: Sequence[str], x_of: Callable[[int], float], y: float) -> list[str]:
    """Every how-many-th label fits without overlapping its neighbours (dates are written out in full)."""
    if not labels:
        return []
    step = abs(x_of(1) - x_of(0)) if len(labels) > 1 else WIDTH
    room = max(len(label) for label in labels) * SMALL * 0.6 + 16  # about 0.6 em a character in Arial
    every = max(1, math.ceil(room / step))
    return [
        _text(x_of(i), y, label, font_size=SMALL, fill=MUTED, text_anchor="middle")
        for i, label in enumerate(labels)
        if (len(labels) - 1 - i) % every == 0  # counted back from the latest, which is always labelled
    ]


def _y_axis(ticks: list[float], left: float, right: float, y_of: Callable[[float], float], fmt: Callable) -> list[str]:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 6, y + 4, fmt(tick), font_size=SMALL, fill=MUTED, text_anchor="end"))
    return parts


def column_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float | int],
    fmt: Callable[[float | int | None], str] = number,
) -> SafeString:
    """Vertical bars over time (one a week), each labelled with its value where there is room."""
    left, right, top, height = 70, WIDTH - 50, 24, 240  # room right of the last bar for its date
    ticks = nice_ticks(max([float(v or 0) for v in values], default=0))
    slot = (right - left) / max(len(values), 1)

    def y_of(value: float) -> float:
        return top + height - height * value / ticks[-1]

    body = _y_axis(ticks, left, right, y_of, fmt)
    room = slot >= 8 * max((len(fmt(v)) for v in values), default=1)
    peak = max(range(len(values)), key=lambda i: values[i] or 0, default=0)
    for i, value in enumerate(values):
        x, y = left + slot * i + slot * 0.15, y_of(float(value or 0))
        if value:
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{top + height - y:.1f}" '
                f'fill="{STYLES[0].colour}" stroke="{INK}" stroke-width="1"/>'
            )
            if room or i in (peak, len(values) - 1):
                body.append(_text(x + slot * 0.35, y - 5, fmt(value), font_size=SMALL, text_anchor="middle"))
    body += _x_labels(labels, lambda i: left + slot * (i + 0.5), top + height + 18)
    return _svg(chart_id, title, desc, top + height + 30, body, 1)


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float | int | None], str] = number,
) -> SafeString:
    """Lines over time, one per series, each with its own dash and marker and named at its end."""
    legend, top = _legend(chart_id, series, 0, lines=True)
    left, right, height = 70, WIDTH - 210, 240
    ticks = nice_ticks(max([float(v or 0) for s in series for v in s.values], default=0))
    step = (right - left) / max(len(labels) - 1, 1)

    def y_of(value: float) -> float:
        return top + 10 + height - height * value / ticks[-1]

    body = legend + _y_axis(ticks, left, right, y_of, fmt)
    ends = []
    for index, item in enumerate(series):
        style = STYLES[index % len(STYLES)]
        points = [(left + step * i, y_of(float(v or 0))) for i, v in enumerate(item.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{style.colour}" stroke-width="2.5" '
            f'stroke-dasharray="{style.dash}"/>'
        )
        # Markers where something happened (and at the end): a row of them along zero hides the lines.
        body += [_marker(style, x, y) for (x, y), v in zip(points, item.values, strict=True) if v] + (
            [_marker(style, *points[-1])] if points and not item.values[-1] else []
        )
        if points:
            ends.append([points[-1][1], f"{item.name}: {fmt(item.values[-1])}"])
    # Direct labels at the right-hand end, nudged apart so that they never overlap.
    ends.sort()
    for k in range(1, len(ends)):
        ends[k][0] = max(ends[k][0], ends[k - 1][0] + 18)
    body += [_text(right + 10, y + 4, text, font_size=SMALL) for y, text in ends]
    bottom = max(top + 10 + height, ends[-1][0] if ends else 0)
    body += _x_labels(labels, lambda i: left + step * i, bottom + 20)
    return _svg(chart_id, title, desc, bottom + 32, body, len(series))
