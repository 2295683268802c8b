"""The site's URLs plus one bare Django view, for the load benchmark only (never in production).

The trivial view answers a constant JsonResponse: what gunicorn and Django cost on their own, the
floor beside the DRF list of one standard (the yardstick issue 19 measures the searches against).
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from lcr_skills.urls import urlpatterns as site_urlpatterns


def trivial(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/trivial/", trivial), *site_urlpatterns]
