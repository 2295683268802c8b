"""The SVG charts: named for screen readers, readable without colour, and safe with any label."""

import re

from lcr_skills import charts
from lcr_skills.charts import Series


def bars(**overrides: object) -> str:
    options = {
        "chart_id": "chart-test",
        "title": "Vacancies by route",
        "desc": "Two routes.",
        "labels": ["Digital", "Construction"],
        "series": [Series("With a provider", [3, 1]), Series("Without a provider", [2, 0])],
    }
    return str(charts.hbar_chart(**{**options, **overrides}))


def test_a_chart_is_an_image_named_by_its_title_and_description() -> None:
    svg = bars()

    assert svg.startswith('<svg class="app-chart" role="img" aria-labelledby="chart-test-title chart-test-desc"')
    assert '<title id="chart-test-title">Vacancies by route</title>' in svg
    assert '<desc id="chart-test-desc">Two routes.</desc>' in svg


def test_series_differ_by_pattern_as_well_as_colour_and_are_named_in_a_legend() -> None:
    svg = bars()

    assert '<pattern id="chart-test-p1"' in svg
    assert 'fill="url(#chart-test-p1)"' in svg
    assert ">With a provider</text>" in svg and ">Without a provider</text>" in svg


def test_grouped_bars_carry_their_values_as_text() -> None:
    values = re.findall(r">(\d+)</text>", bars())

    assert {"3", "1", "2", "0"} <= set(values)


def test_stacked_bars_carry_each_total() -> None:
    svg = bars(stacked=True, series=[Series("A", [30, 10]), Series("B", [20, 0])])

    assert 'font-weight="bold">50</text>' in svg
    assert 'font-weight="bold">10</text>' in svg


def test_labels_and_titles_are_escaped() -> None:
    svg = bars(title="<script>alert(1)</script>", labels=["A & B", "<b>"])

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert ">A &amp; B</text>" in svg
    assert "<b>" not in svg


def test_long_labels_are_shortened_in_the_chart() -> None:
    svg = bars(labels=["Public service operational delivery officer (L3)", "Short"])

    assert "Public service operational deli…" in svg


def test_a_chart_of_nothing_still_draws() -> None:
    svg = bars(labels=[], series=[Series("None", [])])

    assert "</svg>" in svg


def test_weekly_columns_and_lines_label_the_latest_week() -> None:
    weeks = [f"{d} Mar" for d in (3, 10, 17, 24)]
    columns = str(charts.column_chart(chart_id="c", title="Made", desc="d", labels=weeks, values=[5, 0, 12, 7]))
    lines = str(
        charts.line_chart(
            chart_id="l",
            title="Decisions",
            desc="d",
            labels=weeks,
            series=[Series("Approved", [1, 2, 3, 4]), Series("Rejected", [0, 0, 1, 0])],
        )
    )

    assert ">12</text>" in columns and ">24 Mar</text>" in columns
    assert ">Approved: 4</text>" in lines and ">Rejected: 0</text>" in lines
    assert 'stroke-dasharray="8 4"' in lines  # the second series is dashed as well as coloured
    assert 'role="img"' in lines


def test_ticks_are_round_numbers_reaching_the_top() -> None:
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(4300) == [0, 1000, 2000, 3000, 4000, 5000]
    assert charts.nice_ticks(3) == [0, 1, 2, 3]
