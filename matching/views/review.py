"""Hub review of suggestions: the queue in review order with filters, one suggestion in full, decisions.

Every decision names the version of the suggestion the reviewer saw; the services refuse a stale
or already decided one (DecisionConflict), and the page then says so and changes nothing.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from apprenticeships.models import Role
from apprenticeships.permissions import role_required
from apprenticeships.selectors import organisation_has_users
from lcr_skills.counting import EstimatingPaginator
from matching import selectors, services
from matching.forms import ApproveForm, BulkDecisionForm, RejectForm, ReviewFilterForm
from matching.ml.explain import summary
from matching.models import RejectReason, Suggestion

QUEUE_PAGE_SIZE = 25
REQUESTS_SHOWN = 50  # the oldest waiting; more than a day's worth
INTRODUCED = (
    Suggestion.Status.APPROVED,
    Suggestion.Status.ACCEPTED,
    Suggestion.Status.AGREED,
    Suggestion.Status.ENDED,
)


def _back_to(request: HttpRequest) -> str:
    """Where to go after a decision: the queue page (with its filters) the reviewer came from."""
    queue = reverse("matching-suggestions")
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
    return wanted if safe and wanted.startswith(queue) else queue


def _described(suggestion: Suggestion) -> str:
    return (
        f"“{suggestion.vacancy.title}” ({suggestion.vacancy.employer.name}) with "
        f"{suggestion.course_offer.provider.name}"
    )


def _why_not(conflict: services.DecisionConflict) -> str:
    """The service's reason, worded to follow "Suggestion 12: …"."""
    text = str(conflict).removeprefix("This suggestion ")
    return text[:1].lower() + text[1:]


@require_http_methods(["GET", "POST"])
@role_required(Role.HUB)
def review_queue(request: HttpRequest) -> HttpResponse:
    bulk = BulkDecisionForm(request.POST if request.method == "POST" else None, auto_id="bulk-%s")
    if bulk.is_bound and bulk.is_valid():
        _decide_each(request, bulk.cleaned_data)
        return redirect(request.get_full_path())
    filters = ReviewFilterForm(request.GET, auto_id="filter-%s")
    page = EstimatingPaginator(selectors.review_queue(**filters.filters()), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for suggestion in page:
        suggestion.summary = summary(suggestion.explanation)
        suggestion.choice = f"{suggestion.pk}:{suggestion.version}"  # ticked for a bulk decision
    context = {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "filters": filters,
        "bulk": bulk,
        "selected": set(bulk.data.getlist("selected")) if bulk.is_bound else set(),
        "errors": filters.error_summary() + (bulk.error_summary() if bulk.is_bound else []),
        "review_order": selectors.REVIEW_ORDER,
        "reasons": RejectReason.choices,
        # Employers' own requests for introductions, beside the matcher's suggestions.
        "requests": list(selectors.introduction_requests_open()[:REQUESTS_SHOWN]),
        "requests_total": selectors.introduction_requests_open().count(),
    }
    return render(request, "matching/review_queue.html", context)


def _decide_each(request: HttpRequest, decision: dict) -> None:
    """Approve or reject each ticked suggestion on its own; one that can't be decided leaves the rest."""
    done, refused = [], []
    for pk, version in decision["selected"]:
        try:
            if decision["action"] == "approve":
                suggestion = services.suggestion_approve(pk, by=request.user, version=version)
            else:
                suggestion = services.suggestion_reject(
                    pk, by=request.user, version=version, reason=decision["reason"], note=decision["note"]
                )
        except services.DecisionConflict as conflict:
            refused.append(f"Suggestion {pk}: {_why_not(conflict)}")
        except Suggestion.DoesNotExist:
            refused.append(f"Suggestion {pk}: no longer exists (a matching run has replaced it).")
        else:
            outcome = f" {services.introduction_outcome(suggestion)}" if decision["action"] == "approve" else ""
            done.append(f"Suggestion {pk}: {_described(suggestion)}.{outcome}")
    verb = "approved" if decision["action"] == "approve" else "rejected"
    # The first message of each kind is the banner's heading, the rest its list (matching/includes/messages.html).
    if done:
        messages.success(request, f"{len(done)} suggestion{'s' if len(done) != 1 else ''} {verb}")
        for line in done:
            messages.success(request, line)
    if refused:
        messages.error(request, f"{len(refused)} suggestion{'s were' if len(refused) != 1 else ' was'} not changed")
        for line in refused:
            messages.error(request, line)


def _suggestion(pk: int) -> Suggestion:
    try:
        return selectors.suggestion_with_history(pk)
    except Suggestion.DoesNotExist:
        raise Http404("No such suggestion") from None


@role_required(Role.HUB)
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(pk)
    return _detail_page(request, suggestion, RejectForm(initial={"version": suggestion.version}))


def _detail_page(request: HttpRequest, suggestion: Suggestion, reject_form: RejectForm) -> HttpResponse:
    context = {
        "suggestion": suggestion,
        "summary": summary(suggestion.explanation),
        "contacts": services.party_contacts(suggestion) if suggestion.status in INTRODUCED else None,
        "history": list(suggestion.events.all()),
        "employer_has_users": organisation_has_users(suggestion.vacancy.employer),
        "provider_has_users": organisation_has_users(suggestion.course_offer.provider),
        "open": suggestion.status == Suggestion.Status.SUGGESTED,
        "form": reject_form,
        "back": _back_to(request),
    }
    return render(request, "matching/suggestion_detail.html", context)


@require_POST
@role_required(Role.HUB)
def suggestion_approve(request: HttpRequest, pk: int) -> HttpResponse:
    suggestions = Suggestion.objects.select_related("vacancy__employer", "course_offer__provider")
    suggestion = get_object_or_404(suggestions, pk=pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Suggestion {pk} was not changed: the page did not say which version you saw.")
        return redirect(_back_to(request))
    try:
        approved = services.suggestion_approve(pk, by=request.user, version=form.cleaned_data["version"])
    except services.DecisionConflict as conflict:
        messages.error(request, f"Suggestion {pk} was not changed. {conflict}")
    else:
        messages.success(
            request,
            f"Suggestion {pk} approved: {_described(suggestion)}. Both organisations can now see the match "
            f"and each other's contact details. {services.introduction_outcome(approved)}",
        )
    return redirect(_back_to(request))


@require_POST
@role_required(Role.HUB)
def suggestion_reject(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(pk)
    form = RejectForm(request.POST)
    if "version" in form.errors:
        messages.error(request, f"Suggestion {pk} was not changed: the page did not say which version you saw.")
        return redirect(_back_to(request))
    if not form.is_valid():
        return _detail_page(request, suggestion, form)
    try:
        services.suggestion_reject(pk, by=request.user, **form.cleaned_data)
    except services.DecisionConflict as conflict:
        messages.error(request, f"Suggestion {pk} was not changed. {conflict}")
    else:
        reason = RejectReason(form.cleaned_data["reason"]).label.lower()
        messages.success(request, f"Suggestion {pk} rejected ({reason}): {_described(suggestion)}.")
    return redirect(_back_to(request))
