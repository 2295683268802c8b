import django_filters
from django import forms

from apprenticeships.models import Standard

# The signed 32-bit range every integer column shares (SQLite and PostgreSQL `integer`).
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A filter on an integer column: a whole number the database can compare, or a 400 (not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", DB_INT_MIN)
        kwargs.setdefault("max_value", DB_INT_MAX)
        super().__init__(*args, **kwargs)


class StandardFilter(django_filters.FilterSet):
    level = IntegerFilter()
    route = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=Standard.Status.choices)

    class Meta:
        model = Standard
        fields = ["level", "route", "status"]
