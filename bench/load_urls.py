"""The site's URLs plus one bare Django view, for the load benchmark only (never in production).

The bare view runs the same query as the public vacancy list API (the same selector, count and
first page) and writes the same fields with JsonResponse: what the API costs over plain Django.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from apprenticeships import selectors
from apprenticeships.places import place_lookup
from lcr_skills.urls import urlpatterns as site_urlpatterns

PAGE_SIZE = 25


def bare_public_vacancies(request: HttpRequest) -> JsonResponse:
    postcode = request.GET.get("postcode", "").strip()
    vacancies = selectors.public_vacancies(
        text=request.GET.get("search", "").strip(),
        near=place_lookup(postcode) if postcode else None,
        sort=request.GET.get("ordering", "closing_date"),
    )
    results = [
        {
            "id": v.id,
            "title": v.title,
            "description": v.description,
            "standard": v.standard.lars_code,
            "level": v.standard.level,
            "positions": v.positions,
            "weekly_wage": float(v.weekly_wage),
            "hours_per_week": float(v.hours_per_week),
            "postcode": v.outcode,
            "local_authority": {"code": v.local_authority.code, "name": v.local_authority.name},
            "start_date": v.start_date.isoformat(),
            "closing_date": v.closing_date.isoformat(),
            "employer_name": v.employer.name,
        }
        for v in vacancies[:PAGE_SIZE]
    ]
    return JsonResponse({"count": vacancies.count(), "results": results})


urlpatterns = [path("bench/bare/public-vacancies/", bare_public_vacancies), *site_urlpatterns]
