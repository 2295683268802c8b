"""The time-based rules, run by the beat task with a frozen clock (`now` is given, the rows are dated)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apprenticeships.models import Pledge, PledgeApplication
from apprenticeships.services import pledges
from apprenticeships.tasks import pledges_tick as pledges_tick_task

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def application(pledge: Pledge, vacancy) -> PledgeApplication:  # noqa: ANN001
    return pledges.application_create(pledge=pledge, applicant=vacancy.employer, vacancy=vacancy, by=None)


def dated(app: PledgeApplication, **when: object) -> None:
    PledgeApplication.objects.filter(pk=app.pk).update(**when)


def status(app: PledgeApplication) -> str:
    return PledgeApplication.objects.get(pk=app.pk).status


def test_after_42_days_auto_approval_waits_42_days_then_approves(make_pledge, live_vacancy):
    pledge = make_pledge("10000", auto_approve="after_42_days", levels=[4])
    app = application(pledge, live_vacancy())
    dated(app, created_at=NOW - timedelta(days=41, hours=23))

    assert pledges.pledges_tick(now=NOW)["auto_approved"] == 0
    assert status(app) == "pending"

    assert pledges.pledges_tick(now=NOW + timedelta(hours=1))["auto_approved"] == 1
    assert status(app) == "approved"
    assert Pledge.objects.get(pk=pledge.pk).remaining == 2800


def test_auto_approval_skips_applications_outside_the_criteria(make_pledge, live_vacancy):
    pledge = make_pledge("10000", auto_approve="after_42_days", levels=[3])
    app = application(pledge, live_vacancy())
    dated(app, created_at=NOW - timedelta(days=60))

    pledges.pledges_tick(now=NOW)

    assert status(app) == "pending"


def test_an_approval_not_accepted_within_42_days_is_declined_and_the_money_returns(make_pledge, live_vacancy, lena):
    pledge = make_pledge("10000")
    app = application(pledge, live_vacancy())
    pledges.application_approve(app.pk, by=lena)
    dated(app, approved_at=NOW - timedelta(days=41))
    pledges.pledges_tick(now=NOW)
    assert status(app) == "approved"

    dated(app, approved_at=NOW - timedelta(days=42))
    assert pledges.pledges_tick(now=NOW)["auto_declined"] == 1

    assert status(app) == "declined"
    assert Pledge.objects.get(pk=pledge.pk).remaining == 10000
    assert pledge.events.last().action == "auto_declined"


def test_accepted_funds_unused_after_3_months_expire_and_the_money_returns(make_pledge, live_vacancy, lena, alice):
    pledge = make_pledge("10000")
    app = application(pledge, live_vacancy())
    pledges.application_approve(app.pk, by=lena)
    pledges.application_accept(app.pk, by=alice)
    dated(app, accepted_at=NOW - timedelta(days=80))
    pledges.pledges_tick(now=NOW)
    assert status(app) == "accepted"

    dated(app, accepted_at=NOW - timedelta(days=93))
    assert pledges.pledges_tick(now=NOW)["expired"] == 1

    assert status(app) == "expired"
    assert Pledge.objects.get(pk=pledge.pk).remaining == 10000


def test_funds_used_never_expire(make_pledge, live_vacancy, lena, alice, hannah):
    pledge = make_pledge("10000")
    app = application(pledge, live_vacancy())
    pledges.application_approve(app.pk, by=lena)
    pledges.application_accept(app.pk, by=alice)
    pledges.application_funds_used(app.pk, by=hannah)
    dated(app, accepted_at=NOW - timedelta(days=200))

    pledges.pledges_tick(now=NOW)

    assert status(app) == "funds_used"
    assert Pledge.objects.get(pk=pledge.pk).remaining == 2800


def test_a_pledge_past_its_closing_date_closes_and_running_the_clock_twice_changes_nothing_more(make_pledge):
    pledge = make_pledge("5000", closes_on=timezone.localdate(NOW) + timedelta(days=3))

    assert pledges.pledges_tick(now=NOW + timedelta(days=3))["closed"] == 0
    assert pledges.pledges_tick(now=NOW + timedelta(days=4))["closed"] == 1
    assert pledges.pledges_tick(now=NOW + timedelta(days=5)) == {
        "auto_approved": 0,
        "auto_declined": 0,
        "expired": 0,
        "closed": 0,
    }
    assert Pledge.objects.get(pk=pledge.pk).status == "closed"
    assert [e.action for e in pledge.events.all()] == ["created", "closed"]


def test_the_beat_task_runs_the_clock(make_pledge, live_vacancy, lena):
    pledge = make_pledge("10000")
    app = application(pledge, live_vacancy())
    pledges.application_approve(app.pk, by=lena)
    dated(app, approved_at=timezone.now() - timedelta(days=43))

    assert pledges_tick_task.delay().get()["auto_declined"] == 1
