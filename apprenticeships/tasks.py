from celery import shared_task
from django.db.models import Count

from apprenticeships.models import Standard
from apprenticeships.transport.travel import travel_time_chunks, travel_times_compute


@shared_task(name="apprenticeships.standards_by_status")
def standards_by_status() -> dict[str, int]:
    """Count standards by status as the worker sees the database (operators check a worker's database with it)."""
    return dict(Standard.objects.values_list("status").annotate(n=Count("id")).order_by())


@shared_task(name="apprenticeships.travel_times_chunk", acks_late=True)
def travel_times_chunk(origins: list[str], destinations: list[str]) -> int:
    """Plan and cache one chunk of journeys (idempotent: pairs already cached for the feed are skipped)."""
    return travel_times_compute(origins=origins, destinations=destinations)


@shared_task(name="apprenticeships.travel_times_refresh")
def travel_times_refresh() -> int:
    """Fan the region's travel times out over the workers, a chunk of origins per task; returns how many chunks."""
    chunks = travel_time_chunks()
    for origins, destinations in chunks:
        travel_times_chunk.delay(origins, destinations)
    return len(chunks)
