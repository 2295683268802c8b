"""PostgreSQL answers the public search and the review queue from their indexes (docs/performance.md):
each plan names the index. A few thousand vacancies across England and fresh statistics make the
planner choose as it does at England scale, and sequential scans are its last resort. Run against a
real PostgreSQL (marked `services`, as the other PostgreSQL-only tests)."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.db import connection, transaction
from django.db.models import F, Value

from apprenticeships import selectors
from apprenticeships.models import PostcodeDistrict, SearchWord, Standard, Vacancy
from apprenticeships.places import place_lookup
from matching.selectors import review_queue
from matching.services import run_full_now

pytestmark = [pytest.mark.services, pytest.mark.django_db]

SOFTWARE_DEVELOPER = 2  # LARS code

MANY = 3000


@pytest.fixture
def england(search_market, employer_a):
    """MANY more live vacancies all over England, each with a title word of its own (a large vocabulary) and
    none about engineering, and the planner's statistics: as selective as a search is at England scale."""
    rng = random.Random(19)  # noqa: S311 - test data
    districts = list(PostcodeDistrict.objects.filter(local_authority__code__startswith="E").order_by("id"))
    developer = Standard.objects.get(lars_code=SOFTWARE_DEVELOPER)
    today = search_market["plumbing"].closing_date
    rows = []
    for _ in range(MANY):
        district = rng.choice(districts)
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
        rows.append(
            Vacancy(
                employer_id=employer_a.pk,
                title=f"Trainee {word}",
                description="Office duties.",
                standard=developer,
                weekly_wage=Decimal("320.00"),
                hours_per_week=Decimal("37.5"),
                postcode=district.outcode,
                outcode=district.outcode,
                latitude=district.latitude,
                longitude=district.longitude,
                local_authority_id=district.local_authority_id,
                start_date=today + timedelta(days=60),
                closing_date=today + timedelta(days=rng.randint(0, 20)),
                status=Vacancy.Status.LIVE,
            )
        )
    Vacancy.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:  # what autovacuum would have done by now: GIN's pending entries merged
        for index in ("apprenticeships_vacancy_search_vector_gin", "apprenticeships_searchword_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE apprenticeships_vacancy, apprenticeships_searchword, apprenticeships_standard")
    return search_market


def plan_of(queryset, *, sort: bool = True) -> str:
    """The plan PostgreSQL would run the queryset with when a sequential scan (and, if not `sort`, a sort) is the
    last resort."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not sort:
            cursor.execute("SET LOCAL enable_sort = off")
        return queryset.explain()


def test_the_words_of_a_search_are_looked_up_in_the_full_text_index(england):
    found = selectors.public_vacancies(text="engineer")

    assert "apprenticeships_vacancy_search_vector_gin" in plan_of(found)


def test_the_distance_from_a_postcode_is_narrowed_by_the_box_index_first(england):
    near = place_lookup("L36")
    for sort in ("distance", "relevance"):
        found = selectors.public_vacancies(text="engineer", near=near, within_km=16, sort=sort)

        plan = plan_of(found)

        assert "vacancy_live_lat_lon" in plan
        assert "apprenticeships_vacancy_search_vector_gin" in plan


def test_a_fuzzy_word_is_compared_with_the_vocabulary_through_its_trigram_index(england):
    assert SearchWord.objects.filter(word="plumbing").exists()  # the titles' words, kept by a trigger
    close = SearchWord.objects.filter(TrigramWordSimilar(F("word"), Value("plumber")))

    assert "apprenticeships_searchword_trgm" in plan_of(close)
    assert selectors._close_words(["plumber"]) == {"plumber": ["plumbing"]}


def test_the_review_queue_walks_the_review_order_index(small_market):
    run_full_now()

    plan = plan_of(review_queue()[:25], sort=False)

    assert "vacancy_review_order" in plan
    assert "Presorted Key" in plan  # only each vacancy's own suggestions are sorted, by score
