"""Who may see and change what: the one place that decides access (DESIGN.md, "Roles").

Every API view names its entry in ACCESS; an action missing from the table is refused, so new
endpoints are closed until someone opens them here (matching's among them, by name: nothing here
imports matching). Querysets are scoped by the `visible_*` functions, so another organisation's
objects are simply not found (404); matching.permissions scopes suggestions and gaps.
"""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from apprenticeships.models import (
    Application,
    CourseOffer,
    Employer,
    HubTask,
    Invitation,
    Pledge,
    PledgeApplication,
    Provider,
    Role,
    Vacancy,
)

if TYPE_CHECKING:  # rest_framework.views imports this module through DEFAULT_PERMISSION_CLASSES
    from rest_framework.views import APIView

HUB_GROUP = "hub"
ANONYMOUS = "anonymous"

HUB = frozenset({Role.HUB})
EMPLOYER = frozenset({Role.EMPLOYER})
PROVIDER = frozenset({Role.PROVIDER})
HUB_OR_EMPLOYER = frozenset({Role.HUB, Role.EMPLOYER})
HUB_OR_PROVIDER = frozenset({Role.HUB, Role.PROVIDER})
EMPLOYER_OR_PROVIDER = frozenset({Role.EMPLOYER, Role.PROVIDER})
SIGNED_IN = frozenset({Role.HUB, Role.EMPLOYER, Role.PROVIDER})
ANYONE = SIGNED_IN | {ANONYMOUS}

# endpoint -> action (viewset action, or HTTP method for plain views) -> roles allowed.
ACCESS: dict[str, dict[str, frozenset]] = {
    "auth-token": {"post": ANYONE, "delete": SIGNED_IN},
    "me": {"get": SIGNED_IN},
    "standards": {"list": ANYONE, "retrieve": ANYONE},
    "places": {"get": ANYONE},
    "employers": {
        "list": HUB_OR_EMPLOYER,
        "retrieve": HUB_OR_EMPLOYER,
        "create": HUB,
        "partial_update": HUB_OR_EMPLOYER,
        "levy": HUB_OR_EMPLOYER,
    },
    "providers": {
        "list": HUB_OR_PROVIDER,
        "retrieve": HUB_OR_PROVIDER,
        "create": HUB,
        "partial_update": HUB_OR_PROVIDER,
    },
    "users": {"list": HUB, "retrieve": HUB, "create": HUB, "partial_update": HUB, "export": HUB, "erase": HUB},
    "vacancies": {
        "list": HUB_OR_EMPLOYER,
        "retrieve": HUB_OR_EMPLOYER,
        "create": EMPLOYER,
        "partial_update": EMPLOYER,
        "update": EMPLOYER,
        "destroy": EMPLOYER,
        "submit": EMPLOYER,
        "approve": HUB,
        "refer": HUB,
        "close": HUB_OR_EMPLOYER,
        "withdraw": HUB_OR_EMPLOYER,
        "filled": HUB_OR_EMPLOYER,
    },
    "public-vacancies": {"list": ANYONE, "retrieve": ANYONE},
    "public-vacancy-applications": {"post": ANYONE},
    "public-alerts": {"post": ANYONE},
    "vacancy-applications": {"get": HUB_OR_EMPLOYER},
    "applications": {"list": HUB_OR_EMPLOYER, "retrieve": HUB_OR_EMPLOYER, "partial_update": HUB_OR_EMPLOYER},
    "applicant-data": {"post": HUB},
    "course-offers": {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": PROVIDER,
        "partial_update": PROVIDER,
        "update": PROVIDER,
        "destroy": PROVIDER,
        "import_csv": PROVIDER,
        "import_template": PROVIDER,
    },
    # Find training: open offers without their prices, for employers (and the hub helping them).
    "training": {"list": HUB_OR_EMPLOYER},
    "match-runs": {"list": HUB, "retrieve": HUB, "create": HUB},
    "suggestions": {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "history": SIGNED_IN,
        "approve": HUB,
        "reject": HUB,
        "accept": EMPLOYER_OR_PROVIDER,
        "decline": EMPLOYER_OR_PROVIDER,
    },
    "matcher-models": {"list": HUB, "train": HUB, "activate": HUB},
    "gaps": {"list": HUB_OR_EMPLOYER},
    "funding-estimate": {"post": HUB_OR_EMPLOYER},
    # Levy transfers (issue 17): who decides is checked again against the pledge in services.pledges.
    "pledges": {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": HUB_OR_EMPLOYER,
        "withdraw": HUB_OR_EMPLOYER,
        "applications": HUB_OR_EMPLOYER,
    },
    "pledge-applications": {
        "list": HUB_OR_EMPLOYER,
        "retrieve": HUB_OR_EMPLOYER,
        "approve": HUB_OR_EMPLOYER,
        "reject": HUB_OR_EMPLOYER,
        "accept": HUB_OR_EMPLOYER,
        "decline": HUB_OR_EMPLOYER,
        "withdraw": HUB_OR_EMPLOYER,
        "funds_used": HUB,
    },
    "reports": {"list": HUB, "retrieve": HUB},
    # Employers and providers: only their organisation's admin finds any (visible_invitations).
    "invitations": {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": SIGNED_IN,
        "resend": SIGNED_IN,
        "cancel": SIGNED_IN,
    },
    "hub-tasks": {"list": HUB, "retrieve": HUB, "done": HUB, "undo": HUB},
}


def user_role(user: User | AnonymousUser) -> str | None:
    """The user's role (hub, employer or provider), or None for anonymous and unattached users."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_lcr_role"):
        # groups.all() so that a prefetched list (user listings) costs no query per user.
        if user.is_superuser or any(group.name == HUB_GROUP for group in user.groups.all()):
            user._lcr_role = Role.HUB
        else:
            membership = _membership(user)
            user._lcr_role = membership.role if membership else None
    return user._lcr_role


def _membership(user: User):
    try:
        return user.membership
    except User.membership.RelatedObjectDoesNotExist:
        return None


def is_hub(user: User | AnonymousUser) -> bool:
    return user_role(user) == Role.HUB


def user_organisation(user: User | AnonymousUser) -> Employer | Provider | None:
    membership = _membership(user) if user.is_authenticated else None
    return membership.organisation if membership else None


def visible_employers(user: User | AnonymousUser) -> QuerySet[Employer]:
    role = user_role(user)
    if role == Role.HUB:
        return Employer.objects.all()
    if role == Role.EMPLOYER:
        return Employer.objects.filter(members__user=user)
    return Employer.objects.none()


def visible_providers(user: User | AnonymousUser) -> QuerySet[Provider]:
    role = user_role(user)
    if role == Role.HUB:
        return Provider.objects.all()
    if role == Role.PROVIDER:
        return Provider.objects.filter(members__user=user)
    return Provider.objects.none()


def visible_vacancies(user: User | AnonymousUser) -> QuerySet[Vacancy]:
    """Hub staff see every vacancy; an employer its own. (Everyone sees live ones publicly.)"""
    role = user_role(user)
    if role == Role.HUB:
        return Vacancy.objects.all()
    if role == Role.EMPLOYER:
        return Vacancy.objects.filter(employer__members__user=user)
    return Vacancy.objects.none()


def visible_applications(user: User | AnonymousUser) -> QuerySet[Application]:
    """Hub staff see every application; an employer those to its own vacancies."""
    role = user_role(user)
    if role == Role.HUB:
        return Application.objects.all()
    if role == Role.EMPLOYER:
        return Application.objects.filter(vacancy__employer__members__user=user)
    return Application.objects.none()


def visible_offers(user: User | AnonymousUser) -> QuerySet[CourseOffer]:
    """Hub staff see every offer; a provider its own and others' open ones; employers open ones."""
    role = user_role(user)
    if role == Role.HUB:
        return CourseOffer.objects.all()
    if role == Role.PROVIDER:
        return CourseOffer.objects.filter(
            Q(provider__members__user=user) | Q(status=CourseOffer.Status.OPEN)
        ).distinct()
    if role == Role.EMPLOYER:
        return CourseOffer.objects.filter(status=CourseOffer.Status.OPEN)
    return CourseOffer.objects.none()


def visible_pledges(user: User | AnonymousUser) -> QuerySet[Pledge]:
    """Open pledges for every signed-in user; an employer's own in any state; hub staff every pledge."""
    role = user_role(user)
    if role == Role.HUB:
        return Pledge.objects.all()
    if role is None:
        return Pledge.objects.none()
    organisation = user_organisation(user)
    if role == Role.EMPLOYER and organisation is not None:
        return Pledge.objects.filter(Q(status=Pledge.Status.OPEN) | Q(employer_id=organisation.pk))
    return Pledge.objects.filter(status=Pledge.Status.OPEN)


def visible_pledge_applications(user: User | AnonymousUser) -> QuerySet[PledgeApplication]:
    """Hub staff see every application; an employer those it made and those to its pledges."""
    role = user_role(user)
    if role == Role.HUB:
        return PledgeApplication.objects.all()
    organisation = user_organisation(user)
    if role == Role.EMPLOYER and organisation is not None:
        return PledgeApplication.objects.filter(
            Q(applicant_id=organisation.pk) | Q(pledge__employer_id=organisation.pk)
        )
    return PledgeApplication.objects.none()


def owns(user: User | AnonymousUser, obj: object) -> bool:
    """Whether the user's organisation owns an object that has an employer or a provider."""
    organisation = user_organisation(user)
    if isinstance(organisation, Employer):
        return getattr(obj, "employer_id", None) == organisation.id
    if isinstance(organisation, Provider):
        return getattr(obj, "provider_id", None) == organisation.id
    return False


def is_organisation_admin(user: User | AnonymousUser) -> bool:
    """Whether the user is marked as their organisation's admin (who may invite colleagues)."""
    membership = _membership(user) if user.is_authenticated and user.is_active else None
    return bool(membership and membership.is_admin)


def may_invite(user: User | AnonymousUser, organisation: Employer | Provider) -> bool:
    """Hub staff may invite anyone to any organisation; an organisation's admin, colleagues to it only."""
    if is_hub(user):
        return True
    mine = user_organisation(user) if is_organisation_admin(user) else None
    return mine is not None and type(mine) is type(organisation) and mine.pk == organisation.pk


def visible_invitations(user: User | AnonymousUser) -> QuerySet[Invitation]:
    """Hub staff see every invitation; an organisation's admin those to their organisation; others none."""
    invitations = Invitation.objects.select_related("employer", "provider", "invited_by")
    if is_hub(user):
        return invitations
    if is_organisation_admin(user):
        membership = user.membership
        if membership.role == Role.EMPLOYER:
            return invitations.filter(employer_id=membership.employer_id)
        return invitations.filter(provider_id=membership.provider_id)
    return Invitation.objects.none()


def visible_hub_tasks(user: User | AnonymousUser) -> QuerySet[HubTask]:
    return HubTask.objects.select_related("employer", "provider") if is_hub(user) else HubTask.objects.none()


def visible_users(user: User | AnonymousUser) -> QuerySet[User]:
    return User.objects.all() if is_hub(user) else User.objects.none()


class RolePermission(BasePermission):
    """Allows a request only if ACCESS lists the user's role for this endpoint and action."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        handler = request.method.lower()
        if handler not in view.http_method_names or not hasattr(view, handler):
            # The view answers 405 Method Not Allowed to everyone: no role could do this, so don't blame the role.
            return True
        rules = ACCESS.get(getattr(view, "access_name", ""), {})
        role = user_role(request.user) or ANONYMOUS
        method = "get" if request.method == "HEAD" else request.method.lower()
        action = getattr(view, "action", None) or method
        if action in {"metadata", "options"}:
            return any(role in roles for roles in rules.values())
        return role in rules.get(action, frozenset())

    def has_object_permission(self, request: Request, view: "APIView", obj: object) -> bool:
        # Employers and providers may change only what their organisation owns; seeing something
        # (another provider's open offer) is not owning it: 403.
        if request.method in SAFE_METHODS or is_hub(request.user):
            return True
        if hasattr(obj, "employer_id") or hasattr(obj, "provider_id"):
            return owns(request.user, obj)
        return True


def role_required(*roles: str) -> Callable:
    """Web-view decorator: sign-in page for anonymous users, 403 for a role not listed."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user_role(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
