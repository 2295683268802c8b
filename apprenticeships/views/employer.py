"""Employers' pages: their vacancies by status, create and edit, and moving one along its lifecycle."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apprenticeships import selectors
from apprenticeships.forms.vacancies import VacancyForm
from apprenticeships.history import history_steps
from apprenticeships.models import Role, Vacancy
from apprenticeships.permissions import ACCESS, role_required, user_organisation, visible_vacancies
from apprenticeships.services import levy
from apprenticeships.services.vacancies import (
    MATERIAL_FIELDS,
    TRANSITIONS,
    VacancyConflict,
    not_deletable_reason,
    vacancy_create,
    vacancy_deletable,
    vacancy_delete,
    vacancy_draft_same,
    vacancy_transition,
    vacancy_update,
)
from apprenticeships.views.once import FormOnce, SentTwice

SAVED_ALREADY = (
    "You had already saved this draft, “{title}”, with the same details, so nothing new was saved. This is that draft."
)

# Buttons for the lifecycle actions, in the order they appear.
BUTTONS = {
    "submit": ("Submit for review", "govuk-button"),
    "filled": ("Mark as filled", "govuk-button govuk-button--secondary"),
    "close": ("Close to applications", "govuk-button govuk-button--secondary"),
    "withdraw": ("Withdraw vacancy", "govuk-button govuk-button--warning"),
}
# Those of them the permissions table lets an employer take.
EMPLOYER_ACTIONS = [action for action in BUTTONS if Role.EMPLOYER in ACCESS["vacancies"][action]]
DONE = {
    "submit": "“{title}” has been submitted for review. The hub aims to review it within one working day.",
    "filled": "“{title}” has been marked as filled.",
    "close": "“{title}” is closed to new applications.",
    "withdraw": "“{title}” has been withdrawn.",
}


def _own_vacancy(request: HttpRequest, pk: int) -> Vacancy:
    vacancies = visible_vacancies(request.user).select_related("employer", "standard", "local_authority")
    return get_object_or_404(vacancies, pk=pk)


@role_required(Role.EMPLOYER)
def vacancy_list(request: HttpRequest) -> HttpResponse:
    groups = selectors.vacancies_by_status(visible_vacancies(request.user))
    total = sum(len(group.vacancies) for group in groups)
    return render(request, "apprenticeships/employer/vacancy_list.html", {"groups": groups, "total": total})


@role_required(Role.EMPLOYER)
def vacancy_new(request: HttpRequest) -> HttpResponse:
    once = FormOnce(request, "vacancy-new")  # the same form sent twice saves one draft
    if (earlier := once.earlier()) is not None:
        return earlier
    form = VacancyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        employer = user_organisation(request.user)
        try:
            with once.claim() as claim:
                saved = vacancy_draft_same(employer=employer, by=request.user, **form.values())
                vacancy = saved or vacancy_create(employer=employer, by=request.user, **form.values())
                claim.done(reverse("employer-vacancy", args=[vacancy.pk]))
        except SentTwice:
            return once.earlier(fallback=reverse("employer-vacancies"))
        except ValidationError as invalid:
            form.add_rule_errors(invalid)
        else:
            if saved:
                messages.info(request, SAVED_ALREADY.format(title=vacancy.title))
            else:
                messages.success(
                    request, f"“{vacancy.title}” has been saved as a draft. Check it, then submit it for review."
                )
            return redirect("employer-vacancy", pk=vacancy.pk)
    return render(request, "apprenticeships/employer/vacancy_form.html", {"form": form, "once": once.token()})


@role_required(Role.EMPLOYER)
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _own_vacancy(request, pk))


def _detail_page(request: HttpRequest, vacancy: Vacancy, problems: dict | None = None) -> HttpResponse:
    """The vacancy in full; `problems` are the rules a refused action broke, by field."""
    history = list(history_steps().filter(vacancy=vacancy))
    context = {
        "vacancy": vacancy,
        "funding": levy.vacancy_funding(vacancy, position=levy.levy_position(vacancy.employer)),
        "history": history,
        "actions": [
            (action, *BUTTONS[action]) for action in EMPLOYER_ACTIONS if vacancy.status in TRANSITIONS[action][0]
        ],
        "can_edit": vacancy.status in Vacancy.EDITABLE,
        "can_delete": vacancy_deletable(vacancy),
        "problems": problems or {},
        "problem_summary": [
            (f"vacancy-{field}", message) for field, found in (problems or {}).items() for message in found
        ],
    }
    return render(request, "apprenticeships/employer/vacancy_detail.html", context)


@role_required(Role.EMPLOYER)
def vacancy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _own_vacancy(request, pk)
    if vacancy.status not in Vacancy.EDITABLE:
        messages.error(request, f"A vacancy that is {vacancy.get_status_display().lower()} can't be changed.")
        return redirect("employer-vacancy", pk=vacancy.pk)
    form = VacancyForm(request.POST if request.method == "POST" else None, instance=vacancy)
    if form.is_bound and form.is_valid():
        was_live = vacancy.status == Vacancy.Status.LIVE
        try:
            changed = vacancy_update(vacancy, by=request.user, **form.values())
        except VacancyConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("employer-vacancy", pk=vacancy.pk)
        except ValidationError as invalid:
            form.add_rule_errors(invalid)
        else:
            if was_live and changed.status == Vacancy.Status.SUBMITTED:
                messages.success(request, f"“{changed.title}” has been changed and sent back to the hub for review.")
            else:
                messages.success(request, f"Your changes to “{changed.title}” have been saved.")
            return redirect("employer-vacancy", pk=vacancy.pk)
    material = [form.fields[name].label.lower() for name in form.fields if name in MATERIAL_FIELDS]
    context = {"form": form, "vacancy": vacancy, "material": material}
    return render(request, "apprenticeships/employer/vacancy_form.html", context)


@role_required(Role.EMPLOYER)
def vacancy_withdraw_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks to confirm withdrawing (it can't be undone); the form posts to the withdraw action."""
    vacancy = _own_vacancy(request, pk)
    if vacancy.status not in TRANSITIONS["withdraw"][0]:
        said = (
            "This vacancy has already been withdrawn."
            if vacancy.status == Vacancy.Status.WITHDRAWN
            else f"A vacancy that is {vacancy.get_status_display().lower()} can't be withdrawn."
        )
        messages.error(request, said)
        return redirect("employer-vacancy", pk=vacancy.pk)
    context = {"vacancy": vacancy, "can_delete": vacancy_deletable(vacancy)}
    return render(request, "apprenticeships/employer/vacancy_withdraw.html", context)


@role_required(Role.EMPLOYER)
@require_POST
def vacancy_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in EMPLOYER_ACTIONS:
        raise Http404
    vacancy = _own_vacancy(request, pk)
    try:
        vacancy = vacancy_transition(vacancy, action=action, by=request.user)
    except VacancyConflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as invalid:
        return _detail_page(request, vacancy, problems=invalid.message_dict)
    else:
        messages.success(request, DONE[action].format(title=vacancy.title))
    return redirect("employer-vacancy", pk=vacancy.pk)


@role_required(Role.EMPLOYER)
def vacancy_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm (deleting can't be undone); POST deletes the draft."""
    vacancy = _own_vacancy(request, pk)
    if request.method != "POST":
        if not vacancy_deletable(vacancy):
            messages.error(request, not_deletable_reason(vacancy.status))
            return redirect("employer-vacancy", pk=vacancy.pk)
        return render(request, "apprenticeships/employer/vacancy_delete.html", {"vacancy": vacancy})
    try:
        vacancy_delete(vacancy)
    except VacancyConflict as conflict:
        messages.error(request, str(conflict))
        return redirect("employer-vacancy", pk=vacancy.pk)
    what = "draft" if vacancy.status == Vacancy.Status.DRAFT else "withdrawn vacancy"
    messages.success(request, f"The {what} “{vacancy.title}” has been deleted.")
    return redirect("employer-vacancies")
