import django_filters
from django import forms
from rest_framework import filters, serializers
from rest_framework.request import Request

from apprenticeships.models import Standard
from lcr_skills.text import text_problem

# Signed ranges of PostgreSQL's `integer` (every integer field) and `bigint` (every id: BigAutoField).
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1
DB_BIGINT_MIN, DB_BIGINT_MAX = -(2**63), 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A filter on an integer column: a whole number the database can compare, or a 400 (not a 500)."""

    field_class = forms.IntegerField
    bounds = (DB_INT_MIN, DB_INT_MAX)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", self.bounds[0])
        kwargs.setdefault("max_value", self.bounds[1])
        super().__init__(*args, **kwargs)


class IdFilter(IntegerFilter):
    """A filter on an id (a 64-bit column)."""

    bounds = (DB_BIGINT_MIN, DB_BIGINT_MAX)


class StandardFilter(django_filters.FilterSet):
    level = IntegerFilter()
    route = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=Standard.Status.choices)

    class Meta:
        model = Standard
        fields = ["level", "route", "status"]


class SearchFilter(filters.SearchFilter):
    """DRF's `?search=`, held to the single-line text rule: a control character is a 400 naming `search`."""

    def get_search_terms(self, request: Request) -> list[str]:
        problem = text_problem(request.query_params.get(self.search_param, ""))
        if problem:
            raise serializers.ValidationError({self.search_param: [problem]})
        return super().get_search_terms(request)
