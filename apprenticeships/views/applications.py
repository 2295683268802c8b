"""Pages for applying to a vacancy and for e-mail alerts (anyone), and for answering applications (employers, hub)."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from apprenticeships.api.public_search import search_errors, search_parameter_names
from apprenticeships.api.throttles import form_throttled
from apprenticeships.forms.applications import AlertForm, ApplicationForm, ApplicationStatusForm
from apprenticeships.models import Role, Vacancy
from apprenticeships.permissions import role_required, visible_applications, visible_vacancies
from apprenticeships.services import alerts, applications
from lcr_skills.errors import Conflict

TOO_MANY = "You have sent this form too many times. Wait an hour, then try again."
# The search page's own names for the public search's parameters.
PAGE_TO_SEARCH = {"q": "search"}


def _public_vacancy(pk: int) -> Vacancy:
    """A vacancy the public has seen (live once): drafts and ones waiting for review are not found."""
    hidden = [Vacancy.Status.DRAFT, Vacancy.Status.SUBMITTED]
    return get_object_or_404(Vacancy.objects.exclude(status__in=hidden).select_related("employer"), pk=pk)


def vacancy_apply(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _public_vacancy(pk)
    if not applications.vacancy_takes_applications(vacancy):
        status = 409 if request.method == "POST" else 200
        return render(request, "apprenticeships/public/apply.html", {"vacancy": vacancy, "closed": True}, status=status)
    form = ApplicationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if form_throttled(request, scope="apply", email_scope="apply-email", email=form.cleaned_data["email"]):
            form.add_error(None, TOO_MANY)
            return render(
                request, "apprenticeships/public/apply.html", {"vacancy": vacancy, "apply_form": form}, status=429
            )
        try:
            applications.application_create(vacancy_id=vacancy.pk, **form.values())
        except Conflict:  # closed while the form was open
            return render(
                request, "apprenticeships/public/apply.html", {"vacancy": vacancy, "closed": True}, status=409
            )
        sent = signing.dumps(vacancy.pk, salt=APPLIED_SALT)
        return redirect(f"{reverse('vacancy-applied', args=[vacancy.pk])}?sent={sent}")
    return render(request, "apprenticeships/public/apply.html", {"vacancy": vacancy, "apply_form": form})


# The confirmation says "Application sent": only to whoever just sent one (a signed note in its link, no cookie).
APPLIED_SALT = "vacancy-applied"
APPLIED_FOR_SECONDS = 60 * 60


def vacancy_applied(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _public_vacancy(pk)
    try:
        sent = signing.loads(request.GET.get("sent", ""), salt=APPLIED_SALT, max_age=APPLIED_FOR_SECONDS)
    except signing.BadSignature:
        sent = None
    if sent != vacancy.pk:  # opened by hand, or long after: the vacancy itself, where applying starts
        return redirect("vacancy-public", pk=vacancy.pk)
    return render(request, "apprenticeships/public/applied.html", {"vacancy": vacancy})


def _search_from(data: QueryDict) -> dict[str, str | list[str]]:
    """The search the page's hidden fields carry (every value of a repeated one, such as the levels)."""
    names = set(alerts.SEARCH_PARAMETERS) | search_parameter_names() | set(PAGE_TO_SEARCH)
    # Only those given: the page's `q` and the API's `search` are one parameter, and an empty one must not win.
    given = {PAGE_TO_SEARCH.get(name, name): data.getlist(name) for name in names if any(data.getlist(name))}
    return alerts.search_normalise(given)


def alert_new(request: HttpRequest) -> HttpResponse:
    if request.method in ("GET", "HEAD"):  # the "check your e-mail" page opened again, or its address typed
        return redirect("vacancy-search")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = AlertForm(request.POST)
    search = _search_from(request.POST)
    if form.is_valid():
        for name, problems in search_errors(search).items():
            form.add_error(None, f"{alerts.SEARCH_LABELS.get(name, name).capitalize()}: {problems[0]}")
    context = {"form": form, "search": search, "described": alerts.search_describe(search)}
    if not form.is_valid():
        return render(request, "apprenticeships/public/alert_new.html", context, status=400)
    if form_throttled(request, scope="alert", email_scope="alert-email", email=form.cleaned_data["email"]):
        form.add_error(None, TOO_MANY)
        return render(request, "apprenticeships/public/alert_new.html", context, status=429)
    alerts.alert_subscribe(email=form.cleaned_data["email"], search=search)
    return render(request, "apprenticeships/public/alert_sent.html", {**context, "email": form.cleaned_data["email"]})


def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    alert = alerts.alert_confirm(token=token)
    context = {"alert": alert, "described": alerts.search_describe(alert.search) if alert else ""}
    return render(request, "apprenticeships/public/alert_confirmed.html", context)


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a form token; the signed link is the authority
def alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if not alerts.alert_unsubscribe_check(token):
        return render(request, "apprenticeships/public/alert_unsubscribe.html", {"bad_link": True})
    if request.method == "POST":
        alerts.alert_unsubscribe(token=token)
        return render(request, "apprenticeships/public/alert_unsubscribe.html", {"done": True})
    # GET only asks: link scanners that open every link must not unsubscribe anyone.
    return render(request, "apprenticeships/public/alert_unsubscribe.html", {"token": token})


@role_required(Role.EMPLOYER, Role.HUB)
def vacancy_applications(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = get_object_or_404(visible_vacancies(request.user).select_related("employer"), pk=pk)
    found = visible_applications(request.user).filter(vacancy=vacancy).order_by("-created_at", "-id")
    return render(
        request, "apprenticeships/employer/application_list.html", {"vacancy": vacancy, "applications": found}
    )


@role_required(Role.EMPLOYER, Role.HUB)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(visible_applications(request.user).select_related("vacancy__employer"), pk=pk)
    form = ApplicationStatusForm(
        request.POST if request.method == "POST" else None, initial={"status": application.status}
    )
    if form.is_bound and form.is_valid():
        before = application.status
        try:
            saved = applications.application_status_set(
                application=application, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as invalid:  # pragma: no cover - the form already holds the choices
            form.add_rule_errors(invalid)
        else:
            said = f"{saved.name}’s application"
            if saved.status == before:  # the applicant is e-mailed only when it changes
                messages.info(request, f"{said} is still “{saved.get_status_display()}”: nothing was e-mailed.")
            elif not applications.status_change_emailed(saved.status):
                messages.success(
                    request,
                    f"{said} is back to “{saved.get_status_display()}”. We have not e-mailed them: "
                    "they keep the last update they were sent.",
                )
            else:
                messages.success(request, f"{said} is now “{saved.get_status_display()}”. We have e-mailed them.")
            return redirect("employer-application", pk=application.pk)
    context = {"application": application, "vacancy": application.vacancy, "form": form}
    return render(request, "apprenticeships/employer/application_detail.html", context)
