"""Deployment checks of our own, beside Django's (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from lcr_skills.env import LOCAL_MEMORY_CACHE


@register(Tags.security, deploy=True)
def throttles_shared_by_every_process(app_configs: object, **kwargs: object) -> list[Warning]:
    """Throttles count in the cache: in each process's own memory, every gunicorn process allows the whole rate."""
    if settings.CACHES["default"]["BACKEND"] != LOCAL_MEMORY_CACHE:
        return []
    return [
        Warning(
            "The cache is each process's own memory, so each web process counts the API's throttles (token "
            "requests, applications, alerts) on its own and a client gets the rate once per process.",
            hint="Set CACHE_URL to a Redis database every process shares, e.g. redis://127.0.0.1:6379/1.",
            id="apprenticeships.W001",
        )
    ]
