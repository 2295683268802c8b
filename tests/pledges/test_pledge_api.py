"""Pledges through the API: who may make one, the £2,000 minimum and the 50% allowance, who sees them."""

from decimal import Decimal

import pytest

from apprenticeships.models import Pledge, PledgeEvent
from apprenticeships.services.pledges import pledge_allowance

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(api):
    return api


URL = "/api/v1/pledges/"


def body(**overrides: object) -> dict:
    data = {"amount": "5000", "levels": [3, 4], "auto_approve": "never"}
    data.update(overrides)
    return data


def test_a_levy_payer_pledges_and_the_response_says_what_remains(client, lena, levy_payer):
    api = client(lena)

    response = api.post(URL, body(routes=["Digital"], local_authorities=["E08000012"]), format="json")

    assert response.status_code == 201, response.json()
    got = response.json()
    assert got["employer"] == levy_payer.pk
    assert got["amount"] == 5000 and got["remaining"] == 5000
    assert got["status"] == "open" and got["levels"] == [3, 4] and got["local_authorities"] == ["E08000012"]
    assert PledgeEvent.objects.filter(pledge_id=got["id"], action="created").count() == 1


def test_a_pledge_under_2000_pounds_is_refused_with_the_minimum(client, lena):
    api = client(lena)

    response = api.post(URL, body(amount="1999.99"), format="json")

    assert response.status_code == 400
    assert "at least £2,000" in response.json()["amount"][0]
    assert not Pledge.objects.exists()


def test_pledges_together_may_not_exceed_half_of_last_years_levy_funds(client, lena, levy_payer):
    allowance = pledge_allowance(levy_payer).transfer_allowance
    assert Decimal(15000) < allowance < Decimal(25000)  # half of a year's £35,000 levy, with the top-up before August
    api = client(lena)
    assert api.post(URL, body(amount=str(allowance - 3000)), format="json").status_code == 201

    response = api.post(URL, body(amount="3000.01"), format="json")

    assert response.status_code == 400
    assert "at most £3,000" in response.json()["amount"][0]
    assert Pledge.objects.count() == 1
    assert api.post(URL, body(amount="3000"), format="json").status_code == 201


def test_an_employer_that_pays_no_levy_cannot_pledge(client, bob):
    api = client(bob)

    response = api.post(URL, body(), format="json")

    assert response.status_code == 400
    assert "levy-paying" in response.json()["amount"][0]


def test_more_than_20_local_authorities_are_refused(client, lena):
    api = client(lena)
    codes = [f"E0800{n:04d}" for n in range(21)]

    response = api.post(URL, body(local_authorities=codes), format="json")

    assert response.status_code == 400
    assert "at most 20" in response.json()["local_authorities"][0]


def test_hub_staff_pledge_on_a_levy_payers_behalf(client, hannah, levy_payer):
    api = client(hannah)

    assert api.post(URL, body(), format="json").status_code == 400  # whose pledge?
    response = api.post(URL, body(employer=levy_payer.pk), format="json")

    assert response.status_code == 201
    assert response.json()["employer"] == levy_payer.pk


def test_open_pledges_are_listed_for_every_signed_in_user_and_anonymous_ones_hide_the_pledger(
    client, make_pledge, bob, priya, lena, levy_payer
):
    named, hidden = make_pledge("3000"), make_pledge("4000", anonymous=True)
    withdrawn = make_pledge("2000")
    withdrawn.status = Pledge.Status.WITHDRAWN
    withdrawn.save()

    for user in (bob, priya):
        api = client(user)
        listed = {p["id"]: p for p in api.get(URL).json()["results"]}
        assert set(listed) == {named.pk, hidden.pk}
        assert listed[named.pk]["employer_name"] == "Mersey Docks Ltd"
        assert listed[hidden.pk]["employer"] is None and listed[hidden.pk]["employer_name"] is None
    api = client(lena)
    mine = {p["id"]: p for p in api.get(URL).json()["results"]}
    assert set(mine) == {named.pk, hidden.pk, withdrawn.pk}
    assert mine[hidden.pk]["employer"] == levy_payer.pk


def test_anonymous_callers_must_sign_in_for_the_api(client, make_pledge):
    make_pledge()

    assert client().get(URL).status_code == 401


def test_the_pledger_withdraws_and_another_employer_may_not(client, make_pledge, lena, bob):
    pledge = make_pledge()
    api = client(bob)
    assert api.post(f"{URL}{pledge.pk}/withdraw/").status_code == 403

    api = client(lena)
    response = api.post(f"{URL}{pledge.pk}/withdraw/")

    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    again = api.post(f"{URL}{pledge.pk}/withdraw/")
    assert again.status_code == 409 and again.json()["status"] == "withdrawn"


def test_the_public_page_lists_open_pledges_without_an_anonymous_pledgers_name(make_pledge, levy_payer):
    from django.test import Client

    make_pledge("3000")
    make_pledge("4000", anonymous=True, local_authorities=["E08000012"])

    page = Client().get("/pledges/")

    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("Mersey Docks Ltd") == 1
    assert "An employer who prefers not to be named" in text
    assert "£4,000" in text and "Liverpool" in text
