"""Employers' and providers' "Your matches": the introductions the hub has made, and answering them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apprenticeships.models import Role
from apprenticeships.permissions import role_required, user_organisation, user_role
from matching import selectors, services
from matching.forms import DeclineForm
from matching.ml.explain import summary
from matching.models import Suggestion
from matching.permissions import visible_suggestions
from matching.services.requests import request_contacts

OTHER_PARTY = {Role.EMPLOYER: Role.PROVIDER, Role.PROVIDER: Role.EMPLOYER}


def _as(request: HttpRequest, party: str) -> None:
    """Each role has its own address for these pages: the other role's is refused (403)."""
    if user_role(request.user) != party:
        raise PermissionDenied


def _match(request: HttpRequest, pk: int) -> Suggestion:
    # Someone else's introduction, or one the hub has not made, is simply not found.
    matches = visible_suggestions(request.user).select_related("vacancy__employer", "course_offer__provider")
    return get_object_or_404(matches, pk=pk)


def _decline_anchor(pk: int) -> str:
    return f"decline-{pk}-%s"


@role_required(Role.EMPLOYER, Role.PROVIDER)
def match_list(request: HttpRequest, party: str) -> HttpResponse:
    _as(request, party)
    return _page(request, party)


def _page(request: HttpRequest, party: str, declining: tuple[int, DeclineForm] | None = None) -> HttpResponse:
    """The page, with `declining` = (suggestion id, form) when a decline needs correcting."""
    groups = selectors.matches_by_state(visible_suggestions(request.user), party=party)
    other = OTHER_PARTY[party]
    for suggestion in (s for group in groups.values() for s in group):
        suggestion.reasons = suggestion.explanation_for(party)
        suggestion.summary = summary(suggestion.reasons)
        suggestion.contacts = services.party_contacts(suggestion)[other]
        suggestion.declined = next(iter(suggestion.events.all()), None)
    # Introductions the hub made when an employer asked for one (matching.services.requests).
    asked = list(selectors.introductions_from_requests(user_organisation(request.user), party=party))
    for item in asked:
        item.contacts = request_contacts(item)[other]
    context = {
        "party": party,
        "other": other,
        "groups": [(name, selectors.MATCH_GROUPS[name], items) for name, items in groups.items()],
        "total": sum(len(items) for items in groups.values()),
        "asked": asked,
        "declining": declining[0] if declining else None,
        "decline_form": declining[1] if declining else None,
        "errors": declining[1].error_summary() if declining else [],
    }
    return render(request, "matching/matches.html", context)


@require_POST
@role_required(Role.EMPLOYER, Role.PROVIDER)
def match_accept(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    _as(request, party)
    match = _match(request, pk)
    other = match.course_offer.provider.name if party == Role.EMPLOYER else match.vacancy.employer.name
    try:
        match = services.suggestion_respond(match.pk, by=request.user, accept=True)
    except services.DecisionConflict as conflict:
        messages.error(request, f"Nothing was changed. {conflict}")
    else:
        if match.status == Suggestion.Status.AGREED:
            messages.success(request, f"You and {other} have both accepted: “{match.vacancy.title}” is agreed.")
        else:
            messages.success(request, f"You have accepted the introduction to {other}. They have not answered yet.")
    return redirect(f"{party}-matches")


@require_POST
@role_required(Role.EMPLOYER, Role.PROVIDER)
def match_decline(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    _as(request, party)
    match = _match(request, pk)
    form = DeclineForm(request.POST, auto_id=_decline_anchor(match.pk))
    if not form.is_valid():
        return _page(request, party, declining=(match.pk, form))
    try:
        services.suggestion_respond(match.pk, by=request.user, accept=False, reason=form.cleaned_data["reason"])
    except services.DecisionConflict as conflict:
        messages.error(request, f"Nothing was changed. {conflict}")
    except ValueError as invalid:  # the service's own check that a decline has a reason
        form.add_error("reason", str(invalid))
        return _page(request, party, declining=(match.pk, form))
    else:
        messages.success(
            request,
            f"You have declined the introduction for “{match.vacancy.title}”. The hub will look for another match.",
        )
    return redirect(f"{party}-matches")
