from rest_framework import pagination
from rest_framework.response import Response

from lcr_skills.counting import EstimatingPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page numbers; `count` is exact up to EXACT_COUNT_LIMIT, above it an estimate that
    `count_is_estimate` says is one (lcr_skills/counting.py)."""

    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = EstimatingPaginator

    def get_paginated_response(self, data: list) -> Response:
        response = super().get_paginated_response(data)
        body = {}
        for name, value in response.data.items():
            body[name] = value
            if name == "count":
                body["count_is_estimate"] = self.page.paginator.total.estimated
        response.data = body
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        properties = {}
        for name, value in paginated["properties"].items():
            properties[name] = value
            if name == "count":
                properties["count_is_estimate"] = {
                    "type": "boolean",
                    "description": "true when `count` is the database's estimate (above EXACT_COUNT_LIMIT rows).",
                    "example": False,
                }
        paginated["properties"] = properties
        paginated["required"] = [*paginated.get("required", []), "count_is_estimate"]
        return paginated
