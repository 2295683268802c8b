"""The public search ignores accents: "creche" finds "Crèche assistant", "cafe" finds "Café".

PostgreSQL's `unaccent` dictionary, put before the English stemmer in a text search configuration of
our own, `english_unaccent`, as PostgreSQL's documentation shows for French
(https://www.postgresql.org/docs/current/unaccent.html, "Usage"). The stored `search_vector` is written
with it (the trigger of migration 0011, now with the new configuration) and every search reads it with
it (`apprenticeships.selectors.SEARCH_CONFIG`). `unaccent` is a trusted extension from PostgreSQL 13: the
database's owner may create it. SQLite (the embedded default) is not changed.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

VECTOR = """
    setweight(to_tsvector('{config}', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('{config}', coalesce(
        (SELECT s.title FROM apprenticeships_standard s WHERE s.id = NEW.standard_id), '')), 'B')
    || setweight(to_tsvector('{config}', coalesce(
        (SELECT e.name FROM apprenticeships_employer e WHERE e.id = NEW.employer_id), '')), 'C')
    || setweight(to_tsvector('{config}', coalesce(NEW.description, '')), 'D')
"""


def vector_function(config: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION apprenticeships_vacancy_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := {VECTOR.format(config=config)};
    RETURN NEW;
END $$;

-- Vacancies already there: the trigger writes their vectors again.
UPDATE apprenticeships_vacancy SET search_vector = NULL;
"""


FORWARDS = (
    """
CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);
ALTER TEXT SEARCH CONFIGURATION english_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""
    + vector_function("english_unaccent")
)

BACKWARDS = vector_function("english") + "DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent;"


def on_postgresql(sql: str):  # noqa: ANN201 - a RunPython function
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("apprenticeships", "0018_search_and_review_indexes"),
    ]

    operations = [
        UnaccentExtension(),  # does nothing on SQLite
        migrations.RunPython(on_postgresql(FORWARDS), on_postgresql(BACKWARDS), elidable=False),
    ]
