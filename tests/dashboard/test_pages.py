"""The dashboard page and its CSV exports, as hub staff see them; nobody else may."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.dashboard import reports
from matching.dashboard.reports import REPORTS
from tests.dashboard.conftest import Market, suggest
from tests.factories import PASSWORD
from tests.market_factories import VacancyFactory

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


class IdCollector(HTMLParser):
    """Every id attribute in a page, in order (repeats kept)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [value for name, value in attrs if name == "id" and value is not None]

    @classmethod
    def of(cls, body: str) -> list[str]:
        parser = cls()
        parser.feed(body)
        return parser.ids


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_dashboard_shows_each_section_with_charts_and_tables(client, hannah, market: Market) -> None:
    body = signed_in(client, hannah).get(reverse("dashboard")).text

    for heading in ["Coverage", "Equity", "Flow", "Levy", "Providers"]:
        assert f'-heading">{heading}</h2>' in body
    charts = re.findall(r'<svg class="app-chart" role="img" aria-labelledby="([\w-]+)-title \1-desc"', body)
    assert charts == [
        "chart-route",
        "chart-standard",
        "chart-authority",
        "chart-gaps",
        "chart-equity-shares",
        "chart-equity-days",
        "chart-equity-deciles",
        "chart-flow-made",
        "chart-flow-decisions",
        "chart-flow-reasons",
        "chart-levy",
        "chart-providers",
    ]
    title = "Live vacancies with and without a provider, by local authority"
    assert f'<title id="chart-authority-title">{title}</title>' in body
    # One table per report but the levy-transfer ones (nobody has pledged in this market), and the
    # flow's rejections by reason.
    with_data = [name for name in REPORTS if not name.startswith("pledges")]
    assert body.count('<table class="govuk-table app-dashboard-table">') == len(with_data) + 1


def test_every_chart_has_a_visible_title(client, hannah, market: Market) -> None:
    body = signed_in(client, hannah).get(reverse("dashboard")).text

    figures = re.findall(r'<figure class="app-chart-container">(.*?)</figure>', body, re.S)
    assert len(figures) == body.count('<svg class="app-chart')  # the charts and the reach map
    for figure in figures:
        caption = re.search(r"<figcaption[^>]*>([^<]+)</figcaption>", figure)
        assert caption is not None and caption[1] in figure[caption.end() :]  # the SVG's own title, shown
    days = "Median days from a vacancy going live to an approved match, by local authority"
    assert f'<figcaption class="govuk-heading-s app-chart-title">{days}</figcaption>' in body


def test_the_weekly_table_shows_only_weeks_with_something_in_them(client, hannah, market: Market) -> None:
    body = signed_in(client, hannah).get(reverse("dashboard")).text
    flow = body[body.index('id="report-flow"') : body.index('id="report-levy"')]
    weekly = flow[flow.index("<caption") : flow.index("</table>")]

    weeks = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', weekly)
    assert 1 <= len(weeks) < 26
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", week) for week in weeks)
    assert "Rejected: too far" not in weekly  # the reasons have their own table
    assert re.search(r'<th scope="row"[^>]*>Too far[^<]*</th>\s*<td[^>]*>1</td>', flow)


def test_wide_tables_scroll_in_a_named_focusable_region(client, hannah, market: Market) -> None:
    body = signed_in(client, hannah).get(reverse("dashboard")).text

    tables = body.count('<table class="govuk-table app-dashboard-table">')
    regions = re.findall(r'<div class="app-table-container" role="region" aria-label="([^"]+)" tabindex="0">', body)
    assert len(regions) == tables and all(regions)
    assert "scroll the table sideways" in body


def test_the_dashboard_tables_carry_the_figures(client, hannah, market: Market) -> None:
    body = signed_in(client, hannah).get(reverse("dashboard")).text
    table = body[body.index('id="report-coverage-by-authority"') :]
    knowsley = re.search(r'<th scope="row" class="govuk-table__header">Knowsley</th>(.*?)</tr>', table, re.S).group(1)

    assert re.findall(r">([^<]+)</td>", knowsley) == ["2", "1", "1", "0"]
    shortfall = reports.levy_transfers_needed()[0]["shortfall"]
    assert f"£{shortfall:,.0f}" in body  # Employer A's shortfall
    assert "Employer A" in body[body.index('id="report-levy-transfers"') :]
    assert "2 Good" in body  # Provider A's Ofsted grade beside its places
    assert "50.0%" in body


def test_the_charts_label_their_values_and_name_their_series(client, hannah, market: Market) -> None:
    body = signed_in(client, hannah).get(reverse("dashboard")).text
    chart = re.search(r'<svg class="app-chart"[^>]*chart-authority-title.*?</svg>', body, re.S).group(0)

    assert "<desc" in chart
    assert ">Without a provider</text>" in chart and ">With a provider</text>" in chart
    assert "url(#chart-authority-p2)" in chart  # a pattern, not only a colour, for the third series
    assert ">Knowsley</text>" in chart


def test_the_dashboard_says_so_when_there_is_nothing_to_show(client, hannah) -> None:
    body = signed_in(client, hannah).get(reverse("dashboard")).text

    assert body.count("There are no live vacancies.") == 4  # each coverage report, gaps included
    assert body.count("No vacancy has gone live yet.") == 2
    assert "Nothing has been suggested or decided in these weeks." in body
    assert "There are no levy-paying employers." in body
    assert "No levy payer needs a transfer." in body
    assert "No provider has a course offer yet." in body
    assert "No levy payer has pledged yet." in body
    assert "<svg" not in body[body.index('id="coverage"') : body.index('id="reach"')]
    # The neighbourhoods are places, not the market: the reach map shows them, none worked out yet.
    assert "Neighbourhood: reach not worked out yet (1,003)" in body[body.index('id="reach"') :]
    assert body.count("download>Download “") == len(REPORTS)  # the CSVs are there, with just their headers


def test_the_hub_finds_the_dashboard_from_its_home_page_and_the_navigation(client, hannah) -> None:
    body = signed_in(client, hannah).get(reverse("home")).text

    assert body.count('href="/dashboard/"') == 2
    assert re.search(r'href="/dashboard/">\s*Dashboard\s*</a>', body)


def test_employers_and_providers_have_no_dashboard_link(client, alice, priya) -> None:
    for user in (alice, priya):
        assert 'href="/dashboard/"' not in signed_in(client, user).get(reverse("home")).text


@pytest.mark.parametrize("persona", ["alice", "bob", "priya", "quentin"])
def test_only_hub_staff_may_see_the_dashboard_or_its_csv(client, request, persona) -> None:
    signed_in(client, request.getfixturevalue(persona))

    assert client.get(reverse("dashboard")).status_code == 403
    assert client.get(reverse("dashboard-export", args=["levy"])).status_code == 403


def test_anonymous_visitors_are_asked_to_sign_in(client) -> None:
    for url in [reverse("dashboard"), reverse("dashboard-export", args=["coverage-by-route"])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_a_csv_export_is_a_named_utf8_download_of_every_row(client, hannah, market: Market) -> None:
    response = signed_in(client, hannah).get(reverse("dashboard-export", args=["coverage-by-authority"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="lcr-skills-match-coverage-by-authority-{today}.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Local authority",
        "Code",
        "Live vacancies",
        "With a provider",
        "Without a provider",
        "Not matched yet",
    ]
    assert rows[2] == ["Knowsley", "E08000011", "2", "1", "1", "0"]
    assert rows[-1] == ["Outside the city region", "", "1", "0", "0", "1"]
    assert len(rows) == 1 + 7


def test_csv_money_is_in_pounds_and_pence_and_unknowns_are_blank(client, hannah, market: Market) -> None:
    signed_in(client, hannah)
    levy = read_csv(client.get(reverse("dashboard-export", args=["levy"])))
    equity = read_csv(client.get(reverse("dashboard-export", args=["equity-by-authority"])))

    liverpool = dict(zip(levy[0], levy[1], strict=True))
    shortfall = reports.levy_transfers_needed()[0]["shortfall"]
    assert (liverpool["Funds a year"], liverpool["Shortfall"]) == ("10000.00", f"{shortfall:.2f}")
    outside = dict(zip(equity[0], equity[-1], strict=True))
    assert (outside["Share of residents"], outside["Median days from live to approved"]) == ("", "")
    assert outside["Share of vacancies"] == "14.3"


def test_the_csv_has_every_row_where_the_page_shows_the_first(client, hannah, market: Market) -> None:
    signed_in(client, hannah)
    week = read_csv(client.get(reverse("dashboard-export", args=["flow"])))
    header, last = week[0], dict(zip(week[0], week[-1], strict=True))

    assert header[:4] == ["Week beginning", "Suggestions made", "Approved", "Rejected"]
    assert "Rejected: too far" in header
    assert (last["Suggestions made"], last["Approved"], last["Rejected: too far"]) == ("4", "2", "1")
    assert len(week) == 1 + 26


def test_an_unknown_export_is_not_found(client, hannah) -> None:
    assert signed_in(client, hannah).get("/dashboard/export/nonsense.csv").status_code == 404


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(queries)


def test_the_dashboard_costs_the_same_queries_whatever_the_size_of_the_market(client, hannah, market: Market) -> None:
    signed_in(client, hannah)
    small = _queries(client)
    employer = market.vacancies["k1"].employer
    for postcode in ["WA7 1AA", "WA10 1AA", "L36 9UA", "PR9 0AA", "M1 1AE"] * 3:
        vacancy = VacancyFactory(employer=employer, status="live", postcode=postcode)
        suggest(vacancy, market.offers["a"])

    assert _queries(client) == small


def test_the_sign_in_persona_password_still_works_for_the_dashboard(client, hannah) -> None:
    assert client.login(username="hannah", password=PASSWORD)
    assert client.get(reverse("dashboard")).status_code == 200


def test_no_two_elements_on_the_dashboard_share_an_id(client, hannah, market: Market) -> None:
    body = signed_in(client, hannah).get(reverse("dashboard")).text

    ids = IdCollector.of(body)

    assert ids, "the page has ids to check"
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
