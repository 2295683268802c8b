"""An invitation's link used from several browsers at once, through PostgreSQL: one account, once.

Each thread has its own database connection and waits at a barrier, so the acceptances reach the
database together; the conditional update on "not yet accepted" lets exactly one through.
"""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from apprenticeships.models import Invitation, Membership
from apprenticeships.services import invitations

pytestmark = pytest.mark.services
THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_a_link_used_at_once_from_many_browsers_makes_one_account(hannah, provider_a):
    invitation = invitations.invitation_create(email="rita@example.org", organisation=provider_a, by=hannah)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=invitations._token_hash("shared-link"))
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def accept(n: int) -> None:
        try:
            barrier.wait()
            invitations.invitation_accept(
                token="shared-link", first_name="Rita", last_name=f"Okoro {n}", password="lantern-orchard-pebble-42"
            )
            outcomes.append("created")
        except invitations.InvitationUnusable:
            outcomes.append("unusable")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created"] + ["unusable"] * (THREADS - 1)
    assert User.objects.filter(email="rita@example.org").count() == 1
    assert Membership.objects.filter(provider=provider_a).count() == 1
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
