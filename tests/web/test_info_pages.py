"""The footer's pages: anyone can read them, and the contact page gives the hub's configured details."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accessibility", "privacy", "cookies", "contact"])
def test_info_pages_open_to_everyone(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_contact_page_gives_the_hubs_details_from_settings(client, settings):
    settings.HUB_CONTACT_EMAIL = "hub@lcr.example"
    settings.HUB_CONTACT_PHONE = "0151 496 0123"
    page = client.get(reverse("contact")).content.decode()
    assert 'href="mailto:hub@lcr.example"' in page
    assert "0151 496 0123" in page


@pytest.mark.django_db
def test_the_privacy_notice_names_the_controller_the_data_and_how_long_applications_are_kept(client, settings):
    settings.HUB_CONTACT_NAME = "Example Combined Authority apprenticeship hub"
    settings.APPLICATION_RETENTION_MONTHS = 18

    page = client.get(reverse("privacy")).content.decode()

    assert "Example Combined Authority apprenticeship hub, which is the data controller" in page
    assert "18 months after the vacancy closes" in page
    for words in ["postcode, age group", "confirm your address", "within 7 days", "unsubscribe at any time"]:
        assert words in page
    assert "Article 6(1)(e), public task" in page and "Article 6(1)(a), consent" in page
    assert 'href="https://ico.org.uk/make-a-complaint/"' in page


@pytest.mark.django_db
def test_the_cookies_page_lists_the_cookies_the_service_sets_with_their_lifetimes(client, settings, alice):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 20

    page = client.get(reverse("cookies")).content.decode()

    # Signing in sets the session cookie, and a page with a form sets the CSRF cookie: both are listed.
    client.force_login(alice)
    client.get(reverse("employer-vacancy-new"))
    for name in client.cookies:
        assert f"<code>{name}</code>" in page
    assert {"sessionid", "csrftoken"} <= set(client.cookies)
    assert "After 20 minutes without using the service" in page
    assert "we do not show a cookie banner" in page


@pytest.mark.django_db
def test_the_accessibility_statement_follows_the_model_statement(client):
    page = client.get(reverse("accessibility")).content.decode()

    for heading in [
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ]:
        assert f">{heading}</h" in page
    assert "Web Content Accessibility Guidelines version 2.2</a> AA standard" in page
    assert "Equality and Human Rights Commission (EHRC)" in page and "equalityadvisoryservice.com" in page
    assert "axe-core" in page


@pytest.mark.django_db
def test_the_contact_page_takes_feedback_by_email(client, settings):
    settings.HUB_CONTACT_EMAIL = "hub@lcr.example"

    page = client.get(reverse("contact")).content.decode()

    assert 'href="mailto:hub@lcr.example?subject=Feedback%20on%20LCR%20Skills%20Match"' in page
