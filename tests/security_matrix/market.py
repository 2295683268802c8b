"""One small market with something of every kind for each of two employers and two providers.

Alice (employer A) has an open and a withdrawn levy-transfer pledge, to which Bob has applied.
Alice (employer A) and Bob (employer B) each have a draft, a submitted and a live vacancy; Priya
(provider A) and Quentin (provider B) each an open and a closed course offer. A real matching run
suggests pairs; for each employer one suggestion is approved (so the parties may see it) and one
is left under review (so they may not). Each employer has asked the hub for an introduction to the
other provider's open course. Hannah is hub staff. Each organisation has a pending
invitation (nobody in the market is an organisation's admin, so only the hub sees them), and the
hub has a task about provider A.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User

from apprenticeships.models import (
    Application,
    CourseOffer,
    Employer,
    HubTask,
    Invitation,
    Pledge,
    PledgeApplication,
    Provider,
    Role,
    Vacancy,
)
from apprenticeships.services.hub_tasks import hub_task_introduce_by_phone
from apprenticeships.services.invitations import _token_hash, invitation_create
from matching.models import IntroductionRequest, Suggestion
from matching.services import run_full_now, suggestion_approve
from tests.factories import ApplicationFactory, EmployerFactory, ProviderFactory, make_hub_user, make_user
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead

INVITATION_TOKEN = "matrix-invitation-"
LIVE, DRAFT, SUBMITTED = Vacancy.Status.LIVE, Vacancy.Status.DRAFT, Vacancy.Status.SUBMITTED


@dataclass
class Side:
    """What one organisation owns (one of the four)."""

    user: User
    organisation: Employer | Provider
    vacancies: dict[str, Vacancy] = field(default_factory=dict)
    offers: dict[str, CourseOffer] = field(default_factory=dict)
    suggestions: dict[str, Suggestion] = field(default_factory=dict)
    requests: dict[str, IntroductionRequest] = field(default_factory=dict)
    applications: list[Application] = field(default_factory=list)
    invitation: Invitation | None = None  # a pending invitation to join the organisation; its link's token is
    # INVITATION_TOKEN + the persona's name


@dataclass
class Market:
    hannah: User
    sides: dict[str, Side]  # "alice", "bob", "priya", "quentin"
    pledges: list = field(default_factory=list)  # Alice's open and withdrawn pledges
    pledge_applications: list = field(default_factory=list)  # Bob's application to Alice's open pledge
    hub_task: HubTask | None = None


def market_build() -> Market:
    employer_a = EmployerFactory(name="Employer A", postcode="L1 8JQ", is_levy_payer=True, annual_pay_bill=5_000_000)
    employer_b = EmployerFactory(name="Employer B", postcode="CH41 1AA")
    provider_a = ProviderFactory(name="Provider A", ukprn="10000001", postcode="WA7 1AA")
    provider_b = ProviderFactory(name="Provider B", ukprn="10000002", postcode="PR9 0AA")
    hannah = make_hub_user("hannah")
    sides = {
        "alice": Side(make_user("alice", Role.EMPLOYER, employer_a), employer_a),
        "bob": Side(make_user("bob", Role.EMPLOYER, employer_b), employer_b),
        "priya": Side(make_user("priya", Role.PROVIDER, provider_a), provider_a),
        "quentin": Side(make_user("quentin", Role.PROVIDER, provider_b), provider_b),
    }
    for name, postcode in (("priya", "L3 5TR"), ("quentin", "CH41 1AA")):
        side = sides[name]
        side.offers["open"] = CourseOfferFactory(
            provider=side.organisation,
            title=f"Software developer with {side.organisation.name}",
            price=Decimal("15000.00"),
            locations=[{"postcode": postcode, "radius_km": 40}],
            cohorts=[{"start_date": days_ahead(45), "places": 12}],
        )
        side.offers["closed"] = CourseOfferFactory(
            provider=side.organisation,
            title=f"Closed course of {side.organisation.name}",
            status=CourseOffer.Status.CLOSED,
            cohorts=[{"start_date": days_ahead(50), "places": 5}],
        )
    for name, postcode in (("alice", "L1 8JQ"), ("bob", "CH41 1AA")):
        side = sides[name]
        for status in (DRAFT, SUBMITTED, LIVE):
            side.vacancies[status] = VacancyFactory(
                employer=side.organisation,
                by=side.user,
                status=status,
                postcode=postcode,
                title=f"{status.title()} developer at {side.organisation.name}",
                notes=f"Private note on the {status} vacancy of {side.organisation.name}",
            )
        # A second live vacancy, whose suggestions stay under review.
        side.vacancies["pending"] = VacancyFactory(
            employer=side.organisation,
            by=side.user,
            status=LIVE,
            postcode=postcode,
            title=f"Pending developer at {side.organisation.name}",
            notes=f"Private note on the pending vacancy of {side.organisation.name}",
        )
        # A resident's application to the live vacancy (an employer's applications are its own to see).
        side.applications.append(ApplicationFactory(vacancy=side.vacancies[LIVE], name=f"Applicant to {name}"))
    run_full_now()
    for name, provider_name in (("alice", "priya"), ("bob", "quentin")):
        employer, provider = sides[name], sides[provider_name]
        approved = Suggestion.objects.get(
            vacancy=employer.vacancies[LIVE], course_offer=provider.offers["open"], rank=_rank(employer, provider)
        )
        approved = suggestion_approve(approved.pk, by=hannah, version=approved.version)
        pending = Suggestion.objects.filter(vacancy=employer.vacancies["pending"]).order_by("rank").first()
        for side in (employer, provider):
            side.suggestions["approved"] = approved
        employer.suggestions["pending"] = pending
    # Each employer asked the hub to introduce it to the other provider's open course.
    for name, provider_name in (("alice", "quentin"), ("bob", "priya")):
        employer, provider = sides[name], sides[provider_name]
        employer.requests["open"] = IntroductionRequest.objects.create(
            employer=employer.organisation,
            course_offer=provider.offers["open"],
            vacancy=employer.vacancies[LIVE],
            message=f"Private request message of {employer.organisation.name}",
            requested_by=employer.user,
        )
    # Alice's firm pledges (written directly: its levy history is too short for the allowance).
    pledges = [
        Pledge.objects.create(employer=employer_a, amount=Decimal(9000), remaining=Decimal(9000), levels=[4]),
        Pledge.objects.create(
            employer=employer_a, amount=Decimal(3000), remaining=Decimal(3000), levels=[4], status="withdrawn"
        ),
    ]
    applications = [
        PledgeApplication.objects.create(
            pledge=pledges[0],
            applicant=employer_b,
            vacancy=sides["bob"].vacancies[LIVE],
            amount=Decimal(7200),
            meets_criteria=True,
        )
    ]
    for name, side in sides.items():
        side.invitation = invitation_create(email=f"new-{name}@example.org", organisation=side.organisation, by=hannah)
        Invitation.objects.filter(pk=side.invitation.pk).update(token_hash=_token_hash(INVITATION_TOKEN + name))
    hub_task = hub_task_introduce_by_phone(
        organisation=sides["priya"].organisation, subject="matrix", about="The matrix's task.", link="/hub/suggestions/"
    )
    return Market(hannah=hannah, sides=sides, pledges=pledges, pledge_applications=applications, hub_task=hub_task)


def _rank(employer: Side, provider: Side) -> int:
    return (
        Suggestion.objects.filter(vacancy=employer.vacancies[LIVE], course_offer=provider.offers["open"])
        .order_by("rank")
        .values_list("rank", flat=True)
        .first()
    )
