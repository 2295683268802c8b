"""Indexes that keep the public search and the hub's review queue fast at England scale (docs/performance.md).

* The fuzzy match's vocabulary (SearchWord: the words of every title, kept by triggers) with a trigram
  GIN index that its `%>` operator uses; the words found are looked up in the full-text GIN index.
* A partial (latitude, longitude) index on live vacancies: the box around a postcode (within_box).
* The review order as two stored ranks on the vacancy (workplace neighbourhood, local authority), kept
  by triggers on PostgreSQL, and an index in that order: the queue walks it instead of sorting every
  suggestion by two subqueries each.
"""

from django.db import migrations, models

RANKS = """
CREATE FUNCTION apprenticeships_vacancy_imd_ranks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- As apprenticeships.transport.deprivation.place_imd_rank: the full postcode's LSOA, else the district's.
    NEW.workplace_imd_rank := coalesce(
        (SELECT p.imd_rank FROM apprenticeships_fullpostcode p WHERE p.postcode = NEW.postcode),
        (SELECT d.imd_rank FROM apprenticeships_districtneighbourhood d WHERE d.outcode = NEW.outcode));
    NEW.authority_imd_rank := (
        SELECT a.imd_rank FROM apprenticeships_localauthority a WHERE a.id = NEW.local_authority_id);
    RETURN NEW;
END $$;

CREATE TRIGGER apprenticeships_vacancy_imd_ranks
    BEFORE INSERT OR UPDATE ON apprenticeships_vacancy
    FOR EACH ROW EXECUTE FUNCTION apprenticeships_vacancy_imd_ranks();

-- A vacancy's ranks are written by its own trigger above: touching the row is enough.
CREATE FUNCTION apprenticeships_fullpostcode_imd_ranks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE apprenticeships_vacancy SET workplace_imd_rank = NULL WHERE postcode = OLD.postcode;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE apprenticeships_vacancy SET workplace_imd_rank = NULL WHERE postcode = NEW.postcode;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER apprenticeships_fullpostcode_imd_ranks
    AFTER INSERT OR UPDATE OR DELETE ON apprenticeships_fullpostcode
    FOR EACH ROW EXECUTE FUNCTION apprenticeships_fullpostcode_imd_ranks();

CREATE FUNCTION apprenticeships_districtneighbourhood_imd_ranks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE apprenticeships_vacancy SET workplace_imd_rank = NULL WHERE outcode = OLD.outcode;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE apprenticeships_vacancy SET workplace_imd_rank = NULL WHERE outcode = NEW.outcode;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER apprenticeships_districtneighbourhood_imd_ranks
    AFTER INSERT OR UPDATE OR DELETE ON apprenticeships_districtneighbourhood
    FOR EACH ROW EXECUTE FUNCTION apprenticeships_districtneighbourhood_imd_ranks();

CREATE FUNCTION apprenticeships_localauthority_imd_ranks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE apprenticeships_vacancy SET authority_imd_rank = NULL WHERE local_authority_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER apprenticeships_localauthority_imd_ranks
    AFTER UPDATE OF imd_rank ON apprenticeships_localauthority
    FOR EACH ROW WHEN (OLD.imd_rank IS DISTINCT FROM NEW.imd_rank)
    EXECUTE FUNCTION apprenticeships_localauthority_imd_ranks();

-- Vacancies already there: their trigger writes their ranks.
UPDATE apprenticeships_vacancy SET workplace_imd_rank = NULL;
"""

RANKS_BACKWARDS = """
DROP TRIGGER IF EXISTS apprenticeships_localauthority_imd_ranks ON apprenticeships_localauthority;
DROP FUNCTION IF EXISTS apprenticeships_localauthority_imd_ranks();
DROP TRIGGER IF EXISTS apprenticeships_districtneighbourhood_imd_ranks ON apprenticeships_districtneighbourhood;
DROP FUNCTION IF EXISTS apprenticeships_districtneighbourhood_imd_ranks();
DROP TRIGGER IF EXISTS apprenticeships_fullpostcode_imd_ranks ON apprenticeships_fullpostcode;
DROP FUNCTION IF EXISTS apprenticeships_fullpostcode_imd_ranks();
DROP TRIGGER IF EXISTS apprenticeships_vacancy_imd_ranks ON apprenticeships_vacancy;
DROP FUNCTION IF EXISTS apprenticeships_vacancy_imd_ranks();
"""

# The fuzzy match's vocabulary: the words of every vacancy's and standard's title, added as they are written.
WORDS = r"""
CREATE FUNCTION apprenticeships_title_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO apprenticeships_searchword (word)
        SELECT DISTINCT w FROM regexp_split_to_table(lower(NEW.title), '[^[:alnum:]]+') AS w WHERE length(w) >= 3
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER apprenticeships_vacancy_search_words
    AFTER INSERT OR UPDATE OF title ON apprenticeships_vacancy
    FOR EACH ROW EXECUTE FUNCTION apprenticeships_title_search_words();

CREATE TRIGGER apprenticeships_standard_search_words
    AFTER INSERT OR UPDATE OF title ON apprenticeships_standard
    FOR EACH ROW EXECUTE FUNCTION apprenticeships_title_search_words();

CREATE INDEX apprenticeships_searchword_trgm ON apprenticeships_searchword USING gin (word gin_trgm_ops);

INSERT INTO apprenticeships_searchword (word)
    SELECT DISTINCT w FROM (
        SELECT title FROM apprenticeships_vacancy UNION SELECT title FROM apprenticeships_standard
    ) AS titles, regexp_split_to_table(lower(titles.title), '[^[:alnum:]]+') AS w
    WHERE length(w) >= 3
    ON CONFLICT DO NOTHING;
"""

WORDS_BACKWARDS = """
DROP INDEX IF EXISTS apprenticeships_searchword_trgm;
DROP TRIGGER IF EXISTS apprenticeships_standard_search_words ON apprenticeships_standard;
DROP TRIGGER IF EXISTS apprenticeships_vacancy_search_words ON apprenticeships_vacancy;
DROP FUNCTION IF EXISTS apprenticeships_title_search_words();
"""


def on_postgresql(sql: str):  # noqa: ANN201 - a RunPython function
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("apprenticeships", "0017_travel_time_unique_on_sqlite_too"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=150, primary_key=True, serialize=False)),
            ],
        ),
        migrations.AddField(
            model_name="vacancy",
            name="authority_imd_rank",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="vacancy",
            name="workplace_imd_rank",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="vacancy",
            index=models.Index(
                condition=models.Q(("status", "live")), fields=["latitude", "longitude"], name="vacancy_live_lat_lon"
            ),
        ),
        migrations.AddIndex(
            model_name="vacancy",
            index=models.Index(
                fields=["workplace_imd_rank", "authority_imd_rank", "live_at", "id"], name="vacancy_review_order"
            ),
        ),
        migrations.AddIndex(
            model_name="vacancy",
            index=models.Index(fields=["postcode"], name="vacancy_postcode"),
        ),
        migrations.AddIndex(
            model_name="vacancy",
            index=models.Index(fields=["outcode"], name="vacancy_outcode"),
        ),
        migrations.RunPython(on_postgresql(RANKS), on_postgresql(RANKS_BACKWARDS), elidable=False),
        migrations.RunPython(on_postgresql(WORDS), on_postgresql(WORDS_BACKWARDS), elidable=False),
    ]
