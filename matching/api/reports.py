"""Dashboard reports as JSON (hub staff): the same rows as the page and the CSV exports."""

from datetime import date
from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from matching.dashboard import reports
from matching.dashboard.reports import REPORTS, Column, Report


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=["text", "int", "money", "percent", "days", "week", "grade", "decile"],
        help_text="money is a string of pounds and pence; week the ISO date of its Monday.",
    )


class ReportSummarySerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    url = serializers.URLField()
    csv = serializers.URLField()


class ReportSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    columns = ColumnSerializer(many=True)
    count = serializers.IntegerField(help_text="Rows in the whole report.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    rows = serializers.ListField(child=serializers.DictField(), help_text="One object per row, keyed by column.")


def json_value(column: Column, value: object) -> object:
    if value is None:
        return None
    if column.kind == "money":
        return f"{Decimal(value):.2f}"  # as the API's other amounts: a string, so no pence are lost
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return round(float(value), 1)
    return value


class ReportViewSet(viewsets.GenericViewSet):
    """The dashboard's reports: coverage, equity, flow, levy and providers, each as named rows."""

    access_name = "reports"
    lookup_field = "name"
    lookup_value_regex = "[a-z][a-z-]*"
    filter_backends: list = []

    def _summary(self, report: Report) -> dict:
        return {
            "name": report.name,
            "title": report.title,
            "description": report.description,
            "url": reverse("report-detail", args=[report.name], request=self.request),
            "csv": reverse("dashboard-export", args=[report.name], request=self.request),
        }

    @extend_schema(responses=ReportSummarySerializer(many=True))
    def list(self, request: Request) -> Response:
        """Every report, with where to get it as JSON and as CSV."""
        page = self.paginate_queryset([self._summary(report) for report in REPORTS.values()])
        return self.get_paginated_response(page)

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="A page number within the rows."),
            OpenApiParameter("page_size", int, description="Rows per page (at most 100)."),
        ],
        responses=ReportSerializer,
    )
    def retrieve(self, request: Request, name: str | None = None) -> Response:
        """One report: its columns, and its rows a page at a time."""
        report = REPORTS.get(name or "")
        if report is None:
            raise NotFound("No such report.")
        rows = self.paginate_queryset(reports.report_rows(report))
        body = {
            "name": report.name,
            "title": report.title,
            "description": report.description,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in report.columns],
            "count": self.paginator.page.paginator.count,
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "rows": [{c.key: json_value(c, row.get(c.key)) for c in report.columns} for row in rows],
        }
        return Response(body)
