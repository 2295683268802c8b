"""Who may do what, written out from DESIGN.md ("Roles and what each may touch") for the matrix.

Independent of apprenticeships.permissions on purpose: each function answers, for a persona and
an object of the small market, what a request must get. `OK` means the request reaches its
handler (which may still answer 400 or 409 for the data sent); the rest are refusals.
"""

from dataclasses import dataclass

OK, LOGIN, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "ok", "login", 401, 403, 404, 405
READ = {"GET"}

# persona -> (role, organisation letter)
PERSONAS: dict[str, tuple[str, str | None]] = {
    "anonymous": ("anonymous", None),
    "alice": ("employer", "A"),
    "bob": ("employer", "B"),
    "priya": ("provider", "A"),
    "quentin": ("provider", "B"),
    "hannah": ("hub", None),
}


@dataclass(frozen=True)
class Thing:
    """An object of the market as the policy sees it: its kind, owners and state."""

    kind: str
    pk: object
    employer: str | None = None  # organisation letter
    provider: str | None = None
    state: str = ""  # vacancy status, "open"/"closed" offer, suggestion status, pledge status
    pledger: str | None = None  # a pledge application's pledging employer (`employer` is the applicant)


def refuse(role: str, *, api: bool) -> object:
    """How a role that may not use an endpoint at all is told so."""
    if role == "anonymous":
        return UNAUTHENTICATED if api else LOGIN
    return FORBIDDEN


def is_party(persona: str, thing: Thing) -> bool:
    role, org = PERSONAS[persona]
    return (role == "employer" and thing.employer == org) or (role == "provider" and thing.provider == org)


# What anyone may read: reference data, and the pages behind a link sent by e-mail (they check the token).
PUBLIC_KINDS = {"standard", "place", "local-authority", "reset-link", "alert-link", "invitation-link"}


def may_see(persona: str, thing: Thing) -> bool:
    """DESIGN.md's "may see" column, object by object."""
    role, org = PERSONAS[persona]
    if thing.kind == "public-vacancy":  # published vacancies only, whoever asks
        return thing.state == "live"
    if role == "hub" or thing.kind in PUBLIC_KINDS:
        return True
    if thing.kind in {"employer", "provider", "vacancy", "application"}:
        return is_party(persona, thing)
    if thing.kind == "offer":
        return role != "anonymous" and (is_party(persona, thing) or thing.state == "open")
    if thing.kind == "pledge":  # open pledges for every signed-in user; the pledger's own in any state
        return role != "anonymous" and (thing.state == "open" or is_party(persona, thing))
    if thing.kind == "pledge-application":  # the applicant and the pledger
        return role == "employer" and org in {thing.employer, thing.pledger}
    if thing.kind == "suggestion":
        return is_party(persona, thing) and thing.state in {"approved", "accepted", "agreed", "declined"}
    return False  # users, runs, models, reports, hub tasks; invitations (only an organisation's admin's own)


def api(persona: str, roles: set[str], thing: Thing | None = None, *, write: bool = False) -> object:
    """An API endpoint open to `roles`; on an object: 404 if unseen, 403 if seen but not one's own to change."""
    role, _ = PERSONAS[persona]
    if role not in roles:
        return refuse(role, api=True)
    if thing is None:
        return OK
    if not may_see(persona, thing):
        return NOT_FOUND
    if write and role != "hub" and not is_party(persona, thing):
        return FORBIDDEN
    return OK


def pledge_decision(persona: str, thing: Thing, *, by: str) -> object:
    """Approve/reject (`by="pledger"`) or accept/decline/withdraw (`by="applicant"`) an application to a pledge."""
    role, org = PERSONAS[persona]
    if role not in {"hub", "employer"}:
        return refuse(role, api=True)
    if not may_see(persona, thing):
        return NOT_FOUND
    if role == "hub":
        return OK
    return OK if org == (thing.pledger if by == "pledger" else thing.employer) else FORBIDDEN


def pledge_page_decision(persona: str, thing: Thing, *, by: str) -> object:
    """The pages' buttons for the same decisions: sign in first; another's application is not found."""
    role, org = PERSONAS[persona]
    if role not in {"hub", "employer"}:
        return refuse(role, api=False)
    if not may_see(persona, thing):
        return NOT_FOUND
    if role == "hub":
        return OK
    return OK if org == (thing.pledger if by == "pledger" else thing.employer) else FORBIDDEN


def web(persona: str, roles: set[str], thing: Thing | None = None) -> object:
    """A page for `roles`; another organisation's object is not found (its existence must not leak)."""
    role, _ = PERSONAS[persona]
    if role not in roles and "anonymous" not in roles:
        return refuse(role, api=False)
    if thing is not None and not (
        may_see(persona, thing) and (role == "hub" or "anonymous" in roles or is_party(persona, thing))
    ):
        return NOT_FOUND
    return OK


def web_open_offer(persona: str, roles: set[str], thing: Thing) -> object:
    """A page about a course offer that employers may look at: open offers only ("course offers (public
    fields, never prices)"); a closed one is not found, whoever's it is. So is the page for applying to a
    pledge: open pledges only."""
    role, _ = PERSONAS[persona]
    if role not in roles:
        return refuse(role, api=False)
    return OK if thing.state == "open" else NOT_FOUND


def must_not_see(persona: str, private: dict[str, list[str]]) -> list[str]:
    """Other organisations' private texts (keyed "employer A", "provider B"): never in this persona's bodies."""
    role, org = PERSONAS[persona]
    if role == "hub":
        return []
    return [text for owner, texts in private.items() if owner != f"{role} {org}" for text in texts]
