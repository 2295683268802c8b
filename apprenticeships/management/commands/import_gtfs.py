from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apprenticeships.transport.gtfs import FeedError, feed_import


class Command(BaseCommand):
    help = (
        "Import a GTFS timetable (zip), trimmed to the city region; it replaces the feed in use and its travel times."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("feed", help="The GTFS zip, e.g. the Bus Open Data Service's North West feed.")

    def handle(self, *args, feed: str, **options) -> None:
        try:
            imported = feed_import(source=Path(feed))
        except FeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{imported.name}: {imported.stops} stops and {imported.trips} trips in the city region, "
            f"valid {imported.starts_on:%-d %B %Y} to {imported.ends_on:%-d %B %Y}; "
            f"journeys planned for {imported.travel_date:%A %-d %B %Y}"
        )
