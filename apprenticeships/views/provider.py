"""Training providers' pages: their course offers, one at a time or from a CSV file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from apprenticeships import selectors
from apprenticeships.forms.offers import CourseOfferForm, CsvUploadForm
from apprenticeships.models import CourseOffer, Role
from apprenticeships.permissions import role_required, user_organisation, visible_offers
from apprenticeships.services.offer_import import COLUMNS, MAX_ROWS, ImportRejected, offers_import, template_csv
from apprenticeships.services.offers import OfferInUse, offer_create, offer_delete, offer_update
from apprenticeships.views.once import FormOnce, SentTwice


def _own_offers(request: HttpRequest) -> QuerySet[CourseOffer]:
    # A provider may see other providers' open offers, but change only its own: the rest are "not found".
    return visible_offers(request.user).filter(provider=user_organisation(request.user))


@role_required(Role.PROVIDER)
def offer_list(request: HttpRequest) -> HttpResponse:
    offers = selectors.provider_offers(user_organisation(request.user))
    return render(request, "apprenticeships/provider/offer_list.html", {"offers": offers})


@role_required(Role.PROVIDER)
def offer_new(request: HttpRequest) -> HttpResponse:
    once = FormOnce(request, "offer-new")  # the same form sent twice adds one offer
    if (earlier := once.earlier()) is not None:
        return earlier
    form = CourseOfferForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            with once.claim() as claim:
                offer = offer_create(provider=user_organisation(request.user), **form.values())
                claim.done(reverse("provider-offers"))
        except SentTwice:
            return once.earlier(fallback=reverse("provider-offers"))
        except ValidationError as invalid:
            form.add_rule_errors(invalid)
        else:
            messages.success(request, f"“{offer.title}” has been added to your course offers.")
            return redirect("provider-offers")
    return render(request, "apprenticeships/provider/offer_form.html", {"form": form, "once": once.token()})


@role_required(Role.PROVIDER)
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(_own_offers(request).select_related("standard"), pk=pk)
    form = CourseOfferForm(request.POST if request.method == "POST" else None, instance=offer)
    if form.is_bound and form.is_valid():
        try:
            offer = offer_update(offer, **form.values())
        except ValidationError as invalid:
            form.add_rule_errors(invalid)
        else:
            messages.success(request, f"Your changes to “{offer.title}” have been saved.")
            return redirect("provider-offers")
    return render(request, "apprenticeships/provider/offer_form.html", {"form": form, "offer": offer})


@role_required(Role.PROVIDER)
def offer_remove(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(_own_offers(request).select_related("standard"), pk=pk)
    if request.method == "POST":
        try:
            offer_delete(offer)
        except OfferInUse as in_use:
            messages.error(request, str(in_use))
            return redirect("provider-offers")
        messages.success(request, f"“{offer.title}” has been deleted.")
        return redirect("provider-offers")
    return render(request, "apprenticeships/provider/offer_delete.html", {"offer": offer})


@role_required(Role.PROVIDER)
def offer_upload(request: HttpRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST, request.FILES) if request.method == "POST" else CsvUploadForm()
    problems = []
    if form.is_bound and form.is_valid():
        try:
            offers = offers_import(provider=user_organisation(request.user), data=form.file_bytes())
        except ImportRejected as rejected:
            problems = rejected.errors
        else:
            messages.success(request, f"{len(offers)} offer{'s' if len(offers) != 1 else ''} added")
            return redirect("provider-offers")
    context = {"form": form, "problems": problems, "columns": COLUMNS, "max_rows": MAX_ROWS}
    return render(request, "apprenticeships/provider/offer_upload.html", context)


@role_required(Role.PROVIDER)
def offer_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="course-offers-template.csv"'
    response["Cache-Control"] = "no-store"  # every download, personal or not, is kept out of caches
    return response
