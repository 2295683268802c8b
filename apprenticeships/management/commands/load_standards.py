"""Load the apprenticeship standards catalogue exported by Skills England (formerly IfATE)."""

import csv
import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apprenticeships.services.standards import CatalogueError, standards_load

HELP = """Load the apprenticeship standards catalogue from a Skills England / IfATE export (CSV or JSON).

Without a file, the shipped 2020 snapshot (load_reference_data) stays in use. A CSV needs a header
row; a JSON file is a list of objects (the IfATE API's shape). Columns, by either name:

  lars_code | larsCode                          required, whole number
  title                                         required
  level                                         required, 2 to 7
  route                                         required
  typical_duration_months | typicalDuration     required, months
  max_funding | maxFunding                      required, pounds (the maximum funding band)
  reference | referenceNumber                   e.g. ST0116
  status                                        "Approved for delivery" (default), "Retired" or "Withdrawn"
  is_foundation | apprenticeshipType            true/false, or "Foundation Apprenticeship"
  keywords, typical_job_titles | typicalJobTitles, overview_of_role | overviewOfRole   optional

Standards are matched by LARS code: new ones are added, existing ones updated; ones the export
marks retired or withdrawn become retired (they can't be chosen for new vacancies or offers);
standards missing from the export are left as they are. All rows or none are loaded.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):  # noqa: ANN201 - argparse's parser
        from argparse import RawDescriptionHelpFormatter

        return super().create_parser(prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The catalogue export, .csv or .json")
        parser.add_argument("--published-on", help="The export's date, YYYY-MM-DD (shown on the About page)")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        try:
            published = date.fromisoformat(options["published_on"]) if options["published_on"] else None
        except ValueError:
            raise CommandError("--published-on must be a date like 2026-09-30") from None
        try:
            with path.open(encoding="utf-8-sig") as handle:
                rows = json.load(handle) if path.suffix.lower() == ".json" else list(csv.DictReader(handle))
        except (OSError, ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"Can't read {path}: {error}") from None
        try:
            catalogue = standards_load(rows, source=path.name, published_on=published)
        except CatalogueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Loaded {catalogue.standards} standards from {path.name}: {catalogue.retired} retired, "
            f"{catalogue.foundation} foundation, {catalogue.level_7} at level 7."
        )
