"""PostgreSQL's search: stemmed, ranked full-text search over a stored vector the database keeps true,
and word-level fuzzy matching. Run against a real PostgreSQL (marked `services`)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from apprenticeships import selectors
from apprenticeships.models import Employer, Standard, Vacancy
from lcr_skills.env import SHARED_CACHE
from tests.market_factories import VacancyFactory, days_ahead

pytestmark = [pytest.mark.services, pytest.mark.django_db]

URL = "/api/v1/public/vacancies/"


def titles(api, query: str) -> list[str]:
    response = api().get(URL, {"search": query})
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def test_it_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_plumber_finds_the_plumbing_and_heating_technician(api, search_market):
    assert titles(api, "plumber") == ["Plumbing and heating technician"]


def test_a_misspelt_long_word_still_finds_it(api, search_market):
    assert titles(api, "electrican") == ["Electrician"]


def test_engineers_finds_engineering_by_its_stem(api, search_market):
    found = titles(api, "engineers")

    # "engineering" is only in its description, which the fuzzy match does not read: this is stemming.
    assert "Maintenance apprentice" in found
    # The other two train for "Building services engineering installer".
    assert sorted(found) == ["Electrician", "Maintenance apprentice", "Plumbing and heating technician"]


def test_accents_are_ignored_either_way(api, search_market, employer_a):
    VacancyFactory(employer=employer_a, status="live", title="Crèche assistant", closing_date=days_ahead(20))
    VacancyFactory(
        employer=employer_a,
        status="live",
        title="Kitchen apprentice",
        description="Our cafe on the waterfront.",
        closing_date=days_ahead(20),
    )

    assert titles(api, "creche") == titles(api, "crèche") == titles(api, "CRECHE") == ["Crèche assistant"]
    assert titles(api, "café") == ["Kitchen apprentice"]  # an accent typed, none written
    assert titles(api, "crech") == ["Crèche assistant"]  # as the start of a word too


def test_a_short_word_matches_the_start_of_a_word_not_a_similar_word(api, search_market):
    assert titles(api, "boil") == ["Plumbing and heating technician"]  # "boilers"
    assert titles(api, "care") == []  # not "carpentry"-like guesses from three letters


def test_the_employer_and_the_standard_are_searched(api, search_market, employer_b):
    Employer.objects.filter(pk=employer_b.pk).update(name="Mersey Trades Ltd")

    assert sorted(titles(api, "mersey trades")) == ["Electrician", "Plumbing and heating technician"]
    # Both are "Building services engineering installer" apprenticeships: the standard's title.
    assert sorted(titles(api, "installer")) == ["Electrician", "Plumbing and heating technician"]


def test_a_match_in_the_title_ranks_above_one_in_the_description(api, search_market, employer_a):
    # The description's match closes sooner, so only relevance puts the title's match first.
    VacancyFactory(
        employer=employer_a,
        status="live",
        title="Apprentice wiring installer",
        description="Help our electricians on site.",
        postcode="L36 1AA",
        closing_date=days_ahead(8),
    )

    assert titles(api, "electricians") == ["Electrician", "Apprentice wiring installer"]


def test_relevance_is_the_default_order_only_when_there_are_words(api, search_market):
    by_words = api().get(URL, {"search": "electricians"}).json()["results"]
    no_words = [item["title"] for item in api().get(URL).json()["results"]]

    assert by_words[0]["title"] == "Electrician"
    assert no_words[0] == "Junior software developer"  # closing soonest


@pytest.mark.parametrize("ordering", ["distance", "closing_date"])
def test_a_search_in_another_order_finds_the_same_matches_without_ranking_them(api, search_market, ordering):
    # Each match's relevance is worked out only to sort by it (ts_rank, and the trigram likeness of its titles
    # and its standard's, which joins the standards to every match).
    query = {"search": "electricians", "postcode": "L1", "within_miles": "all"}
    by_relevance = api().get(URL, query).json()["results"]
    with CaptureQueriesContext(connection) as captured:
        in_order = api().get(URL, {**query, "ordering": ordering}).json()["results"]

    assert sorted(row["id"] for row in in_order) == sorted(row["id"] for row in by_relevance)
    searches = [query["sql"] for query in captured if "search_vector" in query["sql"]]
    assert in_order and searches
    worked_out = ("ts_rank", "word_similarity", "_standard")
    assert not [sql for sql in searches if any(word in sql.lower() for word in worked_out)]


def vector_words(vacancy: Vacancy) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM apprenticeships_vacancy WHERE id = %s", [vacancy.pk])
        return cursor.fetchone()[0]


def test_the_stored_vector_follows_bulk_updates_the_standard_and_the_employer(search_market):
    plumbing = search_market["plumbing"]
    assert "'plumb'" in vector_words(plumbing)

    Vacancy.objects.filter(pk=plumbing.pk).update(title="Gas engineer")  # no save(), no signal
    Standard.objects.filter(pk=plumbing.standard_id).update(title="Heating and ventilation installer")
    Employer.objects.filter(pk=plumbing.employer_id).update(name="Huyton Boilers Ltd")

    words = vector_words(plumbing)
    assert "'plumb'" not in words and "'gas'" in words
    assert "'ventil'" in words and "'huyton'" in words
    found = selectors.public_vacancies(text="ventilation")
    assert plumbing in found and search_market["southport"] in found  # both use that standard


def test_one_gin_index_serves_the_search():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'apprenticeships_vacancy' AND indexdef LIKE %s",
            ["%search_vector%"],
        )
        indexes = [row[0] for row in cursor.fetchall()]
    assert len(indexes) == 1 and "USING gin" in indexes[0]


def test_a_typed_words_close_words_are_read_once_and_then_kept_for_a_while(
    api, search_market, django_assert_num_queries
):
    assert titles(api, "electrican") == ["Electrician"]  # reads the vocabulary

    # The same misspelling again: the page's ids with their total (sorted by relevance: counted with them), then
    # their rows, and nothing else (no postcode here, no count).
    with django_assert_num_queries(2):
        assert titles(api, "electrican") == ["Electrician"]


def test_a_new_titles_words_are_found_by_a_misspelling_once_the_close_words_kept_are_gone(
    api, search_market, employer_a
):
    assert titles(api, "xylophonst") == []
    VacancyFactory(employer=employer_a, status="live", title="Xylophonist assistant", closing_date=days_ahead(20))

    assert titles(api, "xylophonst") == []  # the close words the first search read are kept ...
    cache.clear()  # ... until they expire (CLOSE_WORDS_SECONDS) or the cache is emptied
    assert titles(api, "xylophonst") == ["Xylophonist assistant"]


def test_while_the_shared_cache_is_down_the_search_reads_the_vocabulary_instead(api, search_market):
    down = {"default": {"BACKEND": SHARED_CACHE, "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    with override_settings(CACHES=down):
        assert titles(api, "electrican") == ["Electrician"]
