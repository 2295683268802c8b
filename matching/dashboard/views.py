"""The hub dashboard: the region at a glance (matching.dashboard.panels), and each report as CSV."""

import csv
from datetime import date
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apprenticeships.models import Role
from apprenticeships.permissions import role_required
from lcr_skills.text import csv_row
from matching.dashboard import reports
from matching.dashboard.panels import dashboard_context
from matching.dashboard.reports import REPORTS, Column, Report


@role_required(Role.HUB)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/index.html", dashboard_context(reports.dashboard_figures()))


@role_required(Role.HUB)
def export(request: HttpRequest, name: str) -> HttpResponse:
    report = REPORTS.get(name)
    if report is None:
        raise Http404("No such report")
    filename = f"lcr-skills-match-{name}-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # an export is kept where the hub saves it, not in a cache
    response.write("\ufeff")  # a byte-order mark, so that spreadsheet programs read the file as UTF-8
    write_csv(response, report, reports.report_rows(report))
    return response


def write_csv(out: HttpResponse, report: Report, rows: list[dict]) -> None:
    writer = csv.writer(out)
    writer.writerow(csv_row(column.label for column in report.columns))
    # Names and titles are typed by employers and providers: none may become a formula in the hub's spreadsheet.
    writer.writerows(csv_row(csv_value(column, row.get(column.key)) for column in report.columns) for row in rows)


def csv_value(column: Column, value: object) -> object:
    """Plain figures for spreadsheets: pounds and pence, ISO dates, blank for unknown."""
    if value is None:
        return ""
    if column.kind == "money":
        return f"{Decimal(value):.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return f"{value:.1f}"
    return value
