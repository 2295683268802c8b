"""Each role finds its pages from the navigation and its home page."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "link", "text"),
    [
        (None, "vacancy-search", "Find an apprenticeship"),
        ("alice", "employer-vacancies", "Your vacancies"),
        ("priya", "provider-offers", "Your course offers"),
        ("hannah", "hub-qa-queue", "QA queue"),
    ],
)
def test_the_navigation_links_each_roles_pages(client, request, persona, link, text):
    if persona:
        client.force_login(request.getfixturevalue(persona))

    body = client.get(reverse("standard-list")).text

    assert f'href="{reverse("vacancy-search")}"' in body
    assert f'href="{reverse(link)}"' in body and text in body


def test_the_navigation_marks_the_current_section(client, alice):
    client.force_login(alice)

    body = client.get(reverse("employer-vacancy-new")).text

    active = re.search(
        r'item--active">\s*<a class="govuk-service-navigation__link" href="([^"]+)" aria-current="true"', body
    )
    assert active is not None and active[1] == reverse("employer-vacancies")


def test_employers_home_links_their_vacancies(client, alice):
    client.force_login(alice)

    body = client.get(reverse("home")).text

    assert "coming soon" not in body.lower() and "will soon be able" not in body
    assert f'href="{reverse("employer-vacancies")}"' in body
    assert f'href="{reverse("employer-vacancy-new")}"' in body


def test_providers_home_links_their_offers_and_the_upload(client, priya):
    client.force_login(priya)

    body = client.get(reverse("home")).text

    assert "will soon be able" not in body
    assert f'href="{reverse("provider-offers")}"' in body
    assert f'href="{reverse("provider-offer-upload")}"' in body


def test_hub_pages_outside_the_queue_do_not_mark_it_current(client, hannah):
    client.force_login(hannah)

    body = client.get(reverse("hub-qa-queue")).text
    other = client.get("/hub/matching/").text

    assert 'href="/hub/qa/" aria-current="page"' in body
    assert 'href="/hub/qa/" aria-current' not in other
