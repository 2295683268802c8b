"""A believable city-region picture for demos, from the real reference data.

Providers are real: the training providers that delivered apprenticeships in the city region in
2024/25 (DfE), placed in the postcode district of the authority where they delivered most.
Employers are invented, spread across the six authorities. Running it again changes nothing.
"""

import csv
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from apprenticeships import services
from apprenticeships.models import Employer, PostcodeDistrict, Provider, Role

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


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    """Create demo organisations and one user per role; return the logins."""
    rng = random.Random(2026)  # noqa: S311 - fixed seed so every demo database looks the same; not security
    districts = _districts_by_authority()
    employers = []
    for name, sector, authority, levy, pay_bill in DEMO_EMPLOYERS:
        employer = Employer.objects.filter(name=name).first() or services.employer_create(
            name=name,
            postcode=rng.choice(districts[authority][:5]),
            sector=sector,
            is_levy_payer=levy,
            annual_pay_bill=Decimal(pay_bill),
        )
        employers.append(employer)
    providers = []
    for ukprn, name, authority in _top_providers(DEMO_PROVIDER_COUNT):
        provider = Provider.objects.filter(ukprn=ukprn).first() or services.provider_create(
            name=name, ukprn=ukprn, postcode=rng.choice(districts[authority][:5])
        )
        providers.append(provider)
    _demo_user("hub", Role.HUB, None)
    _demo_user("employer", Role.EMPLOYER, employers[0])
    _demo_user("provider", Role.PROVIDER, providers[0])
    return [
        DemoLogin("Hub staff", "hub", "LCR apprenticeship hub"),
        DemoLogin("Employer", "employer", employers[0].name),
        DemoLogin("Training provider", "provider", providers[0].name),
    ]
