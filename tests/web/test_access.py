"""Who may open which page: the right role sees it, anonymous users are sent to sign in, other
roles are refused (403) and another organisation's vacancy or offer is not found (404)."""

import pytest
from django.urls import reverse

from apprenticeships.models import Vacancy

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "priya", "hannah"]
ROLE_OF = {"alice": "employer", "priya": "provider", "hannah": "hub"}


@pytest.fixture
def objects(employer_a, provider_a, make_vacancy, make_offer):
    return {
        "vacancy": make_vacancy(employer_a, Vacancy.Status.SUBMITTED),
        "draft": make_vacancy(employer_a),
        "offer": make_offer(provider_a),
    }


# url name, the object its url needs (if any), the role that may open it.
PAGES = [
    ("employer-vacancies", None, "employer"),
    ("employer-vacancy-new", None, "employer"),
    ("employer-vacancy", "vacancy", "employer"),
    ("employer-vacancy-edit", "draft", "employer"),
    ("provider-offers", None, "provider"),
    ("provider-offer-new", None, "provider"),
    ("provider-offer-edit", "offer", "provider"),
    ("provider-offer-delete", "offer", "provider"),
    ("provider-offer-upload", None, "provider"),
    ("provider-offer-template", None, "provider"),
    ("hub-qa-queue", None, "hub"),
    ("hub-qa-review", "vacancy", "hub"),
]


def url_for(name, needs, objects):
    return reverse(name, args=[objects[needs].pk]) if needs else reverse(name)


@pytest.mark.parametrize(("name", "needs", "role"), PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_is_open_to_its_role_only(client, request, objects, name, needs, role, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(url_for(name, needs, objects))

    assert response.status_code == (200 if ROLE_OF[persona] == role else 403)


@pytest.mark.parametrize(("name", "needs", "role"), PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, objects, name, needs, role):
    url = url_for(name, needs, objects)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize(
    ("method", "name", "needs"),
    [
        ("get", "employer-vacancy", "vacancy"),
        ("get", "employer-vacancy-edit", "draft"),
        ("post", "employer-vacancy-edit", "draft"),
        ("post", "employer-vacancy-delete", "draft"),
        ("get", "employer-vacancy-delete", "draft"),
    ],
)
def test_another_employers_vacancy_is_not_found(client, bob, objects, method, name, needs):
    client.force_login(bob)

    response = getattr(client, method)(url_for(name, needs, objects))

    assert response.status_code == 404
    assert Vacancy.objects.filter(pk=objects["draft"].pk).exists()


def test_another_employer_cannot_submit_or_withdraw_a_vacancy(client, bob, objects):
    client.force_login(bob)
    draft = objects["draft"]

    for action in ("submit", "withdraw"):
        response = client.post(reverse("employer-vacancy-action", args=[draft.pk, action]))
        assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Vacancy.Status.DRAFT


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "provider-offer-edit"),
        ("post", "provider-offer-edit"),
        ("get", "provider-offer-delete"),
        ("post", "provider-offer-delete"),
    ],
)
def test_another_providers_offer_is_not_found_even_when_open(client, quentin, objects, method, name):
    client.force_login(quentin)
    offer = objects["offer"]

    response = getattr(client, method)(reverse(name, args=[offer.pk]))

    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.title == "Software developer, day release"


def test_only_hub_staff_can_approve_or_refer(client, alice, priya, objects):
    vacancy = objects["vacancy"]
    for user in (alice, priya):
        client.force_login(user)
        assert client.post(reverse("hub-qa-approve", args=[vacancy.pk])).status_code == 403
        assert client.post(reverse("hub-qa-refer", args=[vacancy.pk]), {"comment": "No"}).status_code == 403
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.SUBMITTED


def test_lifecycle_actions_only_answer_post(client, alice, objects):
    client.force_login(alice)

    response = client.get(reverse("employer-vacancy-action", args=[objects["draft"].pk, "submit"]))

    assert response.status_code == 405


def test_employers_cannot_approve_their_own_vacancy_through_the_action_url(client, alice, objects):
    client.force_login(alice)

    response = client.post(f"/employer/vacancies/{objects['vacancy'].pk}/approve/")

    assert response.status_code == 404
    objects["vacancy"].refresh_from_db()
    assert objects["vacancy"].status == Vacancy.Status.SUBMITTED


@pytest.mark.parametrize("persona", [None, "alice", "priya", "hannah"])
def test_public_pages_need_no_sign_in(client, request, employer_a, make_vacancy, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    live = make_vacancy(employer_a, Vacancy.Status.LIVE)

    assert client.get(reverse("vacancy-search")).status_code == 200
    assert client.get(reverse("vacancy-public", args=[live.pk])).status_code == 200
