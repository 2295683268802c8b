"""Organisations' people: invitations (sent by hub staff or an organisation's admin), accepting one,
the hub's organisation pages with their contacts, and the hub's tasks."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apprenticeships import selectors
from apprenticeships.forms.organisations import AcceptInvitationForm, ContactForm, HubInviteForm, InviteForm
from apprenticeships.models import Employer, Invitation, Provider, Role
from apprenticeships.permissions import (
    is_hub,
    is_organisation_admin,
    role_required,
    user_organisation,
    visible_hub_tasks,
    visible_invitations,
)
from apprenticeships.services import hub_tasks, invitations, organisation_update
from lcr_skills.formats import long_date

KINDS = {"employer": Employer, "provider": Provider}


def organisation_url(organisation: Employer | Provider) -> str:
    kind = "employer" if isinstance(organisation, Employer) else "provider"
    return reverse(f"hub-{kind}", args=[organisation.pk])


def _people_page(organisation: Employer | Provider, user: object) -> str:
    return organisation_url(organisation) if is_hub(user) else reverse("organisation-people")


def _back(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) and wanted.startswith("/")
    return wanted if safe else fallback


def _invite(request: HttpRequest, organisation: Employer | Provider, form: InviteForm) -> bool:
    """Send the invitation the form asks for; False (errors on the form) if it can't go."""
    if not form.is_valid():
        return False
    try:
        invitation = invitations.invitation_create(
            email=form.cleaned_data["email"],
            organisation=organisation,
            by=request.user,
            is_admin=form.cleaned_data.get("is_admin", False),
        )
    except ValidationError as invalid:
        form.add_rule_errors(invalid)
        return False
    messages.success(
        request,
        f"An invitation to join {organisation.name} was e-mailed to {invitation.email}. "
        f"Its link works once, until {long_date(invitation.expires_at)}.",
    )
    return True


# --- Accepting an invitation (anyone with the link) ----------------------------------------------


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.invitation_for_token(token)
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        context = {"invitation": invitation}
        return render(
            request, "apprenticeships/invitation_unusable.html", context, status=404 if not invitation else 410
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as invalid:
            if hasattr(invalid, "error_dict"):  # an account with the address appeared meanwhile
                form.add_rule_errors(invalid)
            else:  # Django's password validators
                form.add_error("password1", invalid)
        except invitations.InvitationUnusable:
            invitation.refresh_from_db()
            return render(request, "apprenticeships/invitation_unusable.html", {"invitation": invitation}, status=410)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome, {user.first_name}. You have joined {invitation.organisation.name}. "
                f"Your username is {user.username}.",
            )
            return redirect("home")
    return render(request, "apprenticeships/invitation_accept.html", {"invitation": invitation, "form": form})


# --- An organisation's admin: their colleagues and invitations ------------------------------------


@role_required(Role.EMPLOYER, Role.PROVIDER)
def organisation_people(request: HttpRequest) -> HttpResponse:
    if not is_organisation_admin(request.user):
        raise PermissionDenied
    organisation = user_organisation(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and _invite(request, organisation, form):
        return redirect("organisation-people")
    context = {
        "organisation": organisation,
        "people": selectors.organisation_people(organisation),
        "invitations": visible_invitations(request.user),
        "form": form,
        "invitation_days": settings.INVITATION_EXPIRY_DAYS,
    }
    return render(request, "apprenticeships/organisation_people.html", context)


@require_POST
@role_required(Role.HUB, Role.EMPLOYER, Role.PROVIDER)
def invitation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    invitation = get_object_or_404(visible_invitations(request.user), pk=pk)
    try:
        if action == "resend":
            invitations.invitation_resend(invitation, by=request.user)
            messages.success(
                request,
                f"The invitation was e-mailed to {invitation.email} again, with a new link that works until "
                f"{long_date(invitation.expires_at)}.",
            )
        else:
            invitations.invitation_cancel(invitation, by=request.user)
            messages.success(request, f"The invitation to {invitation.email} is cancelled: its link no longer works.")
    except invitations.InvitationUnusable as unusable:
        messages.error(request, str(unusable))
    return redirect(_back(request, _people_page(invitation.organisation, request.user)))


# --- Hub staff: organisations, their contacts and people -----------------------------------------


@role_required(Role.HUB)
def organisation_list(request: HttpRequest) -> HttpResponse:
    without_users = request.GET.get("without_users") == "1"
    context = {
        "organisations": selectors.organisations_for_hub(without_users=without_users),
        "without_users": without_users,
    }
    return render(request, "apprenticeships/hub/organisation_list.html", context)


def _organisation(kind: str, pk: int) -> Employer | Provider:
    if kind not in KINDS:
        raise Http404("No such kind of organisation")
    return get_object_or_404(KINDS[kind], pk=pk)


@role_required(Role.HUB)
def organisation_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    organisation = _organisation(kind, pk)
    contact = ContactForm(initial={name: getattr(organisation, name) for name in ContactForm.base_fields})
    return _organisation_page(request, organisation, contact=contact, invite=HubInviteForm())


def _organisation_page(
    request: HttpRequest, organisation: Employer | Provider, *, contact: ContactForm, invite: HubInviteForm
) -> HttpResponse:
    scope = {"employer": organisation} if isinstance(organisation, Employer) else {"provider": organisation}
    context = {
        "organisation": organisation,
        "kind": "employer" if isinstance(organisation, Employer) else "provider",
        "people": selectors.organisation_people(organisation),
        "has_users": selectors.organisation_has_users(organisation),
        "invitations": visible_invitations(request.user).filter(**scope),
        "tasks": visible_hub_tasks(request.user).filter(**scope, done_at=None),
        "contact": contact,
        "invite": invite,
        "errors": contact.error_summary() + invite.error_summary(),
        "invitation_days": settings.INVITATION_EXPIRY_DAYS,
    }
    return render(request, "apprenticeships/hub/organisation_detail.html", context)


@require_POST
@role_required(Role.HUB)
def organisation_contact(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    organisation = _organisation(kind, pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _organisation_page(request, organisation, contact=form, invite=HubInviteForm())
    organisation_update(organisation, **form.cleaned_data)
    messages.success(request, f"{organisation.name}'s contact details are saved.")
    return redirect(organisation_url(organisation))


@require_POST
@role_required(Role.HUB)
def organisation_invite(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    organisation = _organisation(kind, pk)
    form = HubInviteForm(request.POST)
    if _invite(request, organisation, form):
        return redirect(organisation_url(organisation))
    contact = ContactForm(initial={name: getattr(organisation, name) for name in ContactForm.base_fields})
    return _organisation_page(request, organisation, contact=contact, invite=form)


# --- Hub staff: their tasks -----------------------------------------------------------------------


@role_required(Role.HUB)
def hub_task_list(request: HttpRequest) -> HttpResponse:
    tasks = visible_hub_tasks(request.user).order_by("-created_at", "-id")
    context = {"open_tasks": tasks.filter(done_at=None), "done_tasks": tasks.exclude(done_at=None)[:50]}
    return render(request, "apprenticeships/hub/task_list.html", context)


@require_POST
@role_required(Role.HUB)
def hub_task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    task = get_object_or_404(visible_hub_tasks(request.user), pk=pk)
    hub_tasks.hub_task_mark(task, by=request.user, done=action == "done")
    word = "done" if action == "done" else "not done"
    messages.success(request, f"“{task.title}” is marked as {word}.")
    return redirect(_back(request, reverse("hub-tasks")))
