from django.core.management.base import BaseCommand, CommandError

from apprenticeships.transport.postcodes import PostcodeFileError, postcodes_load


class Command(BaseCommand):
    help = (
        "Load full postcodes from the ONS Postcode Directory CSV (columns pcds, lat, long, oslaua, lsoa21, doterm), "
        "so places resolve to the postcode rather than its district's centre. Replaces the previous load."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("csv_path", help="The ONSPD CSV file (Data/ONSPD_*_UK.csv in the download).")
        parser.add_argument("--everywhere", action="store_true", help="Keep postcodes outside the city region too.")

    def handle(self, *args, csv_path: str, everywhere: bool = False, **options) -> None:
        try:
            with open(csv_path, newline="", encoding="utf-8-sig") as handle:
                result = postcodes_load(handle=handle, everywhere=everywhere)
        except (OSError, PostcodeFileError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.loaded} postcodes loaded; skipped {result.skipped_terminated} terminated, "
            f"{result.skipped_unlocated} without a grid reference, {result.skipped_outside} outside the city region"
        )
