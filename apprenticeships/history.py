"""Who did something, as the reader of a history may see them (issue 12).

Everyone reads the actor's role ("Hub staff", "Employer", "Training provider"); the person's name
only hub staff, and people of the actor's own organisation. So an employer reading its vacancy's
history sees "Hub staff", never the login name of the person who reviewed it.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from apprenticeships.models import Membership, Role, VacancyTransition
from apprenticeships.permissions import is_hub

ROLE_WORDS = {Role.HUB: "Hub staff", Role.EMPLOYER: "Employer", Role.PROVIDER: "Training provider"}
SYSTEM = "system"  # a change the service made itself (matching/services/decisions.py)
SYSTEM_WORDS = "The service"


@dataclass(frozen=True)
class ShownActor:
    """An actor as one reader sees them: `user` is None when the reader may not know who it was."""

    user: User | None
    role: str | None  # role words, or None when nobody recorded it

    @property
    def username(self) -> str | None:
        return self.user.get_username() if self.user else None

    @property
    def name(self) -> str | None:
        """The person's full name (or login name, if they have none), for pages."""
        return (self.user.get_full_name() or self.user.get_username()) if self.user else None


def history_steps() -> QuerySet[VacancyTransition]:
    """Vacancy transitions with what `actor_shown` reads of each actor, fetched in the same query."""
    return VacancyTransition.objects.select_related("by__membership")


def actor_role(actor: User) -> str:
    """The role the actor acted in: their organisation's, or the hub's for those who belong to none.

    A membership ties every employer and provider user to their organisation, so only hub staff act
    without one; and someone who has since left the hub still acted as hub staff then.
    """
    membership = _membership(actor)
    return membership.role if membership else Role.HUB


def actor_shown(*, actor: User | None, reader: User | AnonymousUser, role: str | None = None) -> ShownActor:
    """How `reader` sees who did something: the role always, the name only to the hub or the actor's colleagues.

    `role` is the role recorded with the entry, when there is one (it outlives an erased account).
    """
    if role is None and actor is not None:
        role = actor_role(actor)
    words = SYSTEM_WORDS if role == SYSTEM else ROLE_WORDS.get(role)
    named = actor is not None and (is_hub(reader) or _colleagues(actor, reader))
    return ShownActor(user=actor if named else None, role=words)


def _membership(user: User) -> Membership | None:
    try:
        return user.membership
    except User.membership.RelatedObjectDoesNotExist:
        return None


def _colleagues(actor: User, reader: User | AnonymousUser) -> bool:
    if not reader.is_authenticated:
        return False
    theirs, mine = _membership(actor), _membership(reader)
    if theirs is None or mine is None or theirs.role != mine.role:
        return False
    return (theirs.employer_id, theirs.provider_id) == (mine.employer_id, mine.provider_id)
