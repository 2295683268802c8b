from celery import shared_task
from django.db.models import Count

from apprenticeships.models import Standard
from apprenticeships.services import accounts, alerts, applications, notifications
from apprenticeships.services.pledges import pledges_tick as pledges_clock
from apprenticeships.transport.travel import travel_time_chunks, travel_times_compute


@shared_task(name="apprenticeships.standards_by_status")
def standards_by_status() -> dict[str, int]:
    """Count standards by status as the worker sees the database (operators check a worker's database with it)."""
    return dict(Standard.objects.values_list("status").annotate(n=Count("id")).order_by())


@shared_task(name="apprenticeships.alerts_send_daily")
def alerts_send_daily() -> dict[str, int]:
    """Each day: e-mail confirmed alerts their new vacancies; delete alerts never confirmed."""
    return alerts.alerts_send_daily()


@shared_task(name="apprenticeships.applications_delete_expired")
def applications_delete_expired() -> int:
    """Each day: delete applications past their retention period."""
    return applications.applications_delete_expired()


@shared_task(name="apprenticeships.api_tokens_delete_expired")
def api_tokens_delete_expired() -> int:
    """Each day: delete API tokens past their expiry (a call no longer deletes the user's others)."""
    return accounts.api_tokens_delete_expired()


@shared_task(name="apprenticeships.pledges_tick")
def pledges_tick() -> dict[str, int]:
    """The levy-transfer clock: auto-approval, the 42-day decline, the 3-month expiry, closing pledges."""
    return pledges_clock()


@shared_task(
    name="apprenticeships.vacancy_decision_send",
    autoretry_for=(OSError,),  # the mail server is down or refused us: try again later
    retry_backoff=60,
    max_retries=8,
)
def vacancy_decision_send(transition_id: int) -> int:
    """E-mail an employer's people about the hub's decision on their vacancy."""
    return notifications.vacancy_decision_send(transition_id)


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
