"""Oversized input is refused with a clear message, never a server error."""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Employer, PayBillDeclaration, Vacancy
from apprenticeships.models.organisations import MAX_ANNUAL_PAY_BILL_GBP
from apprenticeships.services import offer_import
from tests.market_factories import VacancyFactory
from tests.test_offer_import import csv_bytes, good_row

pytestmark = pytest.mark.django_db

TOO_BIG = "The request is too large: send at most 2.5\xa0MB (not counting uploaded files)."


def test_an_oversized_json_body_gets_413_saying_the_limit(api, alice) -> None:
    body = json.dumps({"title": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    response = api(alice).generic("POST", "/api/v1/vacancies/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": TOO_BIG}


def test_an_oversized_web_form_gets_a_413_page_saying_the_limit(priya) -> None:
    browser = Client()
    browser.force_login(priya)
    response = browser.post(reverse("provider-offer-new"), {"title": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    assert response.status_code == 413
    assert "2.5\xa0MB" in response.content.decode()
    assert "There is a problem with what was sent" in response.content.decode()


def test_a_web_form_with_thousands_of_fields_is_refused_too(priya) -> None:
    browser = Client()
    browser.force_login(priya)
    fields = {f"f{index}": "1" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert browser.post(reverse("provider-offer-new"), fields).status_code == 413


def test_a_csv_over_the_row_limit_is_refused_on_the_upload_page_naming_the_limit(priya) -> None:
    browser = Client()
    browser.force_login(priya)
    data = csv_bytes([good_row()] * (offer_import.MAX_ROWS + 1))
    response = browser.post(
        reverse("provider-offer-upload"), {"file": SimpleUploadedFile("offers.csv", data, "text/csv")}
    )
    assert response.status_code == 200
    assert "The file has 1,001 rows; upload at most 1,000." in response.content.decode()
    assert not priya.membership.provider.offers.exists()


def test_a_csv_over_the_row_limit_is_refused_by_the_api(api, priya) -> None:
    data = csv_bytes([good_row()] * (offer_import.MAX_ROWS + 1))
    response = api(priya).post(
        "/api/v1/course-offers/import/",
        {"file": SimpleUploadedFile("offers.csv", data, "text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "upload at most 1,000" in json.dumps(response.json())


def test_a_title_longer_than_its_field_is_refused_not_truncated(api, alice) -> None:
    response = api(alice).post("/api/v1/vacancies/", {"title": "x" * 10_000})
    assert response.status_code == 400
    assert "no more than" in response.json()["title"][0]


def test_markup_typed_by_an_employer_is_shown_escaped_on_the_public_page(employer_a) -> None:
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, title="<script>alert(1)</script>")
    page = Client().get(reverse("vacancy-public", args=[vacancy.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- Pay bills -------------------------------------------------------------------------------


def test_a_pay_bill_of_about_a_trillion_pounds_is_refused(api, alice, employer_a) -> None:
    response = api(alice).patch(
        f"/api/v1/employers/{employer_a.pk}/", {"annual_pay_bill": "999999999999.99"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"annual_pay_bill": ["Enter an annual pay bill of at most £100,000,000,000."]}
    employer_a.refresh_from_db()
    assert employer_a.annual_pay_bill == 5_000_000


def test_a_pay_bill_of_a_hundred_billion_pounds_is_the_most_allowed(api, alice, employer_a) -> None:
    response = api(alice).patch(
        f"/api/v1/employers/{employer_a.pk}/", {"annual_pay_bill": "100000000000.00"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["annual_pay_bill"] == 100_000_000_000


def test_the_database_itself_refuses_a_pay_bill_over_the_ceiling(employer_a) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Employer.objects.filter(pk=employer_a.pk).update(annual_pay_bill=MAX_ANNUAL_PAY_BILL_GBP + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayBillDeclaration.objects.create(
            employer=employer_a, annual_pay_bill=MAX_ANNUAL_PAY_BILL_GBP + 1, declared_on=timezone.localdate()
        )
