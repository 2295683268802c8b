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


def nav_links(body: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the service navigation, in order."""
    menu = re.search(r'<nav aria-label="Menu".*?</nav>', body, re.S)
    assert menu is not None
    links = re.findall(r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>(.*?)</a>', menu[0], re.S)
    return [(href, re.sub(r"<[^>]+>", "", text).strip()) for href, text in links]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, ["Find an apprenticeship", "Standards", "About the data"]),
        ("alice", ["Your vacancies", "Find training", "Your matches", "Your funds", "Standards"]),
        ("priya", ["Your course offers", "Your matches", "Standards"]),
        ("hannah", ["Review", "QA queue", "Matching runs", "Gaps", "Models", "Dashboard"]),
    ],
)
def test_each_role_has_its_main_tasks_in_the_navigation(client, request, persona, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))

    body = client.get(reverse("contact")).text

    assert [text for _, text in nav_links(body)] == expected


@pytest.mark.parametrize("persona", ["alice", "priya"])
def test_employers_and_providers_get_no_api_docs_or_admin_link(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    body = client.get(reverse("home")).text

    assert reverse("api-docs") not in body and "API doc" not in body
    assert reverse("admin:index") not in body


def test_hub_staff_reach_the_api_docs_and_admin_from_the_footer(client, hannah):
    client.force_login(hannah)

    body = client.get(reverse("home")).text
    footer = body[body.index('<footer class="govuk-footer">') :]

    assert f'href="{reverse("api-docs")}"' in footer and f'href="{reverse("admin:index")}"' in footer


@pytest.mark.parametrize(
    ("page", "current"),
    [
        ("matching-gaps", "Gaps"),
        ("matching-models", "Models"),
        ("matching-runs", "Matching runs"),
        ("matching-suggestions", "Review"),
        ("dashboard", "Dashboard"),
    ],
)
def test_the_hubs_current_page_is_marked_in_the_navigation(client, hannah, page, current):
    client.force_login(hannah)

    body = client.get(reverse(page)).text

    marked = re.findall(r'href="([^"]+)" aria-current="page">\s*<strong[^>]*>([^<]+)</strong>', body)
    assert marked == [(reverse(page), current)]


@pytest.mark.parametrize("persona", [None, "alice", "hannah"])
def test_every_page_has_the_footer_pages_and_a_feedback_link(client, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))

    body = client.get(reverse("standard-list")).text
    footer = body[body.index('<footer class="govuk-footer">') :]
    banner = re.search(r'<div class="govuk-phase-banner">.*?</div>', body, re.S)[0]

    for name, text in [
        ("accessibility", "Accessibility statement"),
        ("privacy", "Privacy notice"),
        ("cookies", "Cookies"),
        ("contact", "Contact"),
    ]:
        assert f'href="{reverse(name)}">{text}</a>' in footer
    assert f'href="{reverse("contact")}"' in banner and "feedback" in banner


def test_signing_out_and_changing_password_are_in_the_header(client, alice):
    client.force_login(alice)

    body = client.get(reverse("home")).text
    header = body[body.index('<header class="govuk-header"') : body.index("</header>")]

    assert f'href="{reverse("password-change")}"' in header
    assert f'action="{reverse("logout")}"' in header and "Sign out" in header
