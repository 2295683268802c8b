"""Shared set-up for benchmarks: a PostgreSQL database of their own, and a synthetic England-scale market."""

import csv
import os
import random
import resource
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lcr_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcr_skills.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from apprenticeships.models import (  # noqa: E402
    Cohort,
    CourseOffer,
    Employer,
    OfferLocation,
    PostcodeDistrict,
    Provider,
    Standard,
    Vacancy,
)
from apprenticeships.models.delivery import ALL_MODES_MASK  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_database() -> None:
    """Migrate the benchmark database and load the reference data (both idempotent)."""
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_reference_data", "--no-progress", verbosity=0, stdout=quiet)


def clear_market() -> None:
    tables = [
        "matching_suggestion",
        "matching_gap",
        "matching_matchrunchunk",
        "matching_matchrun",
        "apprenticeships_cohort",
        "apprenticeships_offerlocation",
        "apprenticeships_courseoffer",
        "apprenticeships_vacancytransition",
        "apprenticeships_vacancy",
        "apprenticeships_employer",
        "apprenticeships_provider",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names  # nosec B608


def standard_weights() -> tuple[list[Standard], list[float]]:
    """Standards weighted by national starts in 2024/25 (DfE); unmatched names count as 1."""
    starts: dict[str, int] = {}
    with (Path(settings.REFERENCE_DATA_DIR) / "standard_starts_2024_25.csv").open() as handle:
        for row in csv.DictReader(handle):
            starts[row["standard_name"].lower()] = starts.get(row["standard_name"].lower(), 0) + int(row["starts"])
    standards = list(Standard.objects.order_by("id"))
    return standards, [max(1, starts.get(s.title.lower(), 0)) for s in standards]


def generate_market(n_vacancies: int, n_offers: int, *, seed: int = 2026) -> dict[str, int]:
    """Bulk-insert a synthetic market built from the real reference data."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    today = timezone.localdate()
    standards, weights = standard_weights()
    districts = list(
        PostcodeDistrict.objects.filter(local_authority__code__startswith="E")
        .select_related("local_authority")
        .order_by("id")
    )
    district_weights = [max(1, d.postcodes_total) for d in districts]
    n_employers = max(1, n_vacancies // 5)
    n_providers = max(1, n_offers // 10)

    employer_districts = rng.choices(districts, district_weights, k=n_employers)
    employers = Employer.objects.bulk_create(
        [
            Employer(
                name=f"Employer {i}",
                postcode=d.outcode,
                local_authority=d.local_authority,
                is_levy_payer=i % 3 == 0,
                annual_pay_bill=Decimal(rng.choice([500_000, 2_000_000, 5_000_000, 20_000_000])),
            )
            for i, d in enumerate(employer_districts)
        ],
        batch_size=5000,
    )
    provider_districts = rng.choices(districts, district_weights, k=n_providers)
    providers = Provider.objects.bulk_create(
        [
            Provider(
                name=f"Provider {i}",
                ukprn=f"1{i:07d}",
                postcode=d.outcode,
                local_authority=d.local_authority,
                ofsted_grade=rng.choice([1, 2, 2, 2, 3, None]),
                achievement_rate=Decimal(rng.randint(40, 85)),
            )
            for i, d in enumerate(provider_districts)
        ],
        batch_size=5000,
    )
    vacancy_standards = rng.choices(standards, weights, k=n_vacancies)
    vacancies = []
    for standard in vacancy_standards:
        e = rng.randrange(n_employers)
        d = employer_districts[e]
        vacancies.append(
            Vacancy(
                employer=employers[e],
                title=f"Apprentice {standard.title.lower()}",
                description=f"Train as {standard.title.lower()}: {standard.overview}",
                standard=standard,
                positions=rng.choice([1, 1, 1, 2, 3]),
                weekly_wage=Decimal("320.00"),
                hours_per_week=Decimal("37.5"),
                postcode=d.outcode,
                outcode=d.outcode,
                latitude=d.latitude,
                longitude=d.longitude,
                local_authority=d.local_authority,
                start_date=today + timedelta(days=rng.randint(30, 180)),
                closing_date=today + timedelta(days=rng.randint(10, 25)),
                delivery_mask=rng.randint(1, ALL_MODES_MASK),
                status=Vacancy.Status.LIVE,
                live_at=timezone.now(),
            )
        )
    Vacancy.objects.bulk_create(vacancies, batch_size=5000)
    # Providers specialise: each offers a few standards, drawn by national demand.
    offer_rows, location_rows, cohort_rows = [], [], []
    for i in range(n_offers):
        p = i % n_providers
        standard = rng.choices(standards, weights)[0]
        offer_rows.append(
            CourseOffer(
                provider=providers[p],
                standard=standard,
                title=f"{standard.title} with provider {p}",
                description=f"{standard.title}. {standard.overview}",
                price=Decimal(standard.max_funding) * Decimal(rng.choice(["0.7", "0.85", "1.0"])),
                delivery_mask=rng.randint(1, ALL_MODES_MASK),
                national=rng.random() < 0.05,
                status=CourseOffer.Status.OPEN,
            )
        )
    offers = CourseOffer.objects.bulk_create(offer_rows, batch_size=5000)
    for i, offer in enumerate(offers):
        d = provider_districts[i % n_providers]
        location_rows.append(
            OfferLocation(
                offer=offer,
                postcode=d.outcode,
                radius_km=rng.choice([10, 20, 30, 50]),
                latitude=d.latitude,
                longitude=d.longitude,
                local_authority=d.local_authority,
            )
        )
        for _ in range(rng.randint(1, 3)):
            cohort_rows.append(
                Cohort(offer=offer, start_date=today + timedelta(days=rng.randint(20, 240)), places=rng.randint(2, 16))
            )
    OfferLocation.objects.bulk_create(location_rows, batch_size=5000)
    Cohort.objects.bulk_create(cohort_rows, batch_size=5000)
    return {
        "vacancies": n_vacancies,
        "offers": n_offers,
        "cohorts": len(cohort_rows),
        "employers": n_employers,
        "providers": n_providers,
    }
