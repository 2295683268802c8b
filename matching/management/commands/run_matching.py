from django.core.management.base import BaseCommand
from tqdm import tqdm

from matching.services import run_full_now


class Command(BaseCommand):
    help = "Run a full match in this process, chunk by chunk, with a progress bar."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Don't draw the progress bar.")

    def handle(self, *args, no_progress: bool = False, **options) -> None:
        with tqdm(unit="chunk", desc="Matching", disable=no_progress, file=self.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            run = run_full_now(progress=progress)
        self.stdout.write(f"Run {run.pk}: {run.status}")
        for name, value in run.counts.items():
            self.stdout.write(f"  {name}: {value:,}")
        self.stdout.write("  timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in run.timings.items()))
