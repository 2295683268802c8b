"""Bulk upload of course offers from CSV: all rows saved or none, with errors by row and column."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apprenticeships.models import Cohort, CourseOffer, OfferLocation, Standard
from apprenticeships.services import offer_import
from tests.market_factories import CourseOfferFactory, days_ahead, db_snapshot

pytestmark = pytest.mark.django_db

IMPORT_URL = "/api/v1/course-offers/import/"
TEMPLATE_URL = "/api/v1/course-offers/import/template/"
HEADER = list(offer_import.COLUMNS)


def good_row(**cells: str) -> dict[str, str]:
    row = {
        "standard": "2",
        "title": "Software developer",
        "description": "Day release in Liverpool",
        "price": "15000",
        "delivery_modes": "day_release;online",
        "national": "no",
        "locations": "L3 5TR:25;CH41:15",
        "cohorts": f"{days_ahead(40)}:12;{days_ahead(120)}:8",
        "status": "open",
    }
    row.update(cells)
    return row


def csv_bytes(rows: list[dict[str, str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(client, data: bytes, name: str = "offers.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data, "text/csv")}, format="multipart")


def snapshot() -> tuple:
    return db_snapshot(CourseOffer), db_snapshot(OfferLocation), db_snapshot(Cohort)


def refused(client, data: bytes) -> list[tuple[int, str, str]]:
    """Upload a file that must be refused; check nothing changed; return its (row, column, message) errors."""
    before = snapshot()
    response = upload(client, data)
    assert response.status_code == 400, response.content
    assert snapshot() == before
    body = response.json()
    if "errors" not in body:  # refused before the service read it, e.g. no file at all
        return [(0, field, " ".join(messages)) for field, messages in body.items()]
    assert body["detail"] == "Nothing was saved."
    return [(error["row"], error["column"], error["message"]) for error in body["errors"]]


def test_a_provider_downloads_the_template_with_every_column(api, priya):
    response = api(priya).get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == HEADER
    assert len(rows) == 2


def test_the_templates_example_row_left_in_is_refused_and_nothing_is_saved(api, priya):
    template = api(priya).get(TEMPLATE_URL).content
    mine = csv_bytes([good_row(title="Plumbing (level 2)")]).split(b"\r\n", 1)[1]  # a row of one's own, no header

    errors = refused(api(priya), template + mine)

    assert errors == [(2, "title", offer_import.EXAMPLE_LEFT_IN)]
    assert not CourseOffer.objects.exists()


def test_the_templates_example_imports_once_made_ones_own(api, priya, provider_a):
    template = api(priya).get(TEMPLATE_URL).content.decode()

    response = upload(
        api(priya), template.replace("Day release at our Liverpool campus", "Our own day release").encode()
    )

    assert response.status_code == 201
    assert response.json()["created"] == 1
    offer = CourseOffer.objects.get(pk=response.json()["ids"][0])
    assert offer.provider == provider_a
    assert offer.standard.lars_code == 2
    assert [location.postcode for location in offer.locations.all()] == ["L3 5TR"]
    assert offer.cohorts.count() == 2
    assert offer.cohorts.order_by("start_date").first().start_date > days_ahead(0)


def test_start_dates_may_be_written_day_first_as_in_the_uk(api, priya):
    first, second = days_ahead(40), days_ahead(120)
    cohorts = f"{first:%d/%m/%Y}:12; {second.isoformat()}:8"

    response = upload(api(priya), csv_bytes([good_row(cohorts=cohorts)]))

    assert response.status_code == 201, response.content
    offer = CourseOffer.objects.get(pk=response.json()["ids"][0])
    assert list(offer.cohorts.order_by("start_date").values_list("start_date", "places")) == [(first, 12), (second, 8)]


def test_a_standard_may_be_given_by_its_reference_once_the_catalogue_carries_them(api, priya):
    row = good_row()
    chosen = Standard.objects.get(lars_code=int(row["standard"]))
    Standard.objects.filter(pk=chosen.pk).update(reference="ST0116")

    response = upload(api(priya), csv_bytes([{**row, "standard": "st0116"}]))

    assert response.status_code == 201, response.content
    assert CourseOffer.objects.get(pk=response.json()["ids"][0]).standard == chosen


def test_a_reference_no_standard_has_is_explained(api, priya):
    errors = refused(api(priya), csv_bytes([good_row(standard="ST9999")]))

    assert [(row, column) for row, column, _ in errors] == [(2, "standard")]
    assert "No standard we hold has the reference “ST9999”. Give its LARS code instead" in errors[0][2]


def test_every_row_of_a_good_file_is_saved_for_the_uploaders_provider(api, priya, provider_a):
    rows = [good_row(), good_row(title="Network engineer", standard="1", national="yes", locations="", cohorts="")]

    response = upload(api(priya), csv_bytes(rows))

    assert response.status_code == 201
    assert response.json()["created"] == 2
    offers = CourseOffer.objects.order_by("id")
    assert [(o.title, o.provider_id, o.national) for o in offers] == [
        ("Software developer", provider_a.id, False),
        ("Network engineer", provider_a.id, True),
    ]
    assert [loc.postcode for loc in offers[0].locations.all()] == ["L3 5TR", "CH41"]
    assert sorted(offers[0].delivery_modes) == ["day_release", "online"]


def test_one_bad_row_saves_nothing_and_the_report_names_its_row_and_columns(api, priya, provider_a):
    CourseOfferFactory(provider=provider_a)
    bad = good_row(price="18000.01", delivery_modes="day_release;teleport", locations="EH1 1AA:10")

    errors = refused(api(priya), csv_bytes([good_row(), bad]))

    assert CourseOffer.objects.count() == 1
    assert {(row, column) for row, column, _ in errors} == {(3, "price"), (3, "delivery_modes"), (3, "locations")}
    messages = {column: message for _, column, message in errors}
    assert "maximum funding band" in messages["price"]
    assert "teleport" in messages["delivery_modes"]
    assert "outside England" in messages["locations"]


@pytest.mark.parametrize(
    ("cells", "column", "rule"),
    [
        ({"standard": "abc"}, "standard", "not the LARS code or reference"),
        ({"standard": "999999"}, "standard", "not the LARS code"),
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 151}, "title", "150 characters"),
        ({"price": "lots"}, "price", "not an amount"),
        ({"price": "NaN"}, "price", "not an amount"),  # was a server error
        ({"price": "Infinity"}, "price", "not an amount"),
        ({"description": "x" * 5001}, "description", "5,000 characters"),
        ({"delivery_modes": ""}, "delivery_modes", "required"),
        ({"national": "maybe"}, "national", "yes or no"),
        ({"locations": "L3 5TR"}, "locations", "postcode:km"),
        ({"locations": "L3 5TR:far"}, "locations", "whole number"),
        ({"locations": "L3 5TR:0"}, "locations", "radius"),
        ({"locations": ""}, "locations", "at least one delivery location"),
        ({"cohorts": "2027-13-01:5"}, "cohorts", "“2027-13-01” is not a date: write it as 14/02/2027 or 2027-02-14"),
        ({"cohorts": "31/02/2027:5"}, "cohorts", "“31/02/2027” is not a date"),
        ({"cohorts": "02/14/2027:5"}, "cohorts", "“02/14/2027” is not a date"),  # month first is not how the UK writes
        ({"cohorts": "14/02/2027:a few"}, "cohorts", "“a few” is not a number of places"),
        ({"cohorts": "14/02/2027"}, "cohorts", "date:places"),
        ({"cohorts": f"{days_ahead(-1)}:5"}, "cohorts", "in the past"),
        ({"cohorts": f"{days_ahead(30)}:5;{days_ahead(30)}:2"}, "cohorts", "already starts"),
        ({"cohorts": f"{days_ahead(30)}:0"}, "cohorts", "places"),
        ({"status": "paused"}, "status", "open or closed"),
    ],
)
def test_each_bad_cell_is_reported_by_row_and_column(api, priya, cells, column, rule):
    errors = refused(api(priya), csv_bytes([good_row(), good_row(), good_row(**cells)]))

    assert [(row, col) for row, col, _ in errors] == [(4, column)]
    assert rule in errors[0][2]


def test_problems_on_several_rows_are_all_reported(api, priya):
    rows = [good_row(price="x"), good_row(), good_row(standard="")]

    errors = refused(api(priya), csv_bytes(rows))

    assert [(row, column) for row, column, _ in errors] == [(2, "price"), (4, "standard")]


def test_a_cell_too_long_for_the_csv_reader_is_reported_not_a_server_error(api, priya):
    errors = refused(api(priya), csv_bytes([good_row(), good_row(description="x" * 200_000)]))

    assert [(row, column) for row, column, _ in errors] == [(3, "file")]
    assert "can't be read as CSV" in errors[0][2]


def test_a_header_too_long_for_the_csv_reader_is_reported_on_row_1(api, priya):
    errors = refused(api(priya), ("x" * 200_000 + "\n").encode() + csv_bytes([good_row()]))

    assert [(row, column) for row, column, _ in errors] == [(1, "file")]


def test_the_templates_cohorts_start_after_the_day_it_is_downloaded():
    # Fixed example dates went stale: the template would have stopped importing in January 2027.
    later = date(2031, 6, 1)

    row = list(csv.DictReader(io.StringIO(offer_import.template_csv(today=later))))[0]

    starts = [date.fromisoformat(pair.split(":")[0]) for pair in row["cohorts"].split(";")]
    assert starts and all(start > later for start in starts)


def test_a_file_missing_a_required_column_is_refused_naming_it(api, priya):
    header = [column for column in HEADER if column != "price"]

    errors = refused(api(priya), csv_bytes([good_row()], header=header))

    assert [(row, column) for row, column, _ in errors] == [(1, "price")]
    assert "missing from the header" in errors[0][2]


def test_optional_columns_may_be_left_out(api, priya):
    header = [column for column in HEADER if column not in ("description", "national", "status")]

    response = upload(api(priya), csv_bytes([good_row()], header=header))

    assert response.status_code == 201
    assert CourseOffer.objects.get().status == "open"


def test_a_file_that_is_not_utf8_is_refused(api, priya):
    data = csv_bytes([good_row(title="Software developer £")]).decode().encode("latin-1")

    errors = refused(api(priya), data)

    assert errors == [(0, "file", "The file must be a CSV saved as UTF-8.")]


def test_a_utf8_file_saved_by_excel_with_a_byte_order_mark_is_read(api, priya):
    response = upload(api(priya), b"\xef\xbb\xbf" + csv_bytes([good_row(title="Café skills")]))

    assert response.status_code == 201
    assert CourseOffer.objects.get().title == "Café skills"


def test_an_empty_file_is_refused(api, priya):
    errors = refused(api(priya), b"")

    assert [column for _, column, _ in errors] == ["file"]


def test_a_header_without_offers_is_refused(api, priya):
    errors = refused(api(priya), csv_bytes([]))

    assert errors == [(0, "file", "The file has a header but no offers.")]


def test_no_file_at_all_is_refused(api, priya):
    response = api(priya).post(IMPORT_URL, {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()


def test_a_file_of_exactly_max_rows_is_accepted(api, priya, monkeypatch):
    monkeypatch.setattr(offer_import, "MAX_ROWS", 3)

    response = upload(api(priya), csv_bytes([good_row()] * 3))

    assert response.status_code == 201
    assert CourseOffer.objects.count() == 3


def test_a_file_of_more_than_max_rows_is_refused(api, priya):
    errors = refused(api(priya), csv_bytes([good_row()] * (offer_import.MAX_ROWS + 1)))

    assert [(row, column) for row, column, _ in errors] == [(0, "file")]
    assert f"{offer_import.MAX_ROWS:,}" in errors[0][2]


def test_a_file_of_exactly_max_bytes_is_accepted(api, priya, monkeypatch):
    data = csv_bytes([good_row()])
    monkeypatch.setattr(offer_import, "MAX_BYTES", len(data))

    assert upload(api(priya), data).status_code == 201


def test_a_file_over_max_bytes_is_refused_as_too_large(api, priya):
    data = csv_bytes([good_row()])
    data += b" " * (offer_import.MAX_BYTES + 1 - len(data))
    before = snapshot()

    response = upload(api(priya), data)

    # Refused by the upload handler as it streams in (tests/security/test_body_limits.py), before the import reads it.
    assert response.status_code == 413
    assert response.json() == {"detail": "The file is larger than 1,024 KB, the most you can upload."}
    assert snapshot() == before


def test_the_import_itself_refuses_a_file_over_its_own_limit(priya, monkeypatch):
    data = csv_bytes([good_row()])
    monkeypatch.setattr(offer_import, "MAX_BYTES", len(data) - 1)

    with pytest.raises(offer_import.ImportRejected) as rejected:
        offer_import.offers_import(provider=priya.membership.provider, data=data)

    assert [error.as_dict() for error in rejected.value.errors] == [
        {
            "row": 0,
            "column": "file",
            "message": f"The file is larger than {(len(data) - 1) // 1024:,} KB, the most you can upload.",
        }
    ]


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("hannah", 403), ("anonymous", 401)])
def test_only_providers_may_import_or_download_the_template(api, alice, hannah, persona, status):
    client = api({"alice": alice, "hannah": hannah, "anonymous": None}[persona])

    response = upload(client, csv_bytes([good_row()]))

    assert response.status_code == status
    assert not CourseOffer.objects.exists()
    assert client.get(TEMPLATE_URL).status_code == status
