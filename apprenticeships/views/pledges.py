"""Pledge pages: the public list of open pledges; the pledger's, applicant's and hub's pages (issue 17)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from apprenticeships.forms.pledges import PledgeApplyForm, PledgeForm
from apprenticeships.funding.transfers import transfer_rules_on
from apprenticeships.models import LocalAuthority, Pledge, PledgeApplication, Role
from apprenticeships.permissions import is_hub, role_required, user_organisation, visible_pledge_applications
from apprenticeships.selectors import pledge_fundable_vacancies, pledges_money
from apprenticeships.services import pledges
from lcr_skills import charts
from lcr_skills.charts import Series
from lcr_skills.counting import FirstPagePaginator

PAGE_SIZE = 20


def open_pledges() -> QuerySet[Pledge]:
    return Pledge.objects.filter(status=Pledge.Status.OPEN).select_related("employer").order_by("-created_at", "-id")


def la_names() -> dict[str, str]:
    return dict(LocalAuthority.objects.filter(in_city_region=True).values_list("code", "name"))


def pledge_rows(pledges: list[Pledge], names: dict[str, str], *, reveal: bool = False) -> list[dict]:
    """What a page shows of each pledge: the pledger's name only when it isn't anonymous (or `reveal`)."""
    return [
        {
            "pledge": p,
            "pledger": p.employer.name if reveal or not p.anonymous else None,
            "places": [names.get(code, code) for code in p.local_authorities],
        }
        for p in pledges
    ]


def pledge_list_public(request: HttpRequest) -> HttpResponse:
    """Open pledges, for anyone: levy payers offering to fund other employers' apprenticeships."""
    page = FirstPagePaginator(open_pledges(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = pledge_rows(list(page.object_list), la_names())
    return render(request, "apprenticeships/public/pledge_list.html", {"page": page, "rows": rows})


# --- signed-in pages --------------------------------------------------------------------------------


@role_required(Role.EMPLOYER)
def pledge_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """An employer asks an open pledge to fund one of its vacancies (the rules are the service's)."""
    pledge = get_object_or_404(open_pledges(), pk=pk)
    employer = user_organisation(request.user)
    vacancies = pledge_fundable_vacancies(employer, pledge)
    form = PledgeApplyForm(request.POST if request.method == "POST" else None, vacancies=vacancies)
    status = 400 if form.is_bound else 200  # unless it goes through
    if form.is_bound and form.is_valid():
        vacancy = form.cleaned_data["vacancy"]
        try:
            application = pledges.application_create(
                pledge=pledge,
                applicant=employer,
                vacancy=vacancy,
                by=request.user,
                apprentices=form.cleaned_data["apprentices"],
            )
        except ValidationError as invalid:
            form.add_rule_errors(invalid)
        except pledges.PledgeConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("pledge-list")
        else:
            amount = charts.money(application.amount)
            if application.status == PledgeApplication.Status.APPROVED:  # the pledger approves such ones at once
                days = transfer_rules_on(timezone.localdate()).approval_acceptance_days
                said = f"The pledge approved {amount} for “{vacancy.title}” at once: accept it within {days} days."
            else:
                said = f"You asked the pledge for {amount} for “{vacancy.title}”: its pledger approves or rejects it."
            messages.success(request, said)
            return redirect("employer-pledge-applications")
    context = {
        "form": form,
        "row": pledge_rows([pledge], la_names())[0],
        "own": pledge.employer_id == employer.pk,
    }
    return render(request, "apprenticeships/employer/pledge_apply.html", context, status=status)


BUTTONS = {  # action -> (label, classes)
    "approve": ("Approve", "govuk-button"),
    "reject": ("Reject", "govuk-button govuk-button--warning"),
    "accept": ("Accept funding", "govuk-button"),
    "decline": ("Decline funding", "govuk-button govuk-button--warning"),
    "withdraw": ("Withdraw application", "govuk-button govuk-button--secondary"),
}
SERVICES = {
    "approve": pledges.application_approve,
    "reject": pledges.application_reject,
    "accept": pledges.application_accept,
    "decline": pledges.application_decline,
    "withdraw": pledges.application_withdraw,
}
DONE = {
    "approve": "Approved: {amount} of the pledge is now held for “{title}”.",
    "reject": "The application for “{title}” has been rejected.",
    "accept": "You accepted {amount} of levy-transfer funding for “{title}”.",
    "decline": "You declined the funding for “{title}”; the money has gone back to the pledge.",
    "withdraw": "Your application for “{title}” has been withdrawn.",
}


def money_chart(rows: list[dict], *, chart_id: str, title: str) -> SafeString | None:
    """Each pledge's amount split into used, held for approved applications, and still available."""
    if not rows:
        return None
    return charts.hbar_chart(
        chart_id=chart_id,
        title=title,
        desc="For each pledge, in pounds: funds used, money held for approved and accepted applications, and what "
        "is still available. The table gives every figure.",
        labels=[row["label"] for row in rows],
        series=[
            Series("Used", [row["money"].used for row in rows]),
            Series("Held for applications", [row["money"].reserved for row in rows]),
            Series("Still available", [row["money"].available for row in rows]),
        ],
        stacked=True,
        fmt=charts.money,
    )


def _rows(found: QuerySet[Pledge]) -> list[dict]:
    found = list(found)
    money = pledges_money(found)
    names = la_names()
    rows = pledge_rows(found, names, reveal=True)
    for row in rows:
        pledge = row["pledge"]
        row["money"] = money[pledge.pk]
        row["label"] = f"{pledge.employer.name}: {charts.money(pledge.amount)} ({pledge.get_status_display().lower()})"
    return rows


@role_required(Role.EMPLOYER)
def pledge_new(request: HttpRequest) -> HttpResponse:
    """A levy payer pledges part of its transfer allowance (the rules are the service's)."""
    employer = user_organisation(request.user)
    form = PledgeForm(request.POST if request.method == "POST" else None)
    status = 400 if form.is_bound else 200
    if employer.is_levy_payer and form.is_bound and form.is_valid():
        try:
            pledge = pledges.pledge_create(employer=employer, by=request.user, **form.values())
        except ValidationError as invalid:
            form.add_rule_errors(invalid)
        else:
            said = f"You pledged {charts.money(pledge.amount)}. Employers can now apply to it on the list of pledges."
            messages.success(request, said)
            return redirect("employer-pledges")
    context = {
        "form": form,
        "levy_payer": employer.is_levy_payer,
        "allowance": pledges.pledge_allowance(employer) if employer.is_levy_payer else None,
    }
    return render(request, "apprenticeships/employer/pledge_new.html", context, status=status)


@role_required(Role.EMPLOYER)
def employer_pledges(request: HttpRequest) -> HttpResponse:
    """The pledger's pledges: money used, held and available, and the applications waiting for a decision."""
    employer = user_organisation(request.user)
    rows = _rows(Pledge.objects.filter(employer=employer).select_related("employer").order_by("-created_at", "-id"))
    waiting = (
        PledgeApplication.objects.filter(pledge__employer=employer, status=PledgeApplication.Status.PENDING)
        .select_related("applicant", "vacancy__standard", "vacancy__local_authority", "pledge")
        .order_by("created_at", "id")
    )
    context = {
        "rows": rows,
        "chart": money_chart(rows, chart_id="chart-pledges", title="Your pledges"),
        "waiting": waiting,
        "allowance": pledges.pledge_allowance(employer) if employer.is_levy_payer else None,
        "buttons": {name: BUTTONS[name] for name in ("approve", "reject")},
    }
    return render(request, "apprenticeships/employer/pledges.html", context)


@role_required(Role.EMPLOYER)
def employer_pledge_applications(request: HttpRequest) -> HttpResponse:
    """The applicant's applications to pledges, with what it may do next on each."""
    employer = user_organisation(request.user)
    applications = (
        PledgeApplication.objects.filter(applicant=employer)
        .select_related("vacancy", "pledge__employer")
        .order_by("-created_at", "-id")
    )
    rows = [
        {
            "application": a,
            "pledger": a.pledge.employer.name if not a.pledge.anonymous else None,
            "actions": [
                (name, *BUTTONS[name])
                for name in ("accept", "decline", "withdraw")
                if (name in ("accept", "decline") and a.status == PledgeApplication.Status.APPROVED)
                or (name == "withdraw" and a.status in PledgeApplication.OPEN)
            ],
        }
        for a in applications
    ]
    return render(request, "apprenticeships/employer/pledge_applications.html", {"rows": rows})


@role_required(Role.HUB)
def hub_pledges(request: HttpRequest) -> HttpResponse:
    """Every pledge in the region with its money, and every application waiting for the pledger."""
    rows = _rows(Pledge.objects.select_related("employer").order_by("status", "-created_at", "-id"))
    totals = {
        key: sum((getattr(row["money"], key) for row in rows), Decimal(0))
        for key in ("pledged", "reserved", "used", "available", "returned")
    }
    waiting = (
        PledgeApplication.objects.filter(status=PledgeApplication.Status.PENDING)
        .select_related("applicant", "vacancy", "pledge__employer")
        .order_by("created_at", "id")
    )
    context = {
        "rows": rows,
        "totals": totals,
        "chart": money_chart(
            [r for r in rows if r["pledge"].status == "open"], chart_id="chart-hub-pledges", title="Open pledges"
        ),
        "waiting": waiting,
        "buttons": {name: BUTTONS[name] for name in ("approve", "reject")},
    }
    return render(request, "apprenticeships/hub/pledges.html", context)


@require_POST
@role_required(Role.EMPLOYER, Role.HUB)
def pledge_application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A button on the pages above: the service decides whether this user may (403) and whether it still can."""
    application = get_object_or_404(
        visible_pledge_applications(request.user).select_related("vacancy", "pledge"), pk=pk
    )
    note = request.POST.get("note", "")[:2000] if action == "reject" else None
    try:
        if note is not None:
            done = SERVICES[action](application.pk, by=request.user, note=note)
        else:
            done = SERVICES[action](application.pk, by=request.user)
    except pledges.PledgeConflict as conflict:
        messages.error(request, str(conflict))
    else:
        said = DONE[action].format(amount=charts.money(done.amount), title=application.vacancy.title)
        if action == "approve" and done.pledge.status == Pledge.Status.CLOSED:  # this approval left too little
            left = charts.money(done.pledge.remaining)
            said += f" The pledge has now closed: the {left} left goes back to the pledger."
        messages.success(request, said)
    if is_hub(request.user):
        return redirect("hub-pledges")
    if action in ("approve", "reject"):
        return redirect("employer-pledges")
    return redirect("employer-pledge-applications")
