"""A vacancy's public page: what a school leaver needs to decide, and a way back to the same search."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Vacancy
from matching.models import Suggestion
from tests.market_factories import CourseOfferFactory
from tests.search.conftest import BUILDING_SERVICES, make_foundation

pytestmark = pytest.mark.django_db

SEARCH = "/vacancies/?q=plumber&postcode=L36&within_miles=5&age_group=16-18"


def page(client, vacancy: Vacancy, back: str | None = None) -> str:
    url = reverse("vacancy-public", args=[vacancy.pk])
    response = client.get(url if back is None else f"{url}?back={quote(back, safe='')}")
    assert response.status_code == 200
    return response.text


def back_link(body: str) -> str:
    start = body.index('class="govuk-back-link"')
    tag_start = body.rindex("<a ", 0, start)
    href = body[tag_start:].split('href="', 1)[1].split('"', 1)[0]
    return href.replace("&amp;", "&")


def test_it_shows_wages_hours_duration_dates_level_and_who_can_apply(client, search_market):
    plumbing = search_market["plumbing"]
    Vacancy.objects.filter(pk=plumbing.pk).update(live_at=timezone.now() - timedelta(days=3))
    posted = timezone.localdate() - timedelta(days=3)

    body = page(client, plumbing)

    assert "£16,640 a year" in body and "£320 a week" in body
    assert "37.5 hours a week" in body
    assert f"{plumbing.standard.typical_duration_months} months" in body
    assert f"{plumbing.start_date.day} {plumbing.start_date:%B %Y}" in body
    assert f"{plumbing.closing_date.day} {plumbing.closing_date:%B %Y}" in body
    assert f"{posted.day} {posted:%B %Y}" in body
    assert "Building services engineering installer" in body
    assert "2 (intermediate)" in body
    assert "People aged 16 to 18 and 19 to 21 when they start" in body
    assert "The employer is choosing a training provider" in body


def test_open_to_every_age_says_so(client, search_market):
    assert "Anyone aged 16 or over when they start" in page(client, search_market["software"])


def test_the_training_provider_and_course_show_once_both_parties_agreed(client, search_market, provider_a):
    vacancy = search_market["software"]
    offer = CourseOfferFactory(provider=provider_a, standard=vacancy.standard, title="Software developer, day release")
    suggestion = Suggestion.objects.create(
        vacancy=vacancy, cohort=offer.cohorts.first(), course_offer=offer, score=0.8, rank=1, model_version="prior"
    )

    for status, shown in [("suggested", False), ("approved", False), ("accepted", False), ("agreed", True)]:
        Suggestion.objects.filter(pk=suggestion.pk).update(status=status)
        body = page(client, vacancy)
        assert ("Software developer, day release with Provider A" in body) is shown, status


def test_back_to_search_keeps_the_search_and_its_filters(client, search_market):
    results = client.get(SEARCH).text
    href = f"/vacancies/{search_market['plumbing'].pk}/?back="
    assert href in results
    link = results.split(href, 1)[1].split('"', 1)[0]

    body = client.get(f"{href}{link}").text

    assert back_link(body) == SEARCH
    assert "(2.4 miles from L36)" in body  # the search's postcode gives the distance


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/vacancies/?q=plumber",
        "//evil.example/vacancies/",
        "/\\evil.example/vacancies/",
        "javascript:alert(1)",
        "/admin/",
        "/vacancies/1/",
        "https:/vacancies/",
        "/vacancies/?" + "q=x&" * 400,
    ],
)
def test_back_to_search_refuses_anything_but_our_own_search_page(client, search_market, back):
    body = page(client, search_market["plumbing"], back)

    assert back_link(body) == "/vacancies/"
    assert "evil" not in body.split("govuk-back-link")[0].rsplit("<a ", 1)[-1]


def test_a_bad_postcode_in_the_search_shows_no_distance(client, search_market):
    body = page(client, search_market["plumbing"], "/vacancies/?postcode=ZZ99")

    assert "miles from" not in body
    assert back_link(body) == "/vacancies/?postcode=ZZ99"


def test_a_foundation_apprenticeship_is_tagged(client, search_market):
    assert "Foundation apprenticeship</strong>" not in page(client, search_market["plumbing"])

    make_foundation(BUILDING_SERVICES)

    assert "Foundation apprenticeship</strong>" in page(client, search_market["plumbing"])
