"""Alice's vacancy pages: the dashboard, creating and changing a vacancy, and its lifecycle buttons."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Vacancy, VacancyTransition
from tests.web.conftest import date_fields, days_ahead

pytestmark = pytest.mark.django_db


def banner(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_the_dashboard_invites_a_first_vacancy(client, alice):
    client.force_login(alice)

    response = client.get(reverse("employer-vacancies"))

    assert "You have not created any vacancies yet" in response.text
    assert reverse("employer-vacancy-new") in response.text


def test_the_dashboard_groups_vacancies_by_status_with_counts(client, alice, bob, employer_a, employer_b, make_vacancy):
    make_vacancy(employer_a, title="Draft plumber")
    make_vacancy(employer_a, title="Second draft")
    live = make_vacancy(employer_a, Vacancy.Status.LIVE, title="Live electrician")
    make_vacancy(employer_b, title="Bob's secret vacancy")
    client.force_login(alice)

    response = client.get(reverse("employer-vacancies"))

    body = response.text
    assert "Draft (2)" in body
    assert "Live (1)" in body
    assert "Submitted for review" not in body  # no empty groups
    assert body.index("Draft (2)") < body.index("Live (1)")
    assert reverse("employer-vacancy", args=[live.pk]) in body
    assert "Bob&#x27;s secret vacancy" not in body and "Bob's secret vacancy" not in body


def test_a_vacancy_with_a_mistake_is_shown_again_with_the_error_and_nothing_is_saved(client, alice, vacancy_form):
    client.force_login(alice)
    vacancy_form["hours_per_week"] = "60"
    vacancy_form["title"] = ""

    response = client.post(reverse("employer-vacancy-new"), vacancy_form)

    assert response.status_code == 200
    body = response.text
    assert "There is a problem" in body
    assert '<a href="#id_title">Enter a vacancy title</a>' in body
    assert '<a href="#id_hours_per_week">Hours per week must be between 16 and 48.</a>' in body
    assert 'id="id_hours_per_week-error"' in body  # the message beside the field too
    assert "govuk-input--error" in body
    assert "Help build the booking system for our hotels." in body  # what was typed is kept
    assert 'value="l3 5tr"' in body
    assert "<title>Error: Create a vacancy" in body
    assert Vacancy.objects.count() == 0


def test_the_same_draft_sent_again_from_a_page_fetched_anew_saves_nothing_new(client, alice, employer_a, vacancy_form):
    # Back after saving can fetch the form again with a new one-time token, and the browser fills in what was typed.
    client.force_login(alice)
    new = reverse("employer-vacancy-new")
    first = client.post(new, {**vacancy_form, "once": client.get(new).context["once"]}, follow=True)

    again = client.post(new, {**vacancy_form, "once": client.get(new).context["once"]}, follow=True)

    draft = Vacancy.objects.get()  # one draft, not two
    assert again.redirect_chain == first.redirect_chain == [(reverse("employer-vacancy", args=[draft.pk]), 302)]
    assert "You had already saved this draft" in again.text and "nothing new was saved" in again.text
    # A detail changed is a new vacancy; so is the same one another day, when the first is no longer recent.
    client.post(new, {**vacancy_form, "title": "Second role", "once": client.get(new).context["once"]})
    assert Vacancy.objects.count() == 2
    VacancyTransition.objects.filter(vacancy=draft).update(created_at=timezone.now() - timedelta(hours=2))
    client.post(new, {**vacancy_form, "once": client.get(new).context["once"]})
    assert Vacancy.objects.filter(title=draft.title).count() == 2


def test_rule_messages_from_the_service_are_attached_to_their_fields(client, alice, vacancy_form):
    client.force_login(alice)
    vacancy_form.update(weekly_wage="50", postcode="EH1 1AA", delivery_modes=[])

    response = client.post(reverse("employer-vacancy-new"), vacancy_form)

    errors = response.context["form"].errors
    assert "apprentice minimum wage" in errors["weekly_wage"][0]
    assert "outside England" in errors["postcode"][0]
    assert errors["delivery_modes"] == ["Choose at least one way the training could be delivered."]
    assert '<a href="#id_delivery_modes_0">' in response.text
    assert Vacancy.objects.count() == 0


def test_an_unreal_or_incomplete_date_gets_a_govuk_message(client, alice, vacancy_form):
    client.force_login(alice)
    vacancy_form.update({"start_date_0": "31", "start_date_1": "2", "closing_date_1": ""})

    response = client.post(reverse("employer-vacancy-new"), vacancy_form)

    errors = response.context["form"].errors
    assert errors["start_date"] == ["Start date must be a real date, like 27 3 2027"]
    assert errors["closing_date"] == ["Closing date must include a month"]
    assert '<a href="#id_start_date_0">' in response.text
    assert Vacancy.objects.count() == 0


def test_a_valid_vacancy_is_saved_as_a_draft_and_shown_with_a_success_banner(client, alice, employer_a, vacancy_form):
    client.force_login(alice)

    response = client.post(reverse("employer-vacancy-new"), vacancy_form, follow=True)

    vacancy = Vacancy.objects.get()
    assert response.redirect_chain == [(reverse("employer-vacancy", args=[vacancy.pk]), 302)]
    assert vacancy.employer == employer_a
    assert vacancy.status == Vacancy.Status.DRAFT
    assert vacancy.postcode == "L3 5TR"
    assert str(vacancy.weekly_wage) == "320.50"
    assert sorted(vacancy.delivery_modes) == ["day_release", "workplace"]
    assert "govuk-notification-banner--success" in response.text
    assert "“Trainee web developer” has been saved as a draft" in banner(response)


def test_the_vacancy_page_shows_every_field_funding_history_and_the_draft_actions(
    client, alice, employer_a, make_vacancy
):
    vacancy = make_vacancy(employer_a, by=alice, weekly_wage=Decimal("1234.50"))
    client.force_login(alice)

    response = client.get(reverse("employer-vacancy", args=[vacancy.pk]))

    body = response.text
    assert "Junior software developer" in body
    assert "£1,234.50" in body
    assert "Software developer (level 4, LARS code 2)" in body
    assert "L1 8JQ (Liverpool)" in body
    assert days_ahead(14).strftime("%B %Y") in body
    assert "Day release" in body and "Online" in body
    assert "Ask for Sam at the side door" in body
    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in body
    # Employer A's £5m pay bill brings £10,000 a year (no top-up from August 2026); a draft is costed at the band.
    assert "an estimated £18,000" in body and 'id="funding-by-age"' in body
    assert "Created as a draft" in body and "alice" in body
    buttons = re.findall(r"<button[^>]*>([^<]+)</button>", body)
    assert "Submit for review" in buttons and "Withdraw vacancy</a>" in body  # withdrawing asks first, on its page
    assert re.search(r'<a href="[^"]+/delete/" role="button"[^>]*>Delete draft</a>', body)  # to a page that asks first
    assert "Mark as filled" not in buttons and "Close to applications" not in buttons


def test_a_live_vacancy_offers_close_filled_and_withdraw(client, alice, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, Vacancy.Status.LIVE)
    client.force_login(alice)

    body = client.get(reverse("employer-vacancy", args=[vacancy.pk])).text

    buttons = re.findall(r"<button[^>]*>([^<]+)</button>", body)
    actions = [button.strip() for button in buttons if button.strip() not in ("Menu", "Sign out")]
    assert actions == ["Mark as filled", "Close to applications"]
    # Withdrawing can't be undone: the button is a link to a page that asks first.
    confirm = reverse("employer-vacancy-withdraw-confirm", args=[vacancy.pk])
    assert re.search(rf'<a href="{confirm}" role="button"[^>]*>Withdraw vacancy</a>', body)


@pytest.mark.parametrize("status", [Vacancy.Status.DRAFT, Vacancy.Status.LIVE])
def test_withdrawing_asks_first_and_changes_nothing_until_confirmed(client, alice, employer_a, make_vacancy, status):
    vacancy = make_vacancy(employer_a, status)
    client.force_login(alice)
    confirm = reverse("employer-vacancy-withdraw-confirm", args=[vacancy.pk])

    asked = client.get(confirm)

    assert asked.status_code == 200 and "Are you sure you want to withdraw this vacancy?" in asked.text
    assert f'action="{reverse("employer-vacancy-action", args=[vacancy.pk, "withdraw"])}"' in asked.text
    assert "No, keep it" in asked.text
    # A draft can be deleted instead; a live one can't.
    assert (reverse("employer-vacancy-delete", args=[vacancy.pk]) in asked.text) is (status == Vacancy.Status.DRAFT)
    vacancy.refresh_from_db()
    assert vacancy.status == status  # only the POST withdraws
    withdrawn = client.post(reverse("employer-vacancy-action", args=[vacancy.pk, "withdraw"]), follow=True)
    assert "has been withdrawn" in banner(withdrawn)
    again = client.get(confirm, follow=True)
    assert "This vacancy has already been withdrawn." in banner(again)


def test_submitting_a_draft_sends_it_to_review(client, alice, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a)
    client.force_login(alice)

    response = client.post(reverse("employer-vacancy-action", args=[vacancy.pk, "submit"]), follow=True)

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.SUBMITTED
    assert "has been submitted for review" in banner(response)
    assert "You cannot change it while it is being reviewed" in response.text


def test_a_submit_the_rules_refuse_is_explained_on_the_page(client, alice, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, closing_date=days_ahead(3), start_date=days_ahead(40))
    client.force_login(alice)

    response = client.post(reverse("employer-vacancy-action", args=[vacancy.pk, "submit"]))

    assert response.status_code == 200
    assert "This vacancy cannot be submitted yet" in response.text
    assert '<a href="#vacancy-closing_date">The closing date must be at least 7 days from today' in response.text
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.DRAFT


def test_an_action_the_status_does_not_allow_is_refused_with_a_message(client, alice, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, Vacancy.Status.SUBMITTED)
    client.force_login(alice)

    response = client.post(reverse("employer-vacancy-action", args=[vacancy.pk, "close"]), follow=True)

    assert "Can&#x27;t close a vacancy that is submitted for review." in response.text
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.SUBMITTED


@pytest.mark.parametrize(("action", "status"), [("close", "closed"), ("filled", "filled"), ("withdraw", "withdrawn")])
def test_a_live_vacancy_can_be_closed_filled_or_withdrawn(client, alice, employer_a, make_vacancy, action, status):
    vacancy = make_vacancy(employer_a, Vacancy.Status.LIVE)
    client.force_login(alice)

    response = client.post(reverse("employer-vacancy-action", args=[vacancy.pk, action]), follow=True)

    vacancy.refresh_from_db()
    assert vacancy.status == status
    assert "govuk-notification-banner--success" in response.text
    assert VacancyTransition.objects.filter(vacancy=vacancy, to_status=status, by=alice).exists()


def test_a_draft_can_be_deleted_but_a_submitted_vacancy_cannot(client, alice, employer_a, make_vacancy):
    draft = make_vacancy(employer_a)
    submitted = make_vacancy(employer_a, Vacancy.Status.SUBMITTED)
    client.force_login(alice)

    deleted = client.post(reverse("employer-vacancy-delete", args=[draft.pk]), follow=True)
    kept = client.post(reverse("employer-vacancy-delete", args=[submitted.pk]), follow=True)

    assert "has been deleted" in banner(deleted)
    assert not Vacancy.objects.filter(pk=draft.pk).exists()
    assert "Only a draft can be deleted" in banner(kept)
    assert Vacancy.objects.filter(pk=submitted.pk).exists()


def test_a_draft_withdrawn_by_mistake_can_still_be_deleted(client, alice, employer_a, make_vacancy):
    draft = make_vacancy(employer_a)
    sent = make_vacancy(employer_a, Vacancy.Status.SUBMITTED)
    client.force_login(alice)
    for vacancy in (draft, sent):
        client.post(reverse("employer-vacancy-action", args=[vacancy.pk, "withdraw"]))
    confirm = reverse("employer-vacancy-delete", args=[draft.pk])

    page = client.get(reverse("employer-vacancy", args=[draft.pk])).text
    asked = client.get(confirm)
    deleted = client.post(confirm, follow=True)

    # It is named for what it is now: withdrawn, no longer a draft.
    assert f'href="{confirm}"' in page and "Delete withdrawn vacancy" in page and "Delete draft" not in page
    assert "Are you sure you want to delete this withdrawn vacancy?" in asked.text and "this draft" not in asked.text
    assert f"The withdrawn vacancy “{draft.title}” has been deleted." in banner(deleted)
    assert not Vacancy.objects.filter(pk=draft.pk).exists()
    # One withdrawn after it was sent to the hub is kept, and offers no delete.
    sent_page = client.get(reverse("employer-vacancy", args=[sent.pk])).text
    assert reverse("employer-vacancy-delete", args=[sent.pk]) not in sent_page
    kept = client.post(reverse("employer-vacancy-delete", args=[sent.pk]), follow=True)
    asked = client.get(reverse("employer-vacancy-delete", args=[sent.pk]), follow=True)
    for refused in (kept, asked):
        assert "Only a draft can be deleted. This vacancy was sent to the hub, so it is kept" in banner(refused)
    assert Vacancy.objects.filter(pk=sent.pk).exists()


def test_deleting_a_draft_asks_first_and_keeps_it_until_confirmed(client, alice, employer_a, make_vacancy):
    draft = make_vacancy(employer_a)
    submitted = make_vacancy(employer_a, Vacancy.Status.SUBMITTED)
    client.force_login(alice)
    confirm = reverse("employer-vacancy-delete", args=[draft.pk])
    assert f'href="{confirm}"' in client.get(reverse("employer-vacancy", args=[draft.pk])).text

    asked = client.get(confirm)

    assert asked.status_code == 200 and "Are you sure you want to delete this draft?" in asked.text
    assert f'action="{confirm}"' in asked.text and "No, keep it" in asked.text
    assert Vacancy.objects.filter(pk=draft.pk).exists()  # only a POST deletes
    not_a_draft = client.get(reverse("employer-vacancy-delete", args=[submitted.pk]), follow=True)
    assert "Only a draft can be deleted" in banner(not_a_draft)


def test_the_edit_form_starts_with_the_vacancys_values(client, alice, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a)
    client.force_login(alice)

    response = client.get(reverse("employer-vacancy-edit", args=[vacancy.pk]))

    body = response.text
    assert 'value="Junior software developer"' in body
    assert 'value="300.00"' in body
    assert f'name="closing_date_2" type="text" inputmode="numeric" value="{days_ahead(14).year}"' in body
    assert 'value="day_release" checked' in body
    assert "goes back to the apprenticeship hub for review" not in body


def test_changing_a_draft_saves_it(client, alice, employer_a, make_vacancy, vacancy_form):
    vacancy = make_vacancy(employer_a)
    client.force_login(alice)

    response = client.post(reverse("employer-vacancy-edit", args=[vacancy.pk]), vacancy_form, follow=True)

    vacancy.refresh_from_db()
    assert vacancy.title == "Trainee web developer"
    assert vacancy.status == Vacancy.Status.DRAFT
    assert "Your changes to “Trainee web developer” have been saved." in banner(response)


def test_the_live_edit_page_warns_and_a_material_change_goes_back_to_review(client, alice, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, Vacancy.Status.LIVE)
    client.force_login(alice)
    page = client.get(reverse("employer-vacancy-edit", args=[vacancy.pk]))
    form = {name: value for name, value in page.context["form"].initial.items()}
    data = {
        "title": "Senior software apprentice",
        "description": form["description"],
        "standard": str(vacancy.standard.pk),
        "positions": "1",
        "weekly_wage": "300.00",
        "hours_per_week": "30.0",
        "postcode": "L1 8JQ",
        **date_fields("start_date", vacancy.start_date),
        **date_fields("closing_date", vacancy.closing_date),
        "delivery_modes": vacancy.delivery_modes,
        "notes": vacancy.notes,
    }

    response = client.post(reverse("employer-vacancy-edit", args=[vacancy.pk]), data, follow=True)

    assert "goes back to the apprenticeship hub for review" in page.text
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.SUBMITTED
    assert "sent back to the hub for review" in banner(response)


def test_a_live_vacancys_positions_change_without_review(client, alice, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, Vacancy.Status.LIVE)
    client.force_login(alice)
    data = {
        "title": vacancy.title,
        "description": vacancy.description,
        "standard": str(vacancy.standard.pk),
        "positions": "3",
        "weekly_wage": "300",
        "hours_per_week": "30",
        "postcode": "l18jq",
        **date_fields("start_date", vacancy.start_date),
        **date_fields("closing_date", vacancy.closing_date),
        "delivery_modes": vacancy.delivery_modes,
        "notes": vacancy.notes,
    }

    client.post(reverse("employer-vacancy-edit", args=[vacancy.pk]), data)

    vacancy.refresh_from_db()
    assert vacancy.positions == 3
    assert vacancy.status == Vacancy.Status.LIVE


def test_a_submitted_vacancy_cannot_be_edited(client, alice, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, Vacancy.Status.SUBMITTED)
    client.force_login(alice)

    response = client.get(reverse("employer-vacancy-edit", args=[vacancy.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("employer-vacancy", args=[vacancy.pk])
    assert "can&#x27;t be changed" in response.text
