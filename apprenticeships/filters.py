import django_filters

from apprenticeships.models import Standard


class StandardFilter(django_filters.FilterSet):
    level = django_filters.NumberFilter()
    route = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=Standard.Status.choices)

    class Meta:
        model = Standard
        fields = ["level", "route", "status"]
