"""Twenty pledgers' staff press approve at once on twenty applications to one pledge that can fund only some.

Real threads, each with its own PostgreSQL connection and API client, released together by a barrier.
The pledge is never over-committed: exactly as many approvals win as the money covers, every other
request gets 409 with a message, `remaining` is what the winners left, and each winner has exactly
one audit entry.
"""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from apprenticeships.models import PledgeApplication, PledgeEvent, Role, Vacancy
from apprenticeships.services import pledges
from tests.factories import EmployerFactory, make_hub_user, make_user
from tests.integration.race import at_once
from tests.market_factories import VacancyFactory

pytestmark = pytest.mark.services
THREADS = 20
EACH = Decimal(7200)  # software developer, 24 months: £18,000 × 0.8 ÷ 24 × 12


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(2))
def test_of_twenty_simultaneous_approvals_only_those_the_money_covers_win(tasks_in_process, round_):
    assert connection.vendor == "postgresql"
    pledger = EmployerFactory(is_levy_payer=True, annual_pay_bill=20_000_000, declared_on=date(2024, 1, 1))
    staff = [make_user("lena", Role.EMPLOYER, pledger).pk, make_hub_user("hub0").pk]
    applicant = EmployerFactory(name="Small Firm Ltd")
    alice = make_user("alice", Role.EMPLOYER, applicant)
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(40000), levels=[4])  # 5 × £7,200 + £4,000
    applications = []
    for n in range(THREADS):
        vacancy = VacancyFactory(employer=applicant, by=alice, status=Vacancy.Status.LIVE, title=f"Developer {n}")
        applications.append(pledges.application_create(pledge=pledge, applicant=applicant, vacancy=vacancy, by=alice))

    results = at_once(
        [(staff[n % 2], f"/api/v1/pledge-applications/{applications[n].pk}/approve/", {}) for n in range(THREADS)]
    )

    statuses = Counter(status for status, _ in results)
    print(f"\nround {round_}: {THREADS} approvals -> {dict(statuses)}")
    assert statuses == {200: 5, 409: THREADS - 5}
    assert all("left" in body["detail"] or "closed" in body["detail"] for status, body in results if status == 409)
    pledge.refresh_from_db()
    winners = PledgeApplication.objects.filter(pledge=pledge, status="approved")
    assert winners.count() == 5
    assert pledge.remaining == Decimal(40000) - 5 * EACH >= 0
    approvals = PledgeEvent.objects.filter(pledge=pledge, action="approved")
    assert Counter(approvals.values_list("application_id", flat=True)) == {a.pk: 1 for a in winners}
    assert sorted(approvals.values_list("remaining_after", flat=True)) == [
        Decimal(40000) - k * EACH for k in range(5, 0, -1)
    ]
