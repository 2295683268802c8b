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
