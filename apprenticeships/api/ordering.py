"""Sorting only by what the caller may read (issue 12).

Sorting a list by a field the caller can't see is an oracle: with one value of its own in the
list, another provider found a hidden price by bisection in 21 requests. A view names the fields
only hub staff may sort by, each with the message anyone else gets (400), in `hub_only_ordering`.
"""

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from apprenticeships.permissions import is_hub

if TYPE_CHECKING:  # rest_framework.generics imports this module through DEFAULT_FILTER_BACKENDS
    from rest_framework.views import APIView


def hidden_ordering(view: "APIView", request: Request | None) -> dict[str, str]:
    """The fields this caller may not sort the view's list by, each with the reason to give."""
    hub_only: dict[str, str] = getattr(view, "hub_only_ordering", {})
    # No request: the schema, which documents every field (hub staff may use them all).
    if request is None or is_hub(request.user):
        return {}
    return hub_only


class RoleOrderingFilter(OrderingFilter):
    """DRF's OrderingFilter, refusing with a 400 a field the caller may not sort by.

    DRF silently ignores a field it doesn't allow; a refusal says so, so nobody takes the default
    order for the one they asked for, and nobody learns anything from the order either way.
    """

    def get_valid_fields(self, queryset: QuerySet, view: "APIView", context: dict | None = None) -> list:
        hidden = hidden_ordering(view, (context or {}).get("request"))
        return [item for item in super().get_valid_fields(queryset, view, context) if item[0] not in hidden]

    def get_ordering(self, request: Request, queryset: QuerySet, view: "APIView") -> list | tuple | None:
        hidden = hidden_ordering(view, request)
        params = request.query_params.get(self.ordering_param, "")
        asked = {term.strip().removeprefix("-") for term in params.split(",")}
        refused = sorted(asked & hidden.keys())
        if refused:
            raise ValidationError({self.ordering_param: [hidden[name] for name in refused]})
        return super().get_ordering(request, queryset, view)
