"""Find training (employers): search open course offers, keep a shortlist; and each standard's own page (anyone).

An employer never sees an offer's price: the templates here show the fields they name, and the
tests look for the price in every page.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apprenticeships import training
from apprenticeships.forms.training import TrainingSearchForm
from apprenticeships.models import Role
from apprenticeships.permissions import role_required, visible_offers
from apprenticeships.services.shortlist import shortlist_add, shortlist_remove
from lcr_skills.counting import FirstPagePaginator

PAGE_SIZE = 20


@role_required(Role.EMPLOYER)
def find_training(request: HttpRequest) -> HttpResponse:
    form = TrainingSearchForm(request.GET or None)
    offers = None
    if not form.is_bound:
        offers = training.training_offers()
    elif form.is_valid():
        offers = training.training_offers(**form.search_kwargs())
    page = FirstPagePaginator(offers, PAGE_SIZE).get_page(request.GET.get("page")) if offers is not None else None
    if page is not None:
        training.training_rows(page.object_list, user=request.user)
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1) if page else [],
        "searched": form.is_bound and any(form.data.get(name) for name in ("standard", "q", "postcode")),
        "near": form.cleaned_data.get("postcode") if form.is_bound and form.is_valid() else None,
        "within_miles": form.search_kwargs()["within_miles"] if form.is_bound and form.is_valid() else None,
    }
    return render(request, "apprenticeships/employer/find_training.html", context)


@role_required(Role.EMPLOYER)
def shortlist(request: HttpRequest) -> HttpResponse:
    offers = training.training_rows(list(training.shortlist_offers(user=request.user)), user=request.user)
    context = {"offers": offers, "closed": training.shortlist_closed_count(user=request.user)}
    return render(request, "apprenticeships/employer/shortlist.html", context)


def _back(request: HttpRequest, fallback: str) -> str:
    """Back to the page the button was on (a search with its words), if it is this site's."""
    wanted = request.POST.get("next", "")
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return fallback


@require_POST
@role_required(Role.EMPLOYER)
def shortlist_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(visible_offers(request.user).select_related("provider"), pk=pk)
    if shortlist_add(user=request.user, offer=offer):
        messages.success(request, f"“{offer.title}” from {offer.provider.name} is on your shortlist.")
    else:
        messages.info(request, f"“{offer.title}” was already on your shortlist.")
    return redirect(_back(request, "employer-shortlist"))


@require_POST
@role_required(Role.EMPLOYER)
def shortlist_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    if shortlist_remove(user=request.user, offer_id=pk):
        messages.success(request, "The course has been taken off your shortlist.")
    else:
        messages.info(request, "That course was not on your shortlist.")
    return redirect(_back(request, "employer-shortlist"))


def standard_detail(request: HttpRequest, reference: str) -> HttpResponse:
    standard = training.standard_by_reference(reference)
    if standard is None:
        raise Http404("No such standard")
    context = {"standard": standard, "providers": list(training.standard_providers(standard=standard))}
    return render(request, "apprenticeships/standard_detail.html", context)
