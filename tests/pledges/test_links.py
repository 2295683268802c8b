"""Employers reach levy transfers from their funds page."""

import pytest
from django.urls import reverse

from apprenticeships.models import Role
from tests.factories import EmployerFactory, make_user

pytestmark = pytest.mark.django_db


def test_the_funds_page_links_to_levy_transfers(client):
    payer = EmployerFactory(is_levy_payer=True, annual_pay_bill=5_000_000)
    small = EmployerFactory()
    client.force_login(make_user("payer", Role.EMPLOYER, payer))
    body = client.get(reverse("employer-funds")).content.decode()
    assert f'href="{reverse("employer-pledges")}"' in body
    assert f'href="{reverse("employer-pledge-applications")}"' in body

    client.force_login(make_user("small", Role.EMPLOYER, small))
    body = client.get(reverse("employer-funds")).content.decode()
    assert f'href="{reverse("employer-pledges")}"' not in body  # only a levy payer can pledge
    assert f'href="{reverse("pledge-list")}"' in body
