"""Text typed into the service follows one rule (lcr_skills/text.py), and stored text goes out safely.

Single-line fields refuse control characters (CR, LF, NUL, the rest of C0 and C1) and invisible
text-direction controls, naming what was found; multi-line fields keep their line breaks and tabs
but refuse NUL and the direction controls. A NUL never reaches the database, whether typed into a
field, a search box or a CSV cell. A name stored before the rule can't break an introduction e-mail.
"""

import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apprenticeships.models import CourseOffer, Employer, Vacancy
from lcr_skills.text import one_line, text_problem
from matching.models import Suggestion
from tests.market_factories import db_snapshot, offer_payload, vacancy_payload
from tests.review.conftest import best
from tests.test_offer_import import csv_bytes, good_row
from tests.web.conftest import offer_form, software_developer, vacancy_form  # noqa: F401 - the page tests' forms

pytestmark = pytest.mark.django_db

CRLF_BCC = "Employer A\r\nBcc: attacker@evil.example"
RIGHT_TO_LEFT_OVERRIDE = "Invoice\u202egpj.exe"  # shows as "Invoiceexe.jpg"


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


# --- The rule itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Acme\r\nBcc: x", "Remove the carriage return (U+000D): this must be one line of plain text."),
        ("Acme\nLtd", "Remove the line break (U+000A): this must be one line of plain text."),
        ("Acme\tLtd", "Remove the tab (U+0009): this must be one line of plain text."),
        ("Acme\x00", "Remove the null character (U+0000): it can't be saved."),
        ("Acme\x1b[31m", "Remove the control character (U+001B): this must be one line of plain text."),
        ("Acme\x85", "Remove the control character (U+0085): this must be one line of plain text."),
        (
            RIGHT_TO_LEFT_OVERRIDE,
            "Remove the invisible text-direction control (U+202E): it can make the text read differently from what "
            "is saved.",
        ),
        (
            "Acme\u2066Ltd",
            "Remove the invisible text-direction control (U+2066): it can make the text read "
            "differently from what is saved.",
        ),
    ],
)
def test_a_single_line_field_refuses_each_control_character_naming_it(text, message):
    assert text_problem(text) == message


def test_plain_text_in_any_language_is_fine_on_one_line():
    for text in ["Café Ltd", "Ysgol Gymraeg", "شركة", "株式会社", "O'Neill & Sons — St Helens", "👩‍🔧 Trades"]:
        assert text_problem(text) is None


def test_a_multi_line_field_keeps_line_breaks_and_tabs_but_not_nul_or_direction_controls():
    assert text_problem("First line\r\nSecond\tline\n\nThird", multi_line=True) is None
    assert text_problem("Notes\x00", multi_line=True) == "Remove the null character (U+0000): it can't be saved."
    assert text_problem("a\u202eb", multi_line=True).startswith("Remove the invisible text-direction control (U+202E)")
    assert text_problem("bell\x07", multi_line=True) == "Remove the control character (U+0007): it can't be saved."


def test_one_line_makes_any_stored_text_safe_for_an_email_header():
    assert one_line(CRLF_BCC) == "Employer A Bcc: attacker@evil.example"
    assert one_line("a\x00b\u202ec\u2028d") == "a b c d"


# --- The API: 400 with the field's message, nothing saved ------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "found"),
    [
        ("name", CRLF_BCC, "carriage return (U+000D)"),
        ("name", RIGHT_TO_LEFT_OVERRIDE, "invisible text-direction control (U+202E)"),
        ("sector", "Construction\nBcc: x@evil.example", "line break (U+000A)"),
        ("name", "Employer\x00A", "Null characters are not allowed."),  # every form and serializer field's own rule
    ],
)
def test_an_employer_can_not_name_itself_with_control_characters(api, alice, employer_a, field, value, found):
    before = db_snapshot(Employer)

    response = api(alice).patch(f"/api/v1/employers/{employer_a.pk}/", {field: value}, format="json")

    assert response.status_code == 400
    assert found in response.json()[field][0]
    assert db_snapshot(Employer) == before


def test_hub_staff_can_not_onboard_a_provider_whose_name_holds_a_line_break(api, hannah):
    response = api(hannah).post(
        "/api/v1/providers/",
        {"name": "Provider\r\nBcc: x@evil.example", "ukprn": "10009999", "postcode": "L1 8JQ"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["name"] == ["Remove the carriage return (U+000D): this must be one line of plain text."]


def test_a_vacancy_title_with_a_line_break_or_direction_control_is_refused(api, alice):
    for title in ["Junior developer\r\nApply at evil.example", "Junior \u202edeveloper"]:
        response = api(alice).post("/api/v1/vacancies/", vacancy_payload(title=title), format="json")

        assert response.status_code == 400
        assert response.json()["title"][0].startswith("Remove the ")
    assert not Vacancy.objects.exists()


def test_a_vacancy_postcode_with_a_line_break_is_refused_not_tidied(api, alice):
    response = api(alice).post("/api/v1/vacancies/", vacancy_payload(postcode="L1\n8JQ"), format="json")

    assert response.status_code == 400
    assert response.json()["postcode"] == ["Remove the line break (U+000A): this must be one line of plain text."]


def test_a_vacancy_description_and_notes_keep_their_line_breaks(api, alice):
    description = "What you'll do:\n\n\t• build web pages\r\n\t• test them"
    response = api(alice).post(
        "/api/v1/vacancies/", vacancy_payload(description=description, notes="Parking:\nround the back"), format="json"
    )

    assert response.status_code == 201, response.content
    vacancy = Vacancy.objects.get()
    assert vacancy.description == description
    assert vacancy.notes == "Parking:\nround the back"


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("Build things\x00", "Null characters are not allowed."),
        (
            "Build \u202ethings",
            "Remove the invisible text-direction control (U+202E): it can make the text read "
            "differently from what is saved.",
        ),
        ("Build\x1b[2J things", "Remove the control character (U+001B): it can't be saved."),
    ],
)
def test_a_description_with_nul_or_a_hidden_control_is_refused_with_one_message(api, alice, description, message):
    response = api(alice).post("/api/v1/vacancies/", vacancy_payload(description=description), format="json")

    assert response.status_code == 400
    assert response.json()["description"] == [message]
    assert not Vacancy.objects.exists()


def test_a_course_offer_title_and_location_postcode_are_single_line(api, priya):
    payload = offer_payload(title="Software\rdeveloper", locations=[{"postcode": "L3\t5TR", "radius_km": 25}])

    response = api(priya).post("/api/v1/course-offers/", payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["title"] == ["Remove the carriage return (U+000D): this must be one line of plain text."]
    assert "Remove the tab (U+0009): this must be one line of plain text." in json.dumps(body["locations"])
    assert not CourseOffer.objects.exists()


def test_a_referral_comment_keeps_line_breaks_but_not_nul(api, hannah, alice):
    vacancy = Vacancy.objects.get(
        pk=api(alice).post("/api/v1/vacancies/", vacancy_payload(), format="json").json()["id"]
    )
    assert api(alice).post(f"/api/v1/vacancies/{vacancy.pk}/submit/", {}, format="json").status_code == 200

    refused = api(hannah).post(f"/api/v1/vacancies/{vacancy.pk}/refer/", {"comment": "Fix\x00"}, format="json")
    referred = api(hannah).post(
        f"/api/v1/vacancies/{vacancy.pk}/refer/", {"comment": "Fix:\n- the wage"}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json()["comment"] == ["Null characters are not allowed."]
    assert referred.status_code == 200
    assert referred.json()["history"][-1]["comment"] == "Fix:\n- the wage"


# --- Pages: the form's error, nothing saved --------------------------------------------------


def test_the_vacancy_form_shows_an_error_for_a_title_with_a_line_break(alice, vacancy_form):  # noqa: F811
    vacancy_form["title"] = "Trainee\r\nweb developer"

    response = signed_in(alice).post(reverse("employer-vacancy-new"), vacancy_form)

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "Remove the carriage return (U+000D): this must be one line of plain text."
    ]
    assert "There is a problem" in response.text
    assert not Vacancy.objects.exists()


def test_the_offer_form_shows_an_error_for_a_description_with_a_direction_control(priya, offer_form):  # noqa: F811
    offer_form["description"] = "Two-week blocks \u202eat our campus"

    response = signed_in(priya).post(reverse("provider-offer-new"), offer_form)

    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["description"][0]
        .startswith("Remove the invisible text-direction control (U+202E)")
    )
    assert not CourseOffer.objects.exists()


# --- NUL in searches: 400, never the database's error -----------------------------------------


def test_nul_in_the_standards_api_search_is_a_400_naming_search():
    response = Client().get("/api/v1/standards/", {"search": "\x00"})

    assert response.status_code == 400
    assert response.json() == {"search": ["Remove the null character (U+0000): it can't be saved."]}


def test_a_line_break_in_an_api_search_is_a_400_naming_search(api, hannah):
    response = api(hannah).get("/api/v1/course-offers/", {"search": "software\r\ndeveloper"})

    assert response.status_code == 400
    assert response.json() == {"search": ["Remove the carriage return (U+000D): this must be one line of plain text."]}


@pytest.mark.parametrize("url", ["/api/v1/public/vacancies/", "/api/v1/standards/"])
def test_nul_in_any_api_query_parameter_is_a_400_naming_it(url):
    response = Client().get(url, {"route": "Digital\x00", "local_authority": "x\x00"})

    assert response.status_code == 400
    assert set(response.json()) == {"route", "local_authority"}


@pytest.mark.parametrize("page", ["standard-list", "vacancy-search"])
def test_nul_in_a_page_search_is_a_400_page_saying_where(page):
    response = Client().get(reverse(page), {"q": "\x00"})

    assert response.status_code == 400
    assert "Remove the null character (U+0000) from “q”." in response.text


def test_a_line_break_in_the_standards_search_is_shown_as_an_error_not_searched():
    response = Client().get(reverse("standard-list"), {"q": "software\r\ndeveloper"})

    assert response.status_code == 200
    body = response.text
    assert "There is a problem" in body
    assert "Remove the carriage return (U+000D): this must be one line of plain text." in body
    assert 'value="software developer"' in body  # shown back on one line


def test_a_line_break_in_the_vacancy_search_is_a_form_error():
    response = Client().get(reverse("vacancy-search"), {"q": "web\ndeveloper"})

    assert response.status_code == 200
    assert response.context["form"].errors["q"] == [
        "Remove the line break (U+000A): this must be one line of plain text."
    ]


def test_nul_in_an_address_is_a_400_not_a_database_error(api, hannah):
    response = api(hannah).post("/api/v1/matcher/models/prior\x00/activate/")

    assert response.status_code == 400
    assert "null character" in response.json()["detail"]


# --- CSV import cells ------------------------------------------------------------------------


def test_nul_in_a_csv_cell_is_a_row_error_on_the_api(api, priya):
    data = csv_bytes([good_row(), good_row(title="Software\x00developer", description="Day\x00release")])

    response = api(priya).post(
        "/api/v1/course-offers/import/",
        {"file": SimpleUploadedFile("offers.csv", data, "text/csv")},
        format="multipart",
    )

    assert response.status_code == 400
    nul = "Remove the null character (U+0000): it can't be saved."
    assert response.json()["errors"] == [
        {"row": 3, "column": "title", "message": nul},
        {"row": 3, "column": "description", "message": nul},
    ]
    assert not CourseOffer.objects.exists()


def test_nul_in_a_csv_cell_is_a_row_error_on_the_upload_page(priya):
    data = csv_bytes([good_row(locations="L3 5TR:25\x00")])

    response = signed_in(priya).post(
        reverse("provider-offer-upload"), {"file": SimpleUploadedFile("offers.csv", data, "text/csv")}
    )

    assert response.status_code == 200
    assert [(p.row, p.column, p.message) for p in response.context["problems"]] == [
        (2, "locations", "Remove the null character (U+0000): it can't be saved.")
    ]
    assert "Nothing was saved" in response.text
    assert not CourseOffer.objects.exists()


def test_a_line_break_inside_a_quoted_csv_title_is_a_row_error_but_fine_in_a_description(api, priya):
    data = csv_bytes([good_row(title="Software\ndeveloper"), good_row(description="Day release\nin Liverpool")])

    response = api(priya).post(
        "/api/v1/course-offers/import/",
        {"file": SimpleUploadedFile("offers.csv", data, "text/csv")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "column": "title", "message": "Remove the line break (U+000A): this must be one line of plain text."}
    ]


# --- E-mails never fail because of a stored name ---------------------------------------------


def test_an_organisation_name_with_crlf_bcc_still_gets_both_introduction_emails_with_a_clean_subject(
    api, hannah, alice, priya, employer_a, matched, tasks_in_process, django_capture_on_commit_callbacks
):
    # A name stored before names were checked (the rule now refuses it): the e-mails must still go.
    Employer.objects.filter(pk=employer_a.pk).update(name=CRLF_BCC)
    suggestion = best(matched.alices, matched.liverpool_offer)

    with django_capture_on_commit_callbacks(execute=True):
        response = api(hannah).post(
            f"/api/v1/suggestions/{suggestion.pk}/approve/", {"version": suggestion.version}, format="json"
        )

    assert response.status_code == 200, response.content
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.APPROVED
    assert sorted(message.to[0] for message in mail.outbox) == ["alice@example.org", "priya@example.org"]
    for message in mail.outbox:
        assert message.subject == "Introduction: Employer A Bcc: attacker@evil.example and Provider A"
        assert message.bcc == [] and "Bcc" not in message.message()
