"""A believable city-region picture for demos, from the real reference data.

Providers are real: the training providers that delivered apprenticeships in the city region in
2024/25 (DfE), placed in the postcode district of the authority where they delivered most.
Employers are invented, spread across the six authorities. Running it again changes nothing.
"""

import csv
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from apprenticeships import services
from apprenticeships.funding.rules import AGE_GROUPS, minimum_weekly_wage
from apprenticeships.models import (
    CourseOffer,
    Employer,
    Membership,
    PayBillDeclaration,
    PostcodeDistrict,
    Provider,
    Role,
    Standard,
    Vacancy,
)
from apprenticeships.services import offers, vacancies

DEMO_PASSWORD = "demo-password-lcr"  # printed by `make run`; demo databases only

# (name, sector, local authority code, levy payer, annual pay bill GBP). Invented employers.
DEMO_EMPLOYERS = [
    ("Mersey Maritime Engineering Ltd", "Engineering and manufacturing", "E08000012", True, 6_200_000),
    ("Halton Chemical Processing Ltd", "Chemicals", "E06000006", True, 11_500_000),
    ("Knowsley Logistics Hub Ltd", "Transport and logistics", "E08000011", True, 4_100_000),
    ("Wirral Care Partnership", "Health and social care", "E08000015", False, 1_800_000),
    ("Sefton Coast Hospitality Ltd", "Hospitality", "E08000014", False, 900_000),
    ("St Helens Glass Works Ltd", "Engineering and manufacturing", "E08000013", True, 8_700_000),
    ("Baltic Triangle Digital Ltd", "Digital", "E08000012", False, 2_400_000),
    ("Runcorn Bridge Construction Ltd", "Construction", "E06000006", False, 2_900_000),
    ("Birkenhead Dock Services Ltd", "Transport and logistics", "E08000015", True, 3_600_000),
    ("Bootle Business Services Ltd", "Business and administration", "E08000014", False, 650_000),
    ("Prescot Retail Group Ltd", "Retail", "E08000011", False, 1_200_000),
    ("Liverpool Waterfront Hotels Ltd", "Hospitality", "E08000012", True, 3_300_000),
]
DEMO_PROVIDER_COUNT = 20
# The apprentice ages each of an employer's three demo vacancies is open to.
DEMO_AGE_GROUPS = [["16-18", "19-21"], list(AGE_GROUPS), ["19-21", "22-24", "25+"]]
# (LARS code, vacancy title, employer sector) for the demo market.
DEMO_STANDARDS = [
    (2, "Apprentice software developer", "Digital"),
    (80, "Apprentice data analyst", "Digital"),
    (430, "Apprentice early years educator", "Health and social care"),
    (119, "Apprentice care worker", "Health and social care"),
    (105, "Apprentice team leader", "Transport and logistics"),
    (122, "Customer service apprentice", "Retail"),
    (96, "Hospitality team member apprentice", "Hospitality"),
    (93, "Apprentice commis chef", "Hospitality"),
    (196, "Business administration apprentice", "Business and administration"),
    (14, "Apprentice laboratory technician", "Chemicals"),
    (111, "Warehouse operative apprentice", "Transport and logistics"),
    (225, "Apprentice plumbing and heating technician", "Construction"),
    (239, "Apprentice carpenter and joiner", "Construction"),
    (287, "Apprentice bricklayer", "Construction"),
]


@dataclass
class DemoLogin:
    role: str
    username: str
    organisation: str


def _districts_by_authority() -> dict[str, list[str]]:
    districts: dict[str, list[str]] = defaultdict(list)
    for outcode, code in (
        PostcodeDistrict.objects.filter(local_authority__in_city_region=True)
        .order_by("-postcodes_total")
        .values_list("outcode", "local_authority__code")
    ):
        districts[code].append(outcode)
    return districts


def _readable_name(published: str) -> str:
    """DfE publishes names in capitals ("THE CITY OF LIVERPOOL COLLEGE"); show them as people write them."""
    small = {"of", "and", "the", "for", "in", "at"}
    words = [w.lower() if w.lower() in small else (w.capitalize() if w.isalpha() else w) for w in published.split()]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def _top_providers(limit: int) -> list[tuple[str, str, str]]:
    """(UKPRN, name, authority code where it delivered most), busiest providers first."""
    starts: Counter[str] = Counter()
    names: dict[str, str] = {}
    by_area: dict[str, Counter[str]] = defaultdict(Counter)
    path = Path(settings.REFERENCE_DATA_DIR) / "lcr_providers_2024_25.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            starts[row["ukprn"]] += int(row["starts"])
            by_area[row["ukprn"]][row["delivery_lad_code"]] += int(row["starts"])
            names[row["ukprn"]] = _readable_name(row["provider_name"])
    return [(ukprn, names[ukprn], by_area[ukprn].most_common(1)[0][0]) for ukprn, _ in starts.most_common(limit)]


def _demo_user(username: str, role: str, organisation: Employer | Provider | None) -> None:
    if not User.objects.filter(username=username).exists():
        services.user_create(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@example.org",
            role=role,
            organisation=organisation,
        )
        # The demo employer and provider administer their organisations, so they can invite colleagues.
        Membership.objects.filter(user__username=username).update(is_admin=True)


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    """Create demo organisations and one user per role; return the logins."""
    rng = random.Random(2026)  # noqa: S311 - fixed seed so every demo database looks the same; not security
    districts = _districts_by_authority()
    today = timezone.localdate()
    employers = []
    for name, sector, authority, levy, pay_bill in DEMO_EMPLOYERS:
        employer = Employer.objects.filter(name=name).first() or services.employer_create(
            name=name,
            postcode=rng.choice(districts[authority][:5]),
            sector=sector,
            is_levy_payer=levy,
            annual_pay_bill=Decimal(pay_bill),
        )
        if levy and not PayBillDeclaration.objects.filter(employer=employer).exclude(declared_on=today).exists():
            # Declared a year ago, so that the demo funds pages have a year of levy funds to show.
            PayBillDeclaration.objects.filter(employer=employer).update(declared_on=today - timedelta(days=365))
        employers.append(employer)
    providers = []
    for number, (ukprn, name, authority) in enumerate(_top_providers(DEMO_PROVIDER_COUNT)):
        provider = Provider.objects.filter(ukprn=ukprn).first() or services.provider_create(
            name=name,
            ukprn=ukprn,
            postcode=rng.choice(districts[authority][:5]),
            # Whom the hub phones while nobody there has an account: Ofcom's drama numbers
            # (0151 496 0000 to 0999) ring nobody, and example.org receives no mail.
            contact_name="Apprenticeships team",
            contact_phone=f"0151 496 0{100 + number:03d}",
            contact_email=f"apprenticeships-{ukprn}@example.org",
        )
        providers.append(provider)
    _demo_market(employers, providers, rng)
    _demo_user("demo-hub", Role.HUB, None)  # "hub" is reserved (services/accounts.py)
    _demo_user("employer", Role.EMPLOYER, employers[0])
    _demo_user("provider", Role.PROVIDER, providers[0])
    return [
        DemoLogin("Hub staff", "demo-hub", "LCR apprenticeship hub"),
        DemoLogin("Employer", "employer", employers[0].name),
        DemoLogin("Training provider", "provider", providers[0].name),
    ]


def _demo_market(employers: list[Employer], providers: list[Provider], rng: random.Random) -> None:
    """Vacancies in every state for the employers, and offers with cohorts for the providers."""
    if Vacancy.objects.exists() or CourseOffer.objects.exists():
        return
    today = timezone.localdate()
    standards = Standard.objects.in_bulk([lars for lars, _, _ in DEMO_STANDARDS], field_name="lars_code")
    hub = None
    statuses = [Vacancy.Status.LIVE] * 5 + [Vacancy.Status.SUBMITTED, Vacancy.Status.DRAFT]
    for n, employer in enumerate(employers):
        fitting = [row for row in DEMO_STANDARDS if row[2] == employer.sector] or DEMO_STANDARDS
        for k in range(3):
            lars, title, _ = fitting[(n + k) % len(fitting)]
            hours = Decimal(rng.choice([30, 35, 37.5, 40]))
            start = today + timedelta(days=rng.randint(50, 120))
            vacancy = vacancies.vacancy_create(
                employer=employer,
                by=None,
                title=title,
                description=f"Join {employer.name} as an apprentice and train towards {standards[lars].title}.",
                standard=standards[lars],
                positions=rng.choice([1, 1, 1, 2]),
                weekly_wage=(minimum_weekly_wage(start, hours) + rng.choice([0, 20, 45])).quantize(Decimal("0.01")),
                hours_per_week=hours,
                postcode=employer.postcode,
                start_date=start,
                closing_date=today + timedelta(days=rng.randint(21, 45)),
                delivery_modes=rng.sample(["day_release", "block_release", "workplace", "online"], k=2),
                notes="Interviews on site; ask for the training manager.",
                age_groups=DEMO_AGE_GROUPS[k % len(DEMO_AGE_GROUPS)],
            )
            status = statuses[(n * 3 + k) % len(statuses)]
            if status != Vacancy.Status.DRAFT:
                vacancies.vacancy_transition(vacancy, action="submit", by=None)
            if status == Vacancy.Status.LIVE:
                vacancies.vacancy_transition(vacancy, action="approve", by=hub, comment="Checked by the hub (demo).")
    for n, provider in enumerate(providers):
        for k in range(rng.randint(1, 3)):
            lars, title, _ = DEMO_STANDARDS[(n * 2 + k) % len(DEMO_STANDARDS)]
            standard = standards[lars]
            offers.offer_create(
                provider=provider,
                standard=standard,
                title=f"{standard.title} (level {standard.level})",
                description=f"{standard.title} apprenticeship with {provider.name}: {standard.overview}",
                price=Decimal(standard.max_funding) * Decimal(rng.choice(["0.8", "0.9", "1.0"])),
                delivery_modes=rng.sample(["day_release", "block_release", "workplace", "online"], k=2),
                national=False,
                locations=[{"postcode": provider.postcode, "radius_km": rng.choice([15, 25, 40])}],
                cohorts=[
                    {"start_date": today + timedelta(days=rng.randint(40, 140)), "places": rng.randint(2, 12)}
                    for _ in range(rng.randint(1, 2))
                ],
                status=CourseOffer.Status.OPEN,
            )
