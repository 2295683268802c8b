"""Employers ask the hub to introduce them to a course's provider; hub staff accept or decline."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apprenticeships.models import CourseOffer, Role
from apprenticeships.permissions import role_required, user_organisation, visible_offers
from apprenticeships.views.once import FormOnce, SentTwice
from matching import selectors
from matching.forms import IntroductionRequestForm, RequestDeclineForm
from matching.models import IntroductionRequest
from matching.services import requests as service


def _open_offer(request: HttpRequest, pk: int) -> CourseOffer:
    offers = visible_offers(request.user).filter(status=CourseOffer.Status.OPEN)
    return get_object_or_404(offers.select_related("provider", "standard"), pk=pk)


@role_required(Role.EMPLOYER)
def request_new(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _open_offer(request, pk)
    employer = user_organisation(request.user)
    once = FormOnce(request, "introduction-request")  # the same form sent twice asks once
    if (earlier := once.earlier()) is not None:
        return earlier
    vacancies = service.request_vacancies(employer)
    form = IntroductionRequestForm(request.POST if request.method == "POST" else None, vacancies=vacancies)
    if form.is_bound and form.is_valid():
        try:
            with once.claim() as claim:
                made, created = service.introduction_request_create(
                    employer=employer,
                    offer_id=offer.pk,
                    vacancy_id=form.cleaned_data["vacancy"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
                claim.done(reverse("employer-introduction-requests") + f"#request-{made.pk}")
        except SentTwice:
            return once.earlier(fallback=reverse("employer-introduction-requests"))
        except ValidationError as invalid:
            form.add_rule_errors(invalid)
        else:
            if created:
                messages.success(
                    request,
                    f"You have asked the hub to introduce you to {offer.provider.name}. The hub will e-mail you "
                    "when it has answered; you can see your request below.",
                )
            else:
                messages.info(request, "You had already asked the hub about this course: it is waiting for the hub.")
            return redirect(reverse("employer-introduction-requests") + f"#request-{made.pk}")
    context = {
        "offer": offer,
        "form": form,
        "once": once.token(),
        "errors": form.error_summary() if form.is_bound else [],
    }
    return render(request, "matching/request_new.html", context)


@role_required(Role.EMPLOYER)
def request_list(request: HttpRequest) -> HttpResponse:
    made = list(selectors.introduction_requests_of(user_organisation(request.user)))
    for item in made:
        item.contacts = service.request_contacts(item)["provider"] if item.status == item.Status.ACCEPTED else []
    return render(request, "matching/request_list.html", {"requests": made})


def _hub_page(request: HttpRequest, item: IntroductionRequest, form: RequestDeclineForm) -> HttpResponse:
    context = {
        "item": item,
        "form": form,
        "contacts": service.request_contacts(item),
        "errors": form.error_summary() if form.is_bound else [],
    }
    return render(request, "matching/request_detail.html", context)


def _request(pk: int) -> IntroductionRequest:
    related = ("employer", "course_offer__provider", "course_offer__standard", "vacancy", "decided_by")
    return get_object_or_404(IntroductionRequest.objects.select_related(*related), pk=pk)


@role_required(Role.HUB)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _hub_page(request, _request(pk), RequestDeclineForm())


def _who_was_emailed(item: IntroductionRequest) -> str:
    contacts = service.request_contacts(item)
    said = []
    for party, name in (("employer", item.employer.name), ("provider", item.course_offer.provider.name)):
        people = [p["email"] for p in contacts[party] if p["email"]]
        said.append(
            f"{name} ({', '.join(people)})" if people else f"nobody at {name} (no one there has an account: phone them)"
        )
    return " and ".join(said)


@require_POST
@role_required(Role.HUB)
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    item = _request(pk)
    try:
        item = service.introduction_request_accept(pk, by=request.user)
    except service.RequestConflict as conflict:
        messages.error(request, f"Request {pk} was not changed. {conflict}")
        return redirect("matching-introduction-request", pk=pk)
    messages.success(
        request,
        f"Request {pk} accepted: {item.employer.name} and {item.course_offer.provider.name} are introduced. "
        f"E-mailed: {_who_was_emailed(item)}.",
    )
    return redirect(reverse("matching-suggestions") + "#requests")


@require_POST
@role_required(Role.HUB)
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    item = _request(pk)
    form = RequestDeclineForm(request.POST)
    if not form.is_valid():
        return _hub_page(request, item, form)
    try:
        item = service.introduction_request_decline(pk, by=request.user, reason=form.cleaned_data["reason"])
    except service.RequestConflict as conflict:
        messages.error(request, f"Request {pk} was not changed. {conflict}")
        return redirect("matching-introduction-request", pk=pk)
    except ValidationError as invalid:
        form.add_rule_errors(invalid)
        return _hub_page(request, item, form)
    messages.success(request, f"Request {pk} declined: {item.employer.name} has been e-mailed the reason.")
    return redirect(reverse("matching-suggestions") + "#requests")
