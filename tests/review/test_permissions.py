"""Who may do what in the review, for every kind of client: method × url × persona → status (after pretix).

`{open}` is a suggestion still under review (Bob's vacancy); `{introduced}` is Alice's vacancy
introduced to Priya's provider. Bodies are left empty where a valid one would change the state,
so that hub staff get 400 rather than a decision; a refused request never changes anything.
"""

import pytest

from matching.ml.scoring import PRIOR_VERSION
from matching.models import ScoringModel, Suggestion, SuggestionEvent
from matching.services import suggestion_approve
from tests.market_factories import db_snapshot
from tests.review.conftest import best

# `make test` runs this module in its second process, beside the fuzzing, so the two take about as long.
pytestmark = [pytest.mark.django_db, pytest.mark.second_process]
PERSONAS = ("anonymous", "alice", "bob", "priya", "quentin", "hannah")

# (method, url, body, expected status for anonymous, alice, bob, priya, quentin, hannah)
TABLE = [
    ("get", "/api/v1/suggestions/", None, (401, 200, 200, 200, 200, 200)),
    ("get", "/api/v1/suggestions/{open}/", None, (401, 404, 404, 404, 404, 200)),
    ("get", "/api/v1/suggestions/{introduced}/", None, (401, 200, 404, 200, 404, 200)),
    ("get", "/api/v1/suggestions/{open}/history/", None, (401, 404, 404, 404, 404, 200)),
    ("get", "/api/v1/suggestions/{introduced}/history/", None, (401, 200, 404, 200, 404, 200)),
    ("post", "/api/v1/suggestions/{open}/approve/", {}, (401, 403, 403, 403, 403, 400)),
    ("post", "/api/v1/suggestions/{open}/reject/", {}, (401, 403, 403, 403, 403, 400)),
    ("post", "/api/v1/suggestions/{introduced}/approve/", {}, (401, 403, 403, 403, 403, 400)),
    ("post", "/api/v1/suggestions/{introduced}/accept/", {}, (401, 200, 404, 200, 404, 403)),
    ("post", "/api/v1/suggestions/{introduced}/decline/", {"reason": "Not for us"}, (401, 200, 404, 200, 404, 403)),
    # The body is checked before the suggestion is looked up: no reason is 400 whoever asks.
    ("post", "/api/v1/suggestions/{introduced}/decline/", {}, (401, 400, 400, 400, 400, 403)),
    ("post", "/api/v1/suggestions/{open}/accept/", {}, (401, 404, 404, 404, 404, 403)),
    ("put", "/api/v1/suggestions/{introduced}/history/", {}, (405,) * 6),
    ("delete", "/api/v1/suggestions/{introduced}/history/", None, (405,) * 6),
    ("delete", "/api/v1/suggestions/{introduced}/", None, (405,) * 6),
    ("get", "/api/v1/matcher/models/", None, (401, 403, 403, 403, 403, 200)),
    ("post", "/api/v1/matcher/train/", None, (401, 403, 403, 403, 403, 409)),  # no decisions yet
    ("post", f"/api/v1/matcher/models/{PRIOR_VERSION}/activate/", None, (401, 403, 403, 403, 403, 200)),
]
CASES = [
    pytest.param(method, url, body, persona, status, id=f"{method} {url} {persona}")
    for method, url, body, statuses in TABLE
    for persona, status in zip(PERSONAS, statuses, strict=True)
]


@pytest.fixture
def urls(matched, hannah, alice, priya) -> dict[str, int]:
    introduced = best(matched.alices, matched.liverpool_offer)
    suggestion_approve(introduced.pk, by=hannah, version=introduced.version)
    return {"open": best(matched.bobs, matched.wirral_offer).pk, "introduced": introduced.pk}


@pytest.mark.parametrize("method, url, body, persona, status", CASES)
def test_permissions(api, request, urls, method, url, body, persona, status):
    client = api(None if persona == "anonymous" else request.getfixturevalue(persona))
    refused_or_read = status >= 400 or method == "get"
    before = db_snapshot(Suggestion), db_snapshot(SuggestionEvent), db_snapshot(ScoringModel)

    response = getattr(client, method)(url.format(**urls), body, format="json")

    assert response.status_code == status, response.content
    if refused_or_read:
        assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent), db_snapshot(ScoringModel)) == before
