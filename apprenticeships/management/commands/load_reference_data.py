import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from apprenticeships.reference_data import reference_data_load, reference_data_row_count


class Command(BaseCommand):
    help = "Load or refresh the shipped reference data (standards, postcode districts, authorities, IMD 2019)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Don't draw the progress bar.")

    def handle(self, *args, no_progress: bool = False, **options) -> None:
        started = time.monotonic()
        with tqdm(
            total=reference_data_row_count(), unit="rows", desc="Reference data", disable=no_progress, file=self.stderr
        ) as bar:
            results = reference_data_load(progress=bar.update)
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded in {time.monotonic() - started:.1f} s"))
