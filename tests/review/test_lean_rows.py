"""The suggestions list writes its rows without the serializer (issue 19: the review queue's page was
several times the cost of its query), so each row must be exactly what SuggestionSerializer writes: for
every status, with and without a levy-transfer pledge, and for the parties as for the hub."""

from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory
from rest_framework.utils import json

from matching import services
from matching.api.suggestions import SUGGESTION_COLUMNS, SuggestionSerializer, SuggestionViewSet
from matching.models import RejectReason, Suggestion
from matching.selectors import suggestion_rows_by_id
from tests.pledges.conftest import lena, levy_payer, make_pledge  # noqa: F401 - fixtures: a pledge to propose
from tests.review.test_queue import queue_market  # noqa: F401 - fixture: suggestions in four places

pytestmark = pytest.mark.django_db


def serializer_rows(user, ids: list[int]) -> list[dict]:
    """What SuggestionSerializer writes for these suggestions, read as the list's own queryset reads them."""
    request = APIRequestFactory().get("/api/v1/suggestions/")
    request.user = user
    view = SuggestionViewSet(request=request, format_kwarg=None, action="list")
    by_id = {s.pk: s for s in view.get_queryset().filter(id__in=ids)}
    data = SuggestionSerializer([by_id[i] for i in ids], many=True, context={"request": request}).data
    return json.loads(JSONRenderer().render(data))


def listed(api, user) -> list[dict]:
    response = api(user).get("/api/v1/suggestions/", {"page_size": 100})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_every_row_is_the_serializers_whatever_its_status_and_pledge(api, request, hannah):
    market, pledge_make = request.getfixturevalue("queue_market"), request.getfixturevalue("make_pledge")
    approved = market["wirral"]
    services.suggestion_approve(approved.pk, by=hannah, version=approved.version)
    rejected = market["liverpool_old"]
    services.suggestion_reject(rejected.pk, by=hannah, version=rejected.version, reason=RejectReason.TOO_FAR)
    Suggestion.objects.filter(pk=market["knowsley"].pk).update(
        pledge=pledge_make(), transfer_amount=Decimal("1234.50"), pledge_reason="Open to Knowsley's employers."
    )

    rows = listed(api, hannah)

    assert {row["status"] for row in rows} == {"approved", "rejected", "suggested"}
    assert any(row["contacts"] for row in rows) and any(row["pledge"] for row in rows)
    assert rows == serializer_rows(hannah, [row["id"] for row in rows])


def test_a_partys_rows_are_the_serializers_with_the_contacts(api, request, hannah, bob):
    approved = request.getfixturevalue("queue_market")["wirral"]  # Employer B's vacancy
    services.suggestion_approve(approved.pk, by=hannah, version=approved.version)

    rows = listed(api, bob)

    assert [row["id"] for row in rows] == [approved.pk]
    assert rows[0]["contacts"]["employer"]  # Bob himself, at least
    assert rows == serializer_rows(bob, [approved.pk])


def test_the_rows_read_with_the_join_order_kept_are_the_plain_rows_and_the_planner_is_left_as_it_was(
    request,
):
    market = request.getfixturevalue("queue_market")
    ids = [suggestion.pk for suggestion in market.values()]
    before = join_collapse_limit()

    rows = suggestion_rows_by_id(ids, SUGGESTION_COLUMNS)

    assert rows == {row["id"]: row for row in Suggestion.objects.filter(id__in=ids).values(*SUGGESTION_COLUMNS)}
    assert join_collapse_limit() == before  # inside this test's transaction: the setting did not outlive the read


def join_collapse_limit() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]
