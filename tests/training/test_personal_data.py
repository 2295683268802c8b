"""A person's shortlist and requests for introductions are in their personal data export, and erasure
forgets them (the shortlist goes; the employer's requests stay without the person)."""

import pytest

from apprenticeships.models import ShortlistEntry
from apprenticeships.services.personal_data import personal_data_erase, personal_data_export
from apprenticeships.services.shortlist import shortlist_add
from matching.models import IntroductionRequest
from matching.services import requests as service

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_data(alice, hannah, employer_a, training_market) -> IntroductionRequest:
    shortlist_add(user=alice, offer=training_market.wirral)
    request, _ = service.introduction_request_create(
        employer=employer_a, offer_id=training_market.liverpool.pk, vacancy_id=None, message="Soon, please", by=alice
    )
    return service.introduction_request_decline(request.pk, by=hannah, reason="Full this year")


def test_the_export_holds_the_persons_shortlist_and_requests(alice, hannah, alices_data, training_market):
    alices = personal_data_export(user=alice)
    hannahs = personal_data_export(user=hannah)

    assert [entry["course_offer"] for entry in alices["shortlist"]] == [training_market.wirral.pk]
    assert [(r["asked"], r["message"], r["decline_reason"]) for r in alices["introduction_requests"]] == [
        (True, "Soon, please", "")
    ]
    assert [(r["decided"], r["decline_reason"]) for r in hannahs["introduction_requests"]] == [(True, "Full this year")]


def test_erasure_forgets_the_person_but_keeps_the_employers_requests(alice, hannah, alices_data):
    personal_data_erase(user=alice, by=hannah)

    assert not ShortlistEntry.objects.exists()
    request = IntroductionRequest.objects.get()
    assert request.requested_by is None and request.employer.name == "Employer A"
