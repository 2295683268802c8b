"""Hub pages for matching runs: the runs with live progress, and the vacancies no provider can serve."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apprenticeships.models import Role
from apprenticeships.permissions import role_required
from lcr_skills.counting import FirstPagePaginator
from matching import selectors, services


def _started_tag(pk: int) -> str:
    return f"run-started-{pk}"


@role_required(Role.HUB)
def run_list(request: HttpRequest) -> HttpResponse:
    active = selectors.run_active()
    if active:
        # Pointed to only while the run is queued or running: one that already finished has no progress bar.
        for message in messages.get_messages(request):
            if message.extra_tags == _started_tag(active.pk):
                message.message += " Its progress shows below."
    context = {"runs": selectors.runs_recent(), "active": active, "gaps": selectors.gaps_by_reason()}
    return render(request, "matching/run_list.html", context)


@require_POST
@role_required(Role.HUB)
def run_start(request: HttpRequest) -> HttpResponse:
    try:
        run = services.run_full_start(by=request.user)
    except services.RunInProgress as busy:
        messages.warning(request, f"Run {busy.run.pk} is already {busy.run.status}: wait for it to finish.")
    else:
        messages.success(request, f"Matching run {run.pk} has started.", extra_tags=_started_tag(run.pk))
    return redirect("matching-runs")


@role_required(Role.HUB)
def gap_list(request: HttpRequest) -> HttpResponse:
    page = FirstPagePaginator(selectors.gaps_list(), 50).get_page(request.GET.get("page"))
    context = {"page": page, "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)}
    return render(request, "matching/gap_list.html", context)
