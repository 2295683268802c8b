"""Hub staff's pages: the QA queue of submitted vacancies, and approving or referring one back."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apprenticeships import selectors
from apprenticeships.forms.vacancies import ReferForm
from apprenticeships.history import history_steps
from apprenticeships.models import Role, Vacancy
from apprenticeships.permissions import role_required, visible_vacancies
from apprenticeships.services import levy
from apprenticeships.services.vacancies import TRANSITIONS, VacancyConflict, vacancy_transition


def _vacancy(request: HttpRequest, pk: int) -> Vacancy:
    vacancies = visible_vacancies(request.user).select_related("employer", "standard", "local_authority")
    return get_object_or_404(vacancies, pk=pk)


@role_required(Role.HUB)
def qa_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "apprenticeships/hub/qa_queue.html", {"queue": selectors.qa_queue()})


@role_required(Role.HUB)
def qa_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, _vacancy(request, pk), ReferForm())


def _review_page(request: HttpRequest, vacancy: Vacancy, form: ReferForm) -> HttpResponse:
    context = {
        "vacancy": vacancy,
        "funding": levy.vacancy_funding(vacancy, position=levy.levy_position(vacancy.employer)),
        "history": list(history_steps().filter(vacancy=vacancy)),
        "deadline": selectors.review_deadline(vacancy.submitted_at) if vacancy.submitted_at else None,
        "waiting": vacancy.status in TRANSITIONS["approve"][0],
        "employer_has_users": selectors.organisation_has_users(vacancy.employer),
        "form": form,
    }
    return render(request, "apprenticeships/hub/qa_review.html", context)


@role_required(Role.HUB)
@require_POST
def qa_approve(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy(request, pk)
    try:
        vacancy_transition(vacancy, action="approve", by=request.user)
    except VacancyConflict as conflict:
        messages.error(request, str(conflict))
        return redirect("hub-qa-review", pk=vacancy.pk)
    messages.success(request, f"“{vacancy.title}” from {vacancy.employer.name} is approved and now live.")
    return redirect("hub-qa-queue")


@role_required(Role.HUB)
@require_POST
def qa_refer(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy(request, pk)
    form = ReferForm(request.POST)
    if vacancy.status not in TRANSITIONS["refer"][0]:
        # Nothing to comment on: say so, whatever was typed (the form is no longer on the page).
        messages.error(
            request, f"“{vacancy.title}” is {vacancy.get_status_display().lower()}: it can't be referred back."
        )
        return redirect("hub-qa-review", pk=vacancy.pk)
    if form.is_valid():
        try:
            vacancy_transition(vacancy, action="refer", by=request.user, comment=form.cleaned_data["comment"])
        except VacancyConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("hub-qa-review", pk=vacancy.pk)
        except ValidationError as invalid:
            form.add_rule_errors(invalid)
        else:
            messages.success(request, f"“{vacancy.title}” has been referred back to {vacancy.employer.name}.")
            return redirect("hub-qa-queue")
    return _review_page(request, vacancy, form)
