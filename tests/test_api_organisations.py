"""Employers and providers through the API: hub staff onboard them; each organisation keeps to its own."""

from decimal import Decimal

import pytest

from apprenticeships.models import Employer, Provider

pytestmark = pytest.mark.django_db

LIVERPOOL = {"code": "E08000012", "name": "Liverpool"}
WIRRAL = {"code": "E08000015", "name": "Wirral"}
HALTON = {"code": "E06000006", "name": "Halton"}


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["results"]]


# --- employers: each sees only its own -------------------------------------------------------------


def test_an_employer_user_lists_only_their_own_employer(api, alice, bob) -> None:
    response = api(alice).get("/api/v1/employers/")
    body = response.json()
    assert body["count"] == 1
    (employer_a,) = body["results"]
    assert employer_a == {
        "id": alice.membership.employer_id,
        "name": "Employer A",
        "postcode": "L1 8JQ",
        "sector": "Construction",
        "is_levy_payer": True,
        "annual_pay_bill": 5_000_000,
        "local_authority": LIVERPOOL,
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "has_users": True,
    }


def test_hub_staff_list_every_employer(api, hannah, alice, bob) -> None:
    assert names(api(hannah).get("/api/v1/employers/")) == ["Employer A", "Employer B"]


def test_it_refuses_another_employers_profile(api, alice, employer_b) -> None:
    response = api(alice).get(f"/api/v1/employers/{employer_b.pk}/")
    assert response.status_code == 404
    assert "Employer B" not in response.content.decode()
    assert "CH41" not in response.content.decode()


def test_it_refuses_to_change_another_employers_profile(api, alice, employer_b) -> None:
    before = Employer.objects.get(pk=employer_b.pk)
    response = api(alice).patch(f"/api/v1/employers/{employer_b.pk}/", {"name": "Taken over", "postcode": "L1 8JQ"})
    assert response.status_code == 404
    after = Employer.objects.get(pk=employer_b.pk)
    assert (after.name, after.postcode, after.updated_at) == ("Employer B", "CH41 1AA", before.updated_at)


def test_an_employer_user_can_rename_and_move_their_own_employer(api, alice, employer_a) -> None:
    response = api(alice).patch(f"/api/v1/employers/{employer_a.pk}/", {"name": "A & Sons", "postcode": "ch41 1aa"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["postcode"]) == ("A & Sons", "CH41 1AA")
    assert response.json()["local_authority"] == WIRRAL
    employer_a.refresh_from_db()
    assert (employer_a.name, employer_a.postcode, employer_a.local_authority.code) == (
        "A & Sons",
        "CH41 1AA",
        "E08000015",
    )


def test_moving_to_an_unknown_postcode_is_refused_naming_it(api, alice, employer_a) -> None:
    response = api(alice).patch(f"/api/v1/employers/{employer_a.pk}/", {"postcode": "ZZ9 9ZZ"})
    assert response.status_code == 400
    (message,) = response.json()["postcode"]
    assert "ZZ9 9ZZ" in message
    employer_a.refresh_from_db()
    assert employer_a.postcode == "L1 8JQ"


# --- employers: hub onboarding ---------------------------------------------------------------------


def test_hub_staff_onboard_an_employer_located_by_its_postcode(api, hannah) -> None:
    response = api(hannah).post(
        "/api/v1/employers/",
        {
            "name": "Mersey Ferries",
            "postcode": "l1 8jq",
            "sector": "Transport",
            "is_levy_payer": True,
            "annual_pay_bill": "3500000.00",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["postcode"] == "L1 8JQ"
    assert body["local_authority"] == LIVERPOOL
    assert body["annual_pay_bill"] == 3_500_000
    saved = Employer.objects.get(pk=body["id"])
    assert (saved.name, saved.postcode, saved.local_authority.name) == ("Mersey Ferries", "L1 8JQ", "Liverpool")
    assert (saved.is_levy_payer, saved.annual_pay_bill) == (True, Decimal("3500000.00"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "NOTAPOSTCODE", "“NOTAPOSTCODE” is not a valid UK postcode"),
        ("postcode", "BT1 1AA", "BT1 1AA"),
        ("postcode", "", "This field may not be blank."),
        ("annual_pay_bill", -1, "greater than or equal to 0"),
        ("name", "", "This field may not be blank."),
    ],
)
def test_hub_onboarding_an_employer_with_a_bad_value_saves_nothing(api, hannah, field, value, message) -> None:
    valid = {"name": "Mersey Ferries", "postcode": "L1 8JQ", "annual_pay_bill": 0}
    response = api(hannah).post("/api/v1/employers/", {**valid, field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert not Employer.objects.exists()


# --- providers: each sees only its own -------------------------------------------------------------


def test_a_provider_user_lists_only_their_own_provider(api, priya, quentin) -> None:
    body = api(priya).get("/api/v1/providers/").json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": priya.membership.provider_id,
            "name": "Provider A",
            "ukprn": "10000001",
            "postcode": "WA7 1AA",
            "ofsted_grade": 2,
            "achievement_rate": 62.5,
            "local_authority": HALTON,
            "contact_name": "",
            "contact_phone": "",
            "contact_email": "",
            "has_users": True,
        }
    ]


def test_hub_staff_list_every_provider(api, hannah, priya, quentin) -> None:
    assert names(api(hannah).get("/api/v1/providers/")) == ["Provider A", "Provider B"]


def test_it_refuses_another_providers_profile(api, priya, provider_b) -> None:
    response = api(priya).get(f"/api/v1/providers/{provider_b.pk}/")
    assert response.status_code == 404
    assert "Provider B" not in response.content.decode()


def test_it_refuses_to_change_another_providers_profile(api, priya, provider_b) -> None:
    response = api(priya).patch(f"/api/v1/providers/{provider_b.pk}/", {"name": "Taken over"})
    assert response.status_code == 404
    provider_b.refresh_from_db()
    assert provider_b.name == "Provider B"


def test_a_provider_user_can_rename_and_move_their_own_provider(api, priya, provider_a) -> None:
    response = api(priya).patch(f"/api/v1/providers/{provider_a.pk}/", {"name": "A Skills", "postcode": " l1 8jq"})
    assert response.status_code == 200
    assert response.json()["postcode"] == "L1 8JQ"
    assert response.json()["local_authority"] == LIVERPOOL
    provider_a.refresh_from_db()
    assert (provider_a.name, provider_a.postcode, provider_a.local_authority.code) == (
        "A Skills",
        "L1 8JQ",
        "E08000012",
    )


@pytest.mark.parametrize(("field", "value"), [("ukprn", "10000099"), ("ofsted_grade", 1), ("achievement_rate", 99.0)])
def test_a_provider_user_cannot_change_their_official_figures(api, priya, provider_a, field, value) -> None:
    response = api(priya).patch(f"/api/v1/providers/{provider_a.pk}/", {"name": "Sneaky", field: value})
    assert response.status_code == 400
    assert response.json() == {field: ["Only hub staff can change this."]}
    provider_a.refresh_from_db()
    assert (provider_a.name, provider_a.ukprn, provider_a.ofsted_grade, provider_a.achievement_rate) == (
        "Provider A",
        "10000001",
        2,
        Decimal("62.5"),
    )


def test_a_provider_user_may_send_back_their_official_figures_unchanged(api, priya, provider_a) -> None:
    unchanged = {"ukprn": "10000001", "ofsted_grade": 2, "achievement_rate": 62.5}
    response = api(priya).patch(f"/api/v1/providers/{provider_a.pk}/", {"name": "A Skills", **unchanged})
    assert response.status_code == 200
    provider_a.refresh_from_db()
    assert provider_a.name == "A Skills"


def test_hub_staff_record_a_providers_new_ofsted_grade(api, hannah, provider_a) -> None:
    response = api(hannah).patch(f"/api/v1/providers/{provider_a.pk}/", {"ofsted_grade": 1, "achievement_rate": 70})
    assert response.status_code == 200
    assert (response.json()["ofsted_grade"], response.json()["achievement_rate"]) == (1, 70.0)
    provider_a.refresh_from_db()
    assert (provider_a.ofsted_grade, provider_a.achievement_rate) == (1, Decimal("70.0"))


# --- providers: hub onboarding ---------------------------------------------------------------------


def test_hub_staff_onboard_a_provider_located_by_its_postcode(api, hannah) -> None:
    response = api(hannah).post(
        "/api/v1/providers/",
        {
            "name": "Riverside College",
            "ukprn": "10005979",
            "postcode": "wa8 7qq",
            "ofsted_grade": 2,
            "achievement_rate": "58.3",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("ukprn", "postcode", "ofsted_grade", "achievement_rate")} == {
        "ukprn": "10005979",
        "postcode": "WA8 7QQ",
        "ofsted_grade": 2,
        "achievement_rate": 58.3,
    }
    assert body["local_authority"] == HALTON
    saved = Provider.objects.get(ukprn="10005979")
    assert (saved.name, saved.postcode, saved.achievement_rate) == ("Riverside College", "WA8 7QQ", Decimal("58.3"))


def test_a_provider_without_ofsted_grade_or_achievement_rate_is_fine(api, hannah) -> None:
    response = api(hannah).post(
        "/api/v1/providers/", {"name": "New Start", "ukprn": "10099999", "postcode": "L3 5UX", "ofsted_grade": None}
    )
    assert response.status_code == 201
    assert (response.json()["ofsted_grade"], response.json()["achievement_rate"]) == (None, None)
    saved = Provider.objects.get(ukprn="10099999")
    assert (saved.ofsted_grade, saved.achievement_rate) == (None, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ukprn", "1000123"),  # 7 digits
        ("ukprn", "100012345"),  # 9 digits
        ("ukprn", "20001234"),  # doesn't start with 1
        ("ukprn", "1000123X"),
        ("ukprn", ""),
        ("ukprn", "10000001"),  # provider A's
        ("ofsted_grade", 0),
        ("ofsted_grade", 5),
        ("ofsted_grade", "good"),
        ("achievement_rate", -0.1),
        ("achievement_rate", 100.1),
        ("achievement_rate", "most"),
        ("postcode", "ZZ9 9ZZ"),
    ],
)
def test_hub_onboarding_a_provider_with_a_bad_value_saves_nothing(api, hannah, provider_a, field, value) -> None:
    valid = {"name": "New Start", "ukprn": "10099999", "postcode": "L3 5UX", "ofsted_grade": 3, "achievement_rate": 55}
    response = api(hannah).post("/api/v1/providers/", {**valid, field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]
    assert list(Provider.objects.values_list("name", flat=True)) == ["Provider A"]


def test_a_duplicate_ukprn_is_refused_in_words(api, hannah, provider_a) -> None:
    response = api(hannah).post("/api/v1/providers/", {"name": "Copycat", "ukprn": "10000001", "postcode": "L3 5UX"})
    assert response.json() == {"ukprn": ["provider with this ukprn already exists."]}


def test_a_malformed_ukprn_is_explained(api, hannah) -> None:
    response = api(hannah).post("/api/v1/providers/", {"name": "Typo", "ukprn": "20001234", "postcode": "L3 5UX"})
    assert response.json() == {"ukprn": ["A UKPRN is 8 digits starting with 1, for example 10001234."]}


def test_organisation_lists_can_be_searched(api, hannah, alice, bob) -> None:
    assert names(api(hannah).get("/api/v1/employers/", {"search": "CH41"})) == ["Employer B"]
    assert names(api(hannah).get("/api/v1/employers/", {"local_authority__code": "E08000012"})) == ["Employer A"]


def test_a_postcode_typed_with_odd_spacing_is_accepted_and_tidied(api, hannah) -> None:
    response = api(hannah).post(
        "/api/v1/employers/", {"name": "Spacey Ltd", "postcode": "  ch41   1aa ", "annual_pay_bill": 0}
    )
    assert response.status_code == 201
    assert response.json()["postcode"] == "CH41 1AA"
    assert Employer.objects.get(name="Spacey Ltd").postcode == "CH41 1AA"
