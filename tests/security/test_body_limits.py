"""Requests too big or too deep are refused before the work of reading them: 400 or 413, never a 500.

* JSON nested 1,000 deep (a RecursionError, 500) is a 400 found by a scan of the raw bytes;
* a 196 MB upload is refused by its Content-Length without a byte read, and an upload that
  turns out bigger than its Content-Length promised is cut off at the limit;
* an offer with 20,000 locations or cohorts is refused whole, before any of them is looked up.
"""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apprenticeships.models import CourseOffer, OfferLocation
from apprenticeships.services import offers
from lcr_skills.input_limits import MULTIPART_ENVELOPE_BYTES, json_too_deep
from tests.market_factories import CourseOfferFactory, db_snapshot, offer_payload
from tests.test_offer_import import csv_bytes, good_row
from tests.web.conftest import formset_management, offer_form, software_developer  # noqa: F401 - the page tests' form

pytestmark = pytest.mark.django_db

TOO_DEEP = "The JSON is nested too deeply: use at most 32 levels of arrays and objects."
FILE_TOO_BIG = "The file is larger than 1,024 KB, the most you can upload."
MB = 1024 * 1024
BOUNDARY = "lcr-test-boundary"


def nested(depth: int, inner: object = 1) -> str:
    """A JSON text of arrays `depth` deep."""
    return "[" * depth + json.dumps(inner) + "]" * depth


class LazyBody:
    """A request body of `size` bytes made as it is read, never held in memory whole; counts what was read."""

    def __init__(self, head: bytes, size: int, tail: bytes) -> None:
        self.head, self.size, self.tail = head, size, tail
        self.bytes_read = 0

    def read(self, n: int | None = -1) -> bytes:
        start = self.bytes_read
        end = self.size if n is None or n < 0 else min(self.size, start + n)
        self.bytes_read = end
        filler_end = self.size - len(self.tail)
        out = bytearray(self.head[start:end])
        out += b"x" * max(0, min(end, filler_end) - max(start, len(self.head)))
        if end > filler_end:
            out += self.tail[max(start, filler_end) - filler_end : end - filler_end]
        return bytes(out)

    def readline(self, size: int | None = -1) -> bytes:  # Django's LimitedStream asks for it; multipart never uses it
        raise NotImplementedError("request bodies here are read in chunks, not lines")


def csv_upload_body(size: int) -> LazyBody:
    """A multipart body of `size` bytes carrying one CSV file named `file`."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="offers.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nstandard,title,description,price\r\n"
    ).encode()
    return LazyBody(head, size, f"\r\n--{BOUNDARY}--\r\n".encode())


def send(client: Client, url: str, body: LazyBody, content_type: str):  # noqa: ANN201 - a test client response
    # The environ as a server passes it (Django's client sets neither type nor length without `data`).
    environ = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(body.size), "wsgi.input": body}
    return client.generic("POST", url, content_type=content_type, **environ)


# --- JSON nesting ------------------------------------------------------------------------------


def test_json_nested_1000_deep_to_the_token_endpoint_is_a_400_not_a_500(api):
    response = api().generic("POST", "/api/v1/auth/token/", nested(1000), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": TOO_DEEP}


def test_json_one_level_too_deep_is_refused_and_the_limit_itself_is_parsed(api, alice):
    too_deep = api(alice).generic("POST", "/api/v1/vacancies/", nested(32, {}), content_type="application/json")
    at_limit = api(alice).generic("POST", "/api/v1/vacancies/", nested(31, {}), content_type="application/json")

    assert too_deep.status_code == 400
    assert too_deep.json() == {"detail": TOO_DEEP}
    assert at_limit.status_code == 400
    assert at_limit.json() != {"detail": TOO_DEEP}  # read, then refused for what it says


def test_brackets_inside_json_strings_do_not_count_as_nesting(api, alice):
    body = {"title": "[" * 1000 + '"\\' + "{" * 1000}

    response = api(alice).post("/api/v1/vacancies/", body, format="json")

    assert response.status_code == 400
    assert "title" in response.json()  # too long a title: it was parsed


def test_the_depth_scan_follows_json_strings_exactly():
    assert not json_too_deep(b'{"a": "[[[[[[", "b": "\\"[[[[[["}', limit=2)
    assert json_too_deep(b'{"a": [[["\\\\"]]]}', limit=3)  # an escaped backslash ends before the quote
    assert not json_too_deep(b'"unterminated [[[[[[[[', limit=2)
    assert json_too_deep(b"[" * 40, limit=32)


def test_the_depth_scan_stays_linear_on_a_body_made_to_defeat_it():
    # Half a million unterminated escaped quotes: a backtracking scan would take hours.
    assert not json_too_deep(b'"\\' * 500_000, limit=32)
    assert not json_too_deep(b'"' + b"\\" * 1_000_001, limit=32)


def test_a_196_mb_json_body_is_refused_by_its_content_length_without_reading_it(api, alice):
    body = LazyBody(b"{", 196 * MB, b"}")

    response = send(api(alice), "/api/v1/vacancies/", body, "application/json")

    assert response.status_code == 413
    assert "The request is too large" in response.json()["detail"]
    assert body.bytes_read == 0


# --- Uploads ---------------------------------------------------------------------------------


def test_a_196_mb_upload_to_the_csv_import_api_is_refused_without_reading_it(api, priya):
    body = csv_upload_body(196 * MB)

    response = send(api(priya), "/api/v1/course-offers/import/", body, f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 413
    assert response.json() == {"detail": FILE_TOO_BIG}
    assert body.bytes_read == 0
    assert not CourseOffer.objects.exists()


def test_a_196_mb_upload_to_the_upload_page_is_refused_without_reading_it(priya):
    browser = Client()
    browser.force_login(priya)
    body = csv_upload_body(196 * MB)

    response = send(browser, reverse("provider-offer-upload"), body, f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 413
    assert FILE_TOO_BIG in response.text
    assert body.bytes_read == 0


def test_an_upload_over_the_limit_is_cut_off_as_soon_as_it_passes_it(api, priya):
    # Small enough a request to be read (files, other fields and multipart lines), too big a file to keep.
    size = settings.FILE_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_ENVELOPE_BYTES
    body = csv_upload_body(size)

    response = send(api(priya), "/api/v1/course-offers/import/", body, f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 413
    assert response.json() == {"detail": FILE_TOO_BIG}
    assert settings.FILE_UPLOAD_MAX_BYTES < body.bytes_read <= settings.FILE_UPLOAD_MAX_BYTES + 256 * 1024
    assert not CourseOffer.objects.exists()


def test_an_upload_within_the_limit_is_still_imported(api, priya):
    data = csv_bytes([good_row()])

    response = api(priya).post(
        "/api/v1/course-offers/import/",
        {"file": SimpleUploadedFile("offers.csv", data, "text/csv")},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert CourseOffer.objects.count() == 1


# --- Locations and cohorts per offer ---------------------------------------------------------


@pytest.fixture
def priyas_offer(provider_a) -> CourseOffer:
    return CourseOfferFactory(provider=provider_a)


def test_a_patch_with_20000_locations_is_refused_whole_before_any_is_looked_up(
    api, priya, priyas_offer, django_assert_max_num_queries
):
    before = db_snapshot(OfferLocation)
    locations = [{"postcode": "L3 5TR", "radius_km": 25}] * 20_000

    with django_assert_max_num_queries(10):  # not one postcode look-up per location
        response = api(priya).patch(
            f"/api/v1/course-offers/{priyas_offer.pk}/", {"locations": locations}, format="json"
        )

    assert response.status_code == 400
    assert response.json() == {"locations": ["Add at most 20 delivery locations."]}
    assert db_snapshot(OfferLocation) == before


def test_a_patch_with_20000_cohorts_is_refused_whole(api, priya, priyas_offer, django_assert_max_num_queries):
    cohorts = [{"start_date": "2099-01-01", "places": 1}] * 20_000

    with django_assert_max_num_queries(10):
        response = api(priya).patch(f"/api/v1/course-offers/{priyas_offer.pk}/", {"cohorts": cohorts}, format="json")

    assert response.status_code == 400
    assert response.json() == {"cohorts": ["Add at most 50 cohorts."]}
    assert priyas_offer.cohorts.count() == 2


def test_an_offer_may_have_as_many_locations_as_the_cap(api, priya):
    locations = [{"postcode": "L3 5TR", "radius_km": radius} for radius in range(1, offers.MAX_LOCATIONS + 1)]

    response = api(priya).post("/api/v1/course-offers/", offer_payload(locations=locations), format="json")

    assert response.status_code == 201, response.content
    assert len(response.json()["locations"]) == offers.MAX_LOCATIONS == 20


def test_the_offer_form_refuses_20000_location_rows_without_building_them(priya, offer_form):  # noqa: F811
    browser = Client()
    browser.force_login(priya)
    offer_form.update(formset_management("locations", 20_000))

    response = browser.post(reverse("provider-offer-new"), offer_form)

    assert response.status_code == 200
    assert "Add at most 20 delivery locations" in response.text
    assert len(response.context["form"].locations.forms) <= offers.MAX_LOCATIONS
    assert not CourseOffer.objects.exists()


def test_a_csv_row_with_too_many_locations_is_a_row_error(api, priya):
    locations = ";".join(f"L3 5TR:{radius}" for radius in range(1, 22))
    data = csv_bytes([good_row(locations=locations)])

    response = api(priya).post(
        "/api/v1/course-offers/import/",
        {"file": SimpleUploadedFile("offers.csv", data, "text/csv")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "column": "locations", "message": "Add at most 20 delivery locations, not 21."}
    ]
