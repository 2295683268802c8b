"""The pledge pages: the pledger's money and chart, the applicant's buttons, the hub's view of every pledge."""

from decimal import Decimal

import pytest
from django.test import Client

from apprenticeships.models import Pledge, PledgeApplication
from apprenticeships.services import pledges

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def market(make_pledge, live_vacancy, lena):
    pledge = make_pledge("16000")
    approved, waiting = live_vacancy(title="Approved developer"), live_vacancy(title="Waiting developer")
    first = pledges.application_create(pledge=pledge, applicant=approved.employer, vacancy=approved, by=None)
    pledges.application_approve(first.pk, by=lena)
    second = pledges.application_create(pledge=pledge, applicant=waiting.employer, vacancy=waiting, by=None)
    return pledge, first, second


def test_the_pledger_sees_money_held_and_available_with_a_chart_and_decides(market, lena):
    pledge, first, second = market

    page = signed_in(lena).get("/employer/pledges/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "£16,000" in text and "£7,200" in text and "£8,800" in text  # pledged, held, available
    assert 'id="chart-pledges-title"' in text and "Held for applications" in text
    assert "Waiting developer" in text and f"/pledge-applications/{second.pk}/approve/" in text

    response = signed_in(lena).post(f"/pledge-applications/{second.pk}/approve/", follow=True)

    assert "is now held for “Waiting developer”" in response.content.decode()
    assert PledgeApplication.objects.get(pk=second.pk).status == "approved"


def test_a_lost_race_on_the_page_is_explained_not_an_error(market, make_pledge, live_vacancy, lena):
    pledge, first, second = market
    pledges.application_approve(second.pk, by=lena)  # £1,600 left: the pledge closes
    pledge.refresh_from_db()

    response = signed_in(lena).post(f"/pledge-applications/{second.pk}/approve/", follow=True)

    assert response.status_code == 200
    assert "can&#x27;t be approved now" in response.content.decode()


def test_the_applicant_accepts_from_its_page_and_may_not_approve(market, alice):
    pledge, first, second = market

    page = signed_in(alice).get("/employer/pledge-applications/").content.decode()

    assert f"/pledge-applications/{first.pk}/accept/" in page
    assert f"/pledge-applications/{second.pk}/accept/" not in page  # still pending
    assert signed_in(alice).post(f"/pledge-applications/{second.pk}/approve/").status_code == 403
    response = signed_in(alice).post(f"/pledge-applications/{first.pk}/accept/", follow=True)
    assert "You accepted £7,200" in response.content.decode()


def test_another_employer_finds_nothing(market, bob):
    pledge, first, second = market

    assert signed_in(bob).post(f"/pledge-applications/{first.pk}/accept/").status_code == 404


def test_hub_staff_see_every_pledge_with_totals(market, hannah):
    page = signed_in(hannah).get("/hub/pledges/").content.decode()

    assert "Mersey Docks Ltd" in page
    assert "£16,000" in page and "£7,200" in page
    assert "Waiting developer" in page


def test_an_approval_that_closes_the_pledge_says_so_and_the_hubs_totals_still_add_up(market, lena, hannah):
    pledge, first, second = market

    response = signed_in(lena).post(f"/pledge-applications/{second.pk}/approve/", follow=True)
    page = signed_in(hannah).get("/hub/pledges/").content.decode()

    # £16,000 pledged, £14,400 held: the £1,600 left is under the minimum, so the pledge closed.
    assert "The pledge has now closed: the £1,600 left goes back to the pledger." in response.content.decode()
    summary = page.split('class="govuk-summary-list"')[1].split("</dl>")[0]
    assert "£16,000" in summary and "£14,400" in summary
    assert "Gone back to the pledgers (pledges closed or withdrawn)</dt>" in summary and "£1,600" in summary


def test_an_employer_with_no_pledges_is_told_how_to_make_one(alice):
    page = signed_in(alice).get("/employer/pledges/").content.decode()

    assert "You have not pledged any levy funds yet" in page
    assert "No applications are waiting for a decision" in page


def test_an_employer_applies_to_a_pledge_from_the_list_for_one_of_its_vacancies(make_pledge, live_vacancy, alice):
    pledge = make_pledge("16000")
    vacancy = live_vacancy(title="Harbour electrician")
    listing = signed_in(alice).get("/pledges/").content.decode()
    assert f'href="/pledges/{pledge.pk}/apply/"' in listing
    form = signed_in(alice).get(f"/pledges/{pledge.pk}/apply/").content.decode()
    assert "Harbour electrician" in form and "Mersey Docks Ltd" in form

    response = signed_in(alice).post(f"/pledges/{pledge.pk}/apply/", {"vacancy": vacancy.pk}, follow=True)

    application = PledgeApplication.objects.get()
    assert (application.pledge, application.vacancy, application.status) == (pledge, vacancy, "pending")
    assert response.redirect_chain[-1][0] == "/employer/pledge-applications/"
    assert (
        "You asked the pledge for £7,200 for “Harbour electrician”: its pledger approves" in response.content.decode()
    )
    # Asked once: the vacancy is no longer offered for this pledge.
    again = signed_in(alice).get(f"/pledges/{pledge.pk}/apply/").content.decode()
    assert "You have no vacancy this pledge can fund" in again


def test_applying_with_nothing_chosen_or_anothers_vacancy_is_refused_and_changes_nothing(
    make_pledge, live_vacancy, alice, bob, employer_b
):
    pledge = make_pledge("16000")
    live_vacancy(title="Harbour electrician")
    bobs = live_vacancy(title="Bob's welder", employer=employer_b, by=bob)

    blank = signed_in(alice).post(f"/pledges/{pledge.pk}/apply/", {"apprentices": "0"})
    theirs = signed_in(alice).post(f"/pledges/{pledge.pk}/apply/", {"vacancy": bobs.pk})

    assert blank.status_code == theirs.status_code == 400
    assert "Choose the vacancy the pledge should fund" in blank.content.decode()
    assert "Enter at least 1 apprentice, or leave it blank" in blank.content.decode()
    assert "Choose one of your vacancies from the list" in theirs.content.decode()
    assert not PledgeApplication.objects.exists()


def test_the_pledger_sees_its_own_pledge_without_a_form_and_others_are_sent_to_sign_in(make_pledge, lena, client):
    pledge = make_pledge("16000")

    own = signed_in(lena).get(f"/pledges/{pledge.pk}/apply/").content.decode()
    anonymous = client.get(f"/pledges/{pledge.pk}/apply/")

    assert "This is your own pledge" in own and 'name="vacancy"' not in own
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]
    assert "Sign in</a> as an employer to apply" in client.get("/pledges/").content.decode()


WIRRAL = "E08000015"


def test_a_levy_payer_pledges_on_the_site_and_employers_can_apply(lena, alice):
    pledges_page = signed_in(lena).get("/employer/pledges/").content.decode()
    assert 'href="/employer/pledges/new/"' in pledges_page
    form = {"amount": "5000", "levels": ["2", "3"], "local_authorities": [WIRRAL], "auto_approve": "never"}

    response = signed_in(lena).post("/employer/pledges/new/", form, follow=True)

    pledge = Pledge.objects.get()
    assert (pledge.amount, pledge.levels, pledge.local_authorities) == (Decimal(5000), [2, 3], [WIRRAL])
    assert pledge.employer == lena.membership.employer and not pledge.anonymous
    assert "You pledged £5,000. Employers can now apply to it" in response.content.decode()
    assert f'href="/pledges/{pledge.pk}/apply/"' in signed_in(alice).get("/pledges/").content.decode()


def test_a_pledge_form_with_mistakes_says_what_to_put_right_and_pledges_nothing(lena):
    blank = signed_in(lena).post("/employer/pledges/new/", {"amount": "", "auto_approve": "never"})
    too_much = signed_in(lena).post(
        "/employer/pledges/new/", {"amount": "900000", "levels": ["3"], "auto_approve": "never"}
    )

    assert blank.status_code == too_much.status_code == 400
    assert "Enter how much you want to pledge" in blank.content.decode()
    assert "Choose at least one level" in blank.content.decode()
    assert "You may pledge at most" in too_much.content.decode()
    assert not Pledge.objects.exists()


def test_an_employer_that_pays_no_levy_is_told_it_cannot_pledge(bob):
    page = signed_in(bob).get("/employer/pledges/new/").content.decode()
    posted = signed_in(bob).post("/employer/pledges/new/", {"amount": "5000", "levels": ["3"], "auto_approve": "never"})

    assert "Only an employer that pays the apprenticeship levy can pledge" in page and 'name="amount"' not in page
    assert posted.status_code == 400 and not Pledge.objects.exists()
    assert 'href="/employer/pledges/new/"' not in signed_in(bob).get("/employer/pledges/").content.decode()
