"""Pages for everyone: home (one per role), the footer's pages, about the data, the standards search."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apprenticeships import selectors
from apprenticeships.filters import StandardFilter
from apprenticeships.models import Role, Standard, StandardsCatalogue, TransitFeed
from apprenticeships.permissions import is_organisation_admin, user_organisation, user_role
from apprenticeships.todo import todo_sections
from lcr_skills.counting import FirstPagePaginator
from lcr_skills.text import one_line, text_problem


def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page: its to-do list first, then the rest of what the role does."""
    role = user_role(request.user)
    if role == Role.HUB:
        context = {
            "overview": selectors.hub_overview(),
            "authorities": selectors.city_region_authorities(),
            "todo": todo_sections(request.user, role),
        }
        return render(request, "apprenticeships/home_hub.html", context)
    if role in (Role.EMPLOYER, Role.PROVIDER):
        context = {
            "organisation": user_organisation(request.user),
            "todo": todo_sections(request.user, role),
            "is_admin": is_organisation_admin(request.user),
        }
        return render(request, f"apprenticeships/home_{role}.html", context)
    return render(request, "apprenticeships/home.html", {"signed_in_without_role": request.user.is_authenticated})


def info_page(request: HttpRequest, page: str) -> HttpResponse:
    """The footer's pages: accessibility statement, privacy notice, cookies and contact."""
    context = {
        "retention_months": settings.APPLICATION_RETENTION_MONTHS,
        # The cookies page lists the cookies the service really sets, with their names and lifetimes.
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session_idle_minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES,
        "session_max_hours": settings.SESSION_MAX_HOURS,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_cookie_days": settings.CSRF_COOKIE_AGE // 86400 if settings.CSRF_COOKIE_AGE else None,
        "messages_cookie": getattr(settings, "MESSAGE_COOKIE_NAME", "messages"),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, f"pages/{page}.html", context)


def about_data(request: HttpRequest) -> HttpResponse:
    # The latest catalogue loaded with load_standards, if any; else the shipped 2020 snapshot is in use.
    return render(
        request,
        "apprenticeships/about_data.html",
        {
            "catalogue": StandardsCatalogue.objects.first(),
            "feed": TransitFeed.objects.defer("archive").first(),
            "arrive_by": settings.TRAVEL_ARRIVE_BY,
        },
    )


def standard_list(request: HttpRequest) -> HttpResponse:
    filterset = StandardFilter(request.GET, queryset=Standard.objects.all())
    standards = filterset.qs
    query = request.GET.get("q", "").strip()[:100]
    query_error = text_problem(query)  # search words are one line of text: said, and not searched for
    if query and not query_error:
        standards = standards.filter(title__icontains=query) | standards.filter(keywords__icontains=query)
    page = FirstPagePaginator(standards.order_by("title"), 25).get_page(request.GET.get("page"))
    routes = Standard.objects.order_by("route").values_list("route", flat=True).distinct()
    return render(
        request,
        "apprenticeships/standard_list.html",
        {
            "page": page,
            # Page numbers with "…" gaps for the GOV.UK pagination component.
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "query": one_line(query) if query_error else query,
            "query_error": query_error,
            "routes": routes,
            "filters": filterset,
        },
    )
