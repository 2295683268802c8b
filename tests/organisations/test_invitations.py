"""Invitations: Hannah (hub) invites people to organisations; an organisation's admin invites colleagues.

Personas: Hannah is hub staff; Priya is Provider A's admin, Quentin is Provider B's (not an admin).
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Invitation
from apprenticeships.services import invitations
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "plum-tractor-lantern-91"


@pytest.fixture
def priya_admin(priya):
    priya.membership.is_admin = True
    priya.membership.save()
    return priya


def invite(client, hannah, organisation, email, kind="provider", **extra):
    client.force_login(hannah)
    url = reverse(f"hub-{kind}-invite", args=[organisation.pk])
    return client.post(url, {"email": email, **extra}, follow=True)


def link_in(message) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_hub_staff_invite_a_person_who_sets_a_password_and_is_signed_in(
    client, hannah, provider_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, hannah, provider_a, "Rita@Example.org")

    assert "An invitation to join Provider A was e-mailed to rita@example.org" in response.text
    (message,) = mail.outbox
    assert message.to == ["rita@example.org"]
    assert "Provider A" in message.subject
    client.logout()
    page = client.get(link_in(message))
    assert "Join Provider A" in page.text
    response = client.post(
        link_in(message),
        {"first_name": "Rita", "last_name": "Okoro", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    rita = User.objects.get(username="rita@example.org")
    assert rita.get_full_name() == "Rita Okoro"
    assert rita.membership.provider == provider_a
    assert rita.check_password(NEW_PASSWORD)
    assert response.context["user"] == rita  # signed in
    assert "You have joined Provider A" in response.text
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


def test_the_link_works_once(client, hannah, provider_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, hannah, provider_a, "rita@example.org")
    link = link_in(mail.outbox[0])
    client.logout()
    form = {"first_name": "Rita", "last_name": "Okoro", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    client.post(link, form)
    client.logout()

    again = client.post(link, {**form, "password1": "another-good-pass-77", "password2": "another-good-pass-77"})

    assert again.status_code == 410
    assert "already been used" in again.text
    assert User.objects.get(username="rita@example.org").check_password(NEW_PASSWORD)


def test_an_expired_link_says_so_and_creates_nobody(client, hannah, provider_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, hannah, provider_a, "rita@example.org")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()

    response = client.get(link_in(mail.outbox[0]))

    assert response.status_code == 410
    assert "This invitation has expired" in response.text
    assert not User.objects.filter(username="rita@example.org").exists()


def test_a_link_never_issued_says_it_does_not_work(client):
    response = client.get(reverse("invitation-accept", args=["not-a-real-token"]))

    assert response.status_code == 404
    assert "This invitation link does not work" in response.text


def test_a_weak_password_is_refused_and_the_link_still_works(
    client, hannah, provider_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, hannah, provider_a, "rita@example.org")
    client.logout()
    link = link_in(mail.outbox[0])

    response = client.post(
        link, {"first_name": "Rita", "last_name": "Okoro", "password1": "12345678", "password2": "12345678"}
    )

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "too common" in response.text
    assert not User.objects.filter(username="rita@example.org").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_a_name_too_long_is_refused_in_the_sites_words(client, hannah, provider_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, hannah, provider_a, "rita@example.org")
    client.logout()

    response = client.post(
        link_in(mail.outbox[0]),
        {"first_name": "R" * 500, "last_name": "O" * 151, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert '<a href="#id_first_name">First name must be 150 characters or fewer</a>' in response.text
    assert '<a href="#id_last_name">Last name must be 150 characters or fewer</a>' in response.text
    assert "Ensure this value" not in response.text
    assert not User.objects.filter(username="rita@example.org").exists()


def test_someone_who_already_has_an_account_is_not_invited(client, hannah, alice, provider_a):
    response = invite(client, hannah, provider_a, "ALICE@example.org")

    assert "There is already an account with this e-mail address" in response.text
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_inviting_the_same_person_twice_asks_to_re_send(client, hannah, provider_a):
    invite(client, hannah, provider_a, "rita@example.org")

    response = invite(client, hannah, provider_a, "rita@example.org")

    assert "Re-send that invitation instead" in response.text
    assert Invitation.objects.count() == 1


def test_re_sending_gives_a_new_link_and_the_old_one_stops_working(
    client, hannah, provider_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, hannah, provider_a, "rita@example.org")
        invitation = Invitation.objects.get()
        client.post(reverse("invitation-resend", args=[invitation.pk]))
    old, new = link_in(mail.outbox[0]), link_in(mail.outbox[1])

    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_cancelled_invitation_link_says_so(client, hannah, provider_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, hannah, provider_a, "rita@example.org")
    response = client.post(reverse("invitation-cancel", args=[Invitation.objects.get().pk]), follow=True)
    assert "its link no longer works" in response.text
    client.logout()

    page = client.get(link_in(mail.outbox[0]))

    assert page.status_code == 410
    assert "This invitation has been cancelled" in page.text


def test_the_hub_sees_each_invitation_with_its_status(client, hannah, provider_a):
    invite(client, hannah, provider_a, "pending@example.org")
    invite(client, hannah, provider_a, "late@example.org")
    Invitation.objects.filter(email="late@example.org").update(expires_at=timezone.now() - timedelta(days=1))

    page = client.get(reverse("hub-provider", args=[provider_a.pk]))

    rows = {
        row.split("</th>")[0].rsplit(">", 1)[-1]: row for row in page.text.split('<tr class="govuk-table__row">')[1:]
    }
    assert "Pending" in rows["pending@example.org"]
    assert "Expired" in rows["late@example.org"]


def test_an_organisations_admin_invites_a_colleague(
    client, priya_admin, provider_a, django_capture_on_commit_callbacks
):
    client.force_login(priya_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisation-people"), {"email": "sam@example.org"}, follow=True)

    assert "An invitation to join Provider A was e-mailed to sam@example.org" in response.text
    assert Invitation.objects.get().provider == provider_a
    assert mail.outbox[0].to == ["sam@example.org"]


def test_a_member_who_is_not_an_admin_cannot_invite(client, quentin):
    client.force_login(quentin)

    assert client.get(reverse("organisation-people")).status_code == 403
    assert client.post(reverse("organisation-people"), {"email": "x@example.org"}).status_code == 403
    assert not Invitation.objects.exists()


def test_an_admin_cannot_invite_to_another_organisation_through_the_api(api, priya_admin, provider_b):
    response = api(priya_admin).post("/api/v1/invitations/", {"email": "x@example.org", "provider": provider_b.pk})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_an_admin_invites_through_the_api_to_their_own_organisation_by_default(api, priya_admin, provider_a):
    response = api(priya_admin).post("/api/v1/invitations/", {"email": "sam@example.org"})

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    assert response.json()["organisation_name"] == "Provider A"
    assert response.json()["is_admin"] is False


def test_only_the_hub_makes_someone_an_admin(api, priya_admin, hannah, provider_a):
    api(priya_admin).post("/api/v1/invitations/", {"email": "sam@example.org", "is_admin": True})
    api(hannah).post("/api/v1/invitations/", {"email": "ann@example.org", "provider": provider_a.pk, "is_admin": True})

    assert dict(Invitation.objects.values_list("email", "is_admin")) == {
        "sam@example.org": False,
        "ann@example.org": True,
    }


def test_invitations_are_listed_only_to_the_hub_and_the_organisations_admin(
    api, hannah, priya_admin, quentin, provider_a
):
    api(hannah).post("/api/v1/invitations/", {"email": "sam@example.org", "provider": provider_a.pk})

    assert api(hannah).get("/api/v1/invitations/").json()["count"] == 1
    assert api(priya_admin).get("/api/v1/invitations/").json()["count"] == 1
    assert api(quentin).get("/api/v1/invitations/").json()["count"] == 0


def test_the_api_cancels_and_re_sends(api, hannah, provider_a):
    created = api(hannah).post("/api/v1/invitations/", {"email": "sam@example.org", "provider": provider_a.pk}).json()

    cancelled = api(hannah).post(f"/api/v1/invitations/{created['id']}/cancel/")
    again = api(hannah).post(f"/api/v1/invitations/{created['id']}/resend/")

    assert cancelled.json()["status"] == "cancelled"
    assert again.status_code == 409


def test_an_invited_admin_may_invite_colleagues(hannah, provider_a):
    invitation = invitations.invitation_create(
        email="ann@example.org", organisation=provider_a, by=hannah, is_admin=True
    )
    token = "known-token"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=invitations._token_hash(token))

    ann = invitations.invitation_accept(token=token, first_name="Ann", last_name="Lee", password=NEW_PASSWORD)

    assert ann.membership.is_admin
    assert ann.check_password(NEW_PASSWORD) and not ann.check_password(PASSWORD)


def test_erasing_a_persons_data_deletes_their_invitations(hannah, superuser, provider_a):
    from apprenticeships.services.personal_data import personal_data_erase

    invitation = invitations.invitation_create(email="ann@example.org", organisation=provider_a, by=hannah)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=invitations._token_hash("t"))
    ann = invitations.invitation_accept(token="t", first_name="Ann", last_name="Lee", password=NEW_PASSWORD)

    personal_data_erase(user=ann, by=superuser)

    assert not Invitation.objects.filter(email="ann@example.org").exists()
