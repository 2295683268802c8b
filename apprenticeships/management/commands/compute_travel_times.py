from django.core.management.base import BaseCommand

from apprenticeships.tasks import travel_times_refresh


class Command(BaseCommand):
    help = (
        "Queue the travel times from every neighbourhood to every live vacancy's workplace and open venue, "
        "and from workplaces to venues, for the feed in use (already cached pairs are skipped)."
    )

    def handle(self, *args, **options) -> None:
        chunks = travel_times_refresh()
        self.stdout.write(f"{chunks} chunks of journeys queued for the workers")
