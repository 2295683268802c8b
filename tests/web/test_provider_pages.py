"""Priya's course offer pages: the list, adding and changing offers, deleting, and the CSV upload."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apprenticeships.models import Cohort, CourseOffer
from apprenticeships.services.offer_import import COLUMNS, template_csv
from lcr_skills.formats import long_date
from matching.services import suggestion_reject
from tests.market_factories import VacancyFactory
from tests.web.conftest import date_fields, days_ahead, formset_management
from tests.web.review_market import suggest

pytestmark = pytest.mark.django_db


def banner(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_the_list_invites_a_first_offer(client, priya):
    client.force_login(priya)

    body = client.get(reverse("provider-offers")).text

    assert "You have not added any course offers yet" in body
    assert reverse("provider-offer-new") in body and reverse("provider-offer-upload") in body


def test_the_list_shows_only_the_providers_offers_with_price_and_places_left(
    client, priya, provider_a, provider_b, make_offer
):
    make_offer(
        provider_a,
        price=Decimal("12345.50"),
        cohorts=[{"start_date": days_ahead(30), "places": 12}, {"start_date": days_ahead(120), "places": 8}],
    )
    make_offer(provider_b, title="Quentin's open offer")
    client.force_login(priya)

    body = client.get(reverse("provider-offers")).text

    assert "Software developer, day release" in body
    assert "£12,345.50" in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">20</td>' in body
    assert '<strong class="govuk-tag govuk-tag--green">Open</strong>' in body
    assert "Quentin" not in body


def test_a_valid_offer_is_saved_with_its_location_and_cohort_and_blank_rows_ignored(
    client, priya, provider_a, offer_form
):
    client.force_login(priya)

    response = client.post(reverse("provider-offer-new"), offer_form, follow=True)

    offer = CourseOffer.objects.get()
    assert response.redirect_chain == [(reverse("provider-offers"), 302)]
    assert "has been added to your course offers" in banner(response)
    assert offer.provider == provider_a
    assert str(offer.price) == "16500.00"
    assert [(loc.postcode, loc.radius_km) for loc in offer.locations.all()] == [("L3 5TR", 30)]
    assert [(c.start_date, c.places) for c in offer.cohorts.all()] == [(days_ahead(100), 10)]


def test_an_offer_breaking_the_rules_shows_each_error_where_it_belongs(client, priya, offer_form):
    client.force_login(priya)
    offer_form.update(
        {
            "price": "99999",
            "locations-0-postcode": "",
            "locations-0-radius_km": "",
            "locations-2-postcode": "ZZ99 9ZZ",
            "locations-2-radius_km": "10",
            **date_fields("cohorts-1-start_date", days_ahead(-10)),
            "cohorts-1-places": "5",
        }
    )

    response = client.post(reverse("provider-offer-new"), offer_form)

    body = response.text
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "above the maximum funding band" in response.context["form"].errors["price"][0]
    # The rules count filled rows; the page names the row the provider sees (the third).
    assert '<a href="#id_locations-2-postcode">Location 3: We could not find the postcode district ZZ99' in body
    assert '<a href="#id_cohorts-1-start_date_0">Cohort 2: the start date' in body
    assert CourseOffer.objects.count() == 0


def test_a_rows_error_in_the_summary_links_to_the_field_it_is_about(client, priya, offer_form):
    client.force_login(priya)
    offer_form.update(
        {
            "locations-0-radius_km": "500",
            **date_fields("cohorts-1-start_date", days_ahead(120)),
            "cohorts-1-places": "0",
        }
    )

    body = client.post(reverse("provider-offer-new"), offer_form).text

    assert '<a href="#id_locations-0-radius_km">Location 1: the radius must be between 1 and 200 km.</a>' in body
    assert '<a href="#id_cohorts-1-places">Cohort 2: places must be between 1 and 500.</a>' in body
    assert CourseOffer.objects.count() == 0


def test_clearing_a_cohort_the_hub_has_decided_on_links_to_its_row(
    client, priya, hannah, employer_a, provider_a, make_offer
):
    offer = make_offer(
        provider_a,
        cohorts=[{"start_date": days_ahead(90), "places": 12}, {"start_date": days_ahead(120), "places": 8}],
    )
    vacancy = VacancyFactory(employer=employer_a, status="live")
    decided = suggestion_reject(
        suggest(vacancy, offer).pk, by=hannah, version=1, reason="other", note="Not this one."
    ).cohort  # the first cohort
    # Moved after the other since, so the row with the decided matches is the second on the page.
    Cohort.objects.filter(pk=decided.pk).update(start_date=days_ahead(150))
    decided.refresh_from_db()
    kept = offer.cohorts.exclude(pk=decided.pk).get()
    client.force_login(priya)
    data = {
        "standard": str(offer.standard.pk),
        "title": offer.title,
        "price": "15000.00",
        "delivery_modes": ["day_release"],
        "status": "open",
        **formset_management("locations", 2, initial=1),
        "locations-0-postcode": "WA7 1AA",
        "locations-0-radius_km": "25",
        **formset_management("cohorts", 3, initial=2),
        "cohorts-0-id": str(kept.pk),
        **date_fields("cohorts-0-start_date", kept.start_date),
        "cohorts-0-places": "8",
        "cohorts-1-id": str(decided.pk),  # cleared
    }

    body = client.post(reverse("provider-offer-edit", args=[offer.pk]), data).text

    message = f"The cohort starting {long_date(decided.start_date)} has matches the hub has decided on"
    assert f'<a href="#id_cohorts-1-start_date_0">{message}' in body
    assert offer.cohorts.count() == 2


def test_an_offer_without_locations_or_national_delivery_is_refused(client, priya, offer_form):
    client.force_login(priya)
    offer_form.update({"locations-0-postcode": "", "locations-0-radius_km": ""})

    response = client.post(reverse("provider-offer-new"), offer_form)

    assert (
        '<a href="#id_locations-0-postcode">Add at least one delivery location, or mark the offer as national.</a>'
        in response.text
    )
    assert CourseOffer.objects.count() == 0


def test_the_edit_form_keeps_cohorts_by_id_and_drops_cleared_locations(client, priya, provider_a, make_offer):
    offer = make_offer(provider_a, national=True)
    cohort = offer.cohorts.get()
    client.force_login(priya)
    page = client.get(reverse("provider-offer-edit", args=[offer.pk]))
    assert 'value="WA7 1AA"' in page.text and f'value="{cohort.pk}"' in page.text

    data = {
        "standard": str(offer.standard.pk),
        "title": "Renamed course",
        "description": "",
        "price": "15000.00",
        "delivery_modes": ["day_release"],
        "national": "on",
        "status": "closed",
        **formset_management("locations", 4, initial=1),
        "locations-0-postcode": "",
        "locations-0-radius_km": "",
        **formset_management("cohorts", 4, initial=1),
        "cohorts-0-id": str(cohort.pk),
        **date_fields("cohorts-0-start_date", cohort.start_date),
        "cohorts-0-places": "15",
    }
    response = client.post(reverse("provider-offer-edit", args=[offer.pk]), data, follow=True)

    offer.refresh_from_db()
    assert "Your changes to “Renamed course” have been saved." in banner(response)
    assert offer.status == CourseOffer.Status.CLOSED
    assert offer.locations.count() == 0
    assert list(offer.cohorts.values_list("id", "places")) == [(cohort.pk, 15)]


def test_deleting_asks_first_then_deletes(client, priya, provider_a, make_offer):
    offer = make_offer(provider_a)
    client.force_login(priya)

    confirm = client.get(reverse("provider-offer-delete", args=[offer.pk]))
    response = client.post(reverse("provider-offer-delete", args=[offer.pk]), follow=True)

    assert "Are you sure you want to delete “Software developer, day release”?" in confirm.text
    assert CourseOffer.objects.filter(pk=offer.pk).exists() is False
    assert "has been deleted" in banner(response)


def test_the_upload_page_documents_every_column_and_links_the_template(client, priya):
    client.force_login(priya)

    body = client.get(reverse("provider-offer-upload")).text

    for column, description in COLUMNS.items():
        assert f"<code>{column}</code>" in body
        assert description.split(",")[0] in body
    assert reverse("provider-offer-template") in body


def test_the_template_downloads_as_csv(client, priya):
    client.force_login(priya)

    response = client.get(reverse("provider-offer-template"))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == template_csv()


def upload(rows: list[str]) -> SimpleUploadedFile:
    content = "\n".join([",".join(COLUMNS), *rows]).encode()
    return SimpleUploadedFile("offers.csv", content, content_type="text/csv")


GOOD_ROW = f"2,Software developer,Day release,15000,day_release,no,L3 5TR:25,{days_ahead(60).isoformat()}:12,open"


def test_a_csv_with_a_bad_row_is_reported_by_row_and_column_and_nothing_is_saved(client, priya):
    client.force_login(priya)
    bad_row = f"2,Network course,,lots,teleport,no,L3 5TR:25,{days_ahead(60).isoformat()}:12,open"

    response = client.post(reverse("provider-offer-upload"), {"file": upload([GOOD_ROW, bad_row])})

    body = response.text
    assert response.status_code == 200
    assert "Nothing was saved" in body
    assert "Problems in your file" in body
    assert response.context["problems"]
    assert {(p.row, p.column) for p in response.context["problems"]} >= {(3, "price"), (3, "delivery_modes")}
    assert "“lots” is not an amount in pounds." in body
    assert CourseOffer.objects.count() == 0


def test_a_good_csv_adds_every_offer(client, priya, provider_a):
    client.force_login(priya)
    second = GOOD_ROW.replace("Software developer,", "Software developer evenings,")

    response = client.post(reverse("provider-offer-upload"), {"file": upload([GOOD_ROW, second])}, follow=True)

    assert response.redirect_chain == [(reverse("provider-offers"), 302)]
    assert "2 offers added" in banner(response)
    assert CourseOffer.objects.filter(provider=provider_a).count() == 2


def test_uploading_without_a_file_asks_for_one(client, priya):
    client.force_login(priya)

    response = client.post(reverse("provider-offer-upload"), {})

    assert '<a href="#id_file">Select a CSV file</a>' in response.text
