"""The public search's stored words: a `search_vector` on each vacancy, kept by the database itself.

On PostgreSQL a trigger writes the vector on every insert or update of a vacancy (so `bulk_create`,
`update()` and raw SQL keep it true, not only `save()`), and triggers on the standard's title and
the employer's name re-write the vacancies that show them. A GeneratedField can't do this: a
generated column may read only its own row, and the standard and employer are other tables.
One GIN index serves the `@@` match. pg_trgm gives `word_similarity` for the fuzzy match.
SQLite (the embedded default) gets the column only and searches with `icontains`.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Weights: A the vacancy title, B the standard's title, C the employer's name, D the description.
VECTOR = """
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(
        (SELECT s.title FROM apprenticeships_standard s WHERE s.id = NEW.standard_id), '')), 'B')
    || setweight(to_tsvector('english', coalesce(
        (SELECT e.name FROM apprenticeships_employer e WHERE e.id = NEW.employer_id), '')), 'C')
    || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'D')
"""

FORWARDS = f"""
CREATE FUNCTION apprenticeships_vacancy_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := {VECTOR};
    RETURN NEW;
END $$;

CREATE TRIGGER apprenticeships_vacancy_search_vector
    BEFORE INSERT OR UPDATE ON apprenticeships_vacancy
    FOR EACH ROW EXECUTE FUNCTION apprenticeships_vacancy_search_vector();

CREATE FUNCTION apprenticeships_standard_title_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE apprenticeships_vacancy SET search_vector = NULL WHERE standard_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER apprenticeships_standard_title_search_vector
    AFTER UPDATE OF title ON apprenticeships_standard
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION apprenticeships_standard_title_search_vector();

CREATE FUNCTION apprenticeships_employer_name_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE apprenticeships_vacancy SET search_vector = NULL WHERE employer_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER apprenticeships_employer_name_search_vector
    AFTER UPDATE OF name ON apprenticeships_employer
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION apprenticeships_employer_name_search_vector();

CREATE INDEX apprenticeships_vacancy_search_vector_gin ON apprenticeships_vacancy USING gin (search_vector);

-- Vacancies already there: the trigger writes their vectors.
UPDATE apprenticeships_vacancy SET search_vector = NULL;
"""

BACKWARDS = """
DROP INDEX IF EXISTS apprenticeships_vacancy_search_vector_gin;
DROP TRIGGER IF EXISTS apprenticeships_employer_name_search_vector ON apprenticeships_employer;
DROP FUNCTION IF EXISTS apprenticeships_employer_name_search_vector();
DROP TRIGGER IF EXISTS apprenticeships_standard_title_search_vector ON apprenticeships_standard;
DROP FUNCTION IF EXISTS apprenticeships_standard_title_search_vector();
DROP TRIGGER IF EXISTS apprenticeships_vacancy_search_vector ON apprenticeships_vacancy;
DROP FUNCTION IF EXISTS apprenticeships_vacancy_search_vector();
"""


def on_postgresql(sql: str):  # noqa: ANN201 - a RunPython function
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("apprenticeships", "0010_applications_and_alerts"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on SQLite
        migrations.AddField(
            model_name="vacancy",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(on_postgresql(FORWARDS), on_postgresql(BACKWARDS), elidable=False),
    ]
