"""A small market whose dashboard figures are known by hand.

Workplaces (all live unless said):
  Knowsley   k1 software developer (Alice's employer)  agreed with Provider A  (live 10 days before approval)
             k2 software developer (Alice's employer)  gap: out of reach
  Liverpool  l1 network engineer   (Alice's employer)  gap: no provider
             c1 software developer (Alice's employer)  went live, then closed (old gap: no places)
             d1 software developer (Alice's employer)  draft
  Wirral     w1 public service officer (Bob's employer) one suggestion rejected (too far), one open
             w2 public service officer (Bob's employer) 2 positions, approved with Provider B (live 4 days before)
  Manchester m1 public service officer (Bob's employer) not matched yet
  Sefton     e1 public service officer (Employer C, levy payer) submitted only

Provider A offers software developer (12 + 8 places, £15,000); Provider B offers public service
officer (10 + 10 places, £2,000).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from apprenticeships.models import CourseOffer, Employer, Vacancy
from matching import services
from matching.ml.features import FEATURES
from matching.models import Gap, RejectReason, Suggestion
from tests.factories import EmployerFactory
from tests.market_factories import (
    CHEAP_STANDARD,
    NETWORK_ENGINEER,
    CourseOfferFactory,
    VacancyFactory,
    days_ahead,
    standard,
)

FEATURE_VALUES = {
    "distance_km": 5.0,
    "text_similarity": 0.4,
    "start_gap_days": 0.0,
    "delivery_fit": 1.0,
    "ofsted_grade": 2.0,
    "achievement_rate": 62.5,
    "price_ratio": 0.8,
    "places_left": 10.0,
    "provider_share": 0.0,
    "travel_minutes": 38.0,
    "travel_changes": 1.0,
}


def suggest(vacancy: Vacancy, offer: CourseOffer, *, cohort: int = 0, rank: int = 1) -> Suggestion:
    """A suggestion as a matching run would write it."""
    return Suggestion.objects.create(
        vacancy=vacancy,
        cohort=offer.cohorts.order_by("start_date")[cohort],
        course_offer=offer,
        score=0.8,
        rank=rank,
        features={name: FEATURE_VALUES.get(name, 0.0) for name in FEATURES},
        contributions=dict.fromkeys(FEATURES, 0.05),
        model_version="prior-test",
    )


def went_live(vacancy: Vacancy, days_ago: float) -> None:
    Vacancy.objects.filter(pk=vacancy.pk).update(live_at=timezone.now() - timedelta(days=days_ago))


@dataclass
class Market:
    vacancies: dict[str, Vacancy]
    offers: dict[str, CourseOffer]
    suggestions: dict[str, Suggestion]
    employer_c: Employer


@pytest.fixture
def market(alice: User, bob: User, priya: User, quentin: User, hannah: User) -> Market:
    return build_market(alice, bob, priya, quentin, hannah)


def build_market(alice: User, bob: User, priya: User, quentin: User, hannah: User) -> Market:
    """The market above; in a transactional test, build it in one transaction (so matching waits)."""
    employer_a, employer_b = alice.membership.employer, bob.membership.employer
    provider_a, provider_b = priya.membership.provider, quentin.membership.provider
    cheap = standard(CHEAP_STANDARD)
    offer_a = CourseOfferFactory(provider=provider_a)
    offer_b = CourseOfferFactory(
        provider=provider_b,
        standard=cheap,
        title="Public service operational delivery officer",
        price=2000,
        cohorts=[{"start_date": days_ahead(45), "places": 10}, {"start_date": days_ahead(100), "places": 10}],
    )
    live = Vacancy.Status.LIVE
    v = {
        "k1": VacancyFactory(employer=employer_a, status=live, postcode="L36 9UA"),
        "k2": VacancyFactory(employer=employer_a, status=live, postcode="L36 9UA"),
        "l1": VacancyFactory(employer=employer_a, status=live, standard=standard(NETWORK_ENGINEER)),
        "c1": VacancyFactory(employer=employer_a, status=Vacancy.Status.CLOSED),
        "d1": VacancyFactory(employer=employer_a),
        "w1": VacancyFactory(employer=employer_b, status=live, postcode="CH41 1AA", standard=cheap),
        "w2": VacancyFactory(employer=employer_b, status=live, postcode="CH41 1AA", standard=cheap, positions=2),
        "m1": VacancyFactory(employer=employer_b, status=live, postcode="M1 1AE", standard=cheap),
    }
    employer_c = EmployerFactory(name="Employer C", postcode="PR9 0AA", is_levy_payer=True, annual_pay_bill=10_000_000)
    v["e1"] = VacancyFactory(employer=employer_c, status=Vacancy.Status.SUBMITTED, postcode="PR9 0AA", standard=cheap)
    went_live(v["k1"], 10)
    went_live(v["w2"], 4)
    Gap.objects.create(vacancy=v["k2"], reason="out_of_reach")
    Gap.objects.create(vacancy=v["l1"], reason="no_provider")
    Gap.objects.create(vacancy=v["c1"], reason="no_places")  # left over from when it was live

    s = {
        "s1": suggest(v["k1"], offer_a),
        "s2": suggest(v["w1"], offer_b, cohort=0),
        "s3": suggest(v["w1"], offer_b, cohort=1, rank=2),
        "s4": suggest(v["w2"], offer_b),
    }
    services.suggestion_approve(s["s1"].pk, by=hannah, version=1)
    services.suggestion_respond(s["s1"].pk, by=alice, accept=True)
    services.suggestion_respond(s["s1"].pk, by=priya, accept=True)
    services.suggestion_reject(s["s2"].pk, by=hannah, version=1, reason=RejectReason.TOO_FAR)
    services.suggestion_approve(s["s4"].pk, by=hannah, version=1)
    for suggestion in s.values():
        suggestion.refresh_from_db()
    return Market(vacancies=v, offers={"a": offer_a, "b": offer_b}, suggestions=s, employer_c=employer_c)
