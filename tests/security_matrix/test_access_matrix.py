"""Every route × every method × every persona × own and other organisation's objects.

The routes come from walking the URL resolver, so a new route fails
`test_every_route_is_in_the_matrix` until someone says here who may use it. Expected outcomes come
from tests/security_matrix/policy.py (DESIGN.md's table), never from the code under test. Each
request refused must leave the database as it was; no body may hold another organisation's
private text; a write that is allowed is rolled back so the next request sees the same market.
"""

import re
from collections.abc import Callable, Iterator

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.security_matrix import policy as p
from tests.security_matrix.market import DRAFT, INVITATION_TOKEN, LIVE, SUBMITTED, Market
from tests.security_matrix.policy import OK, Thing

# `make test` runs this module beside the fuzzing, in its second process (about 110 s alone on 2 cores).
pytestmark = pytest.mark.second_process

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
HUB, EMPLOYER, PROVIDER = {"hub"}, {"employer"}, {"provider"}
SIGNED_IN = HUB | EMPLOYER | PROVIDER
ANYONE = SIGNED_IN | {"anonymous"}

# Route -> (kind of object in its URL or None, {method: rule}). A rule is (persona, thing) -> outcome;
# a method not listed must be refused: 405 from the API; a page may refuse it any way, or (plain
# Django views answer any method) treat it as its GET, with the GET's outcome and no change.
Rule = Callable[[str, Thing | None], object]


def api(roles: set[str], *, write: bool = False) -> Rule:
    return lambda persona, thing: p.api(persona, roles, thing, write=write)


def web(roles: set[str]) -> Rule:
    return lambda persona, thing: p.web(persona, roles, thing)


def web_open_offer(roles: set[str]) -> Rule:
    return lambda persona, thing: p.web_open_offer(persona, roles, thing)


def crud(read: set[str], create: set[str], change: set[str], *, delete: bool = True) -> tuple[dict, dict]:
    """A collection and its items; changes are partial (PATCH) only, as the API offers."""
    collection = {"GET": api(read), "POST": api(create)}
    detail = {"GET": api(read), "PATCH": api(change, write=True)}
    if delete:
        detail["DELETE"] = api(change, write=True)
    return collection, detail


VACANCIES, VACANCY = crud(HUB | EMPLOYER, EMPLOYER, EMPLOYER)
OFFERS, OFFER = crud(SIGNED_IN, PROVIDER, PROVIDER)
EMPLOYERS, EMPLOYER_ = crud(HUB | EMPLOYER, HUB, HUB | EMPLOYER, delete=False)
PROVIDERS, PROVIDER_ = crud(HUB | PROVIDER, HUB, HUB | PROVIDER, delete=False)
USERS, USER = crud(HUB, HUB, HUB, delete=False)
ONLY_GET = {"GET": api(ANYONE)}

ROUTES: dict[str, tuple[str | None, dict[str, Rule]]] = {
    # --- API -----------------------------------------------------------------------------------
    "api/v1/schema/": (None, ONLY_GET),
    "api/v1/docs/": (None, ONLY_GET),
    "api/v1/auth/token/": (None, {"POST": api(ANYONE), "DELETE": api(SIGNED_IN)}),
    "api/v1/me/": (None, {"GET": api(SIGNED_IN)}),
    "api/v1/places/<str:postcode>/": ("place", ONLY_GET),
    "api/v1/places/<str:postcode>/reach/": ("place", ONLY_GET),
    "api/v1/funding/estimate/": (None, {"POST": api(HUB | EMPLOYER)}),
    "api/v1/^standards/$": (None, ONLY_GET),
    "api/v1/^standards/(?P<lars_code>[^/.]+)/$": ("standard", ONLY_GET),
    "api/v1/^employers/$": (None, EMPLOYERS),
    "api/v1/^employers/(?P<pk>[^/.]+)/$": ("employer", EMPLOYER_),
    "api/v1/^employers/(?P<pk>[^/.]+)/levy/$": ("employer", {"GET": api(HUB | EMPLOYER)}),
    "api/v1/^providers/$": (None, PROVIDERS),
    "api/v1/^providers/(?P<pk>[^/.]+)/$": ("provider", PROVIDER_),
    "api/v1/^users/$": (None, USERS),
    "api/v1/^users/(?P<pk>[^/.]+)/$": ("user", USER),
    "api/v1/^users/(?P<pk>[^/.]+)/erase/$": ("user", {"POST": api(HUB)}),
    "api/v1/^users/(?P<pk>[^/.]+)/export/$": ("user", {"GET": api(HUB)}),
    "api/v1/^vacancies/$": (None, VACANCIES),
    "api/v1/^vacancies/(?P<pk>[^/.]+)/$": ("vacancy", VACANCY),
    "api/v1/^vacancies/(?P<pk>[^/.]+)/submit/$": ("vacancy", {"POST": api(EMPLOYER, write=True)}),
    "api/v1/^vacancies/(?P<pk>[^/.]+)/approve/$": ("vacancy", {"POST": api(HUB, write=True)}),
    "api/v1/^vacancies/(?P<pk>[^/.]+)/refer/$": ("vacancy", {"POST": api(HUB, write=True)}),
    "api/v1/^vacancies/(?P<pk>[^/.]+)/close/$": ("vacancy", {"POST": api(HUB | EMPLOYER, write=True)}),
    "api/v1/^vacancies/(?P<pk>[^/.]+)/withdraw/$": ("vacancy", {"POST": api(HUB | EMPLOYER, write=True)}),
    "api/v1/^vacancies/(?P<pk>[^/.]+)/filled/$": ("vacancy", {"POST": api(HUB | EMPLOYER, write=True)}),
    "api/v1/^pledges/$": (None, {"GET": api(SIGNED_IN), "POST": api(HUB | EMPLOYER)}),
    "api/v1/^pledges/(?P<pk>[^/.]+)/$": ("pledge", {"GET": api(SIGNED_IN)}),
    "api/v1/^pledges/(?P<pk>[^/.]+)/withdraw/$": ("pledge", {"POST": api(HUB | EMPLOYER, write=True)}),
    # Applying to another employer's pledge is the point: seeing the pledge is enough.
    "api/v1/^pledges/(?P<pk>[^/.]+)/applications/$": (
        "pledge",
        {"GET": api(HUB | EMPLOYER), "POST": api(HUB | EMPLOYER)},
    ),
    "api/v1/^pledge-applications/$": (None, {"GET": api(HUB | EMPLOYER)}),
    "api/v1/^pledge-applications/(?P<pk>[^/.]+)/$": ("pledge-application", {"GET": api(HUB | EMPLOYER)}),
    **{
        f"api/v1/^pledge-applications/(?P<pk>[^/.]+)/{verb}/$": (
            "pledge-application",
            {"POST": lambda persona, thing, by=by: p.pledge_decision(persona, thing, by=by)},
        )
        for verb, by in {
            "approve": "pledger",
            "reject": "pledger",
            "accept": "applicant",
            "decline": "applicant",
            "withdraw": "applicant",
        }.items()
    },
    "api/v1/^pledge-applications/(?P<pk>[^/.]+)/funds_used/$": ("pledge-application", {"POST": api(HUB, write=True)}),
    "api/v1/^public/vacancies/$": (None, ONLY_GET),
    "api/v1/^public/vacancies/(?P<pk>[^/.]+)/$": ("public-vacancy", ONLY_GET),
    "api/v1/^course-offers/$": (None, OFFERS),
    "api/v1/^course-offers/(?P<pk>[^/.]+)/$": ("offer", OFFER),
    "api/v1/^course-offers/import/$": (None, {"POST": api(PROVIDER)}),
    "api/v1/^course-offers/import/template/$": (None, {"GET": api(PROVIDER)}),
    "api/v1/^training/$": (None, {"GET": api(HUB | EMPLOYER)}),
    "api/v1/matcher/train/": (None, {"POST": api(HUB)}),
    "api/v1/^match-runs/$": (None, {"GET": api(HUB), "POST": api(HUB)}),
    "api/v1/^match-runs/(?P<pk>[^/.]+)/$": ("run", {"GET": api(HUB)}),
    "api/v1/^suggestions/$": (None, {"GET": api(SIGNED_IN)}),
    "api/v1/^suggestions/(?P<pk>[^/.]+)/$": ("suggestion", {"GET": api(SIGNED_IN)}),
    "api/v1/^suggestions/(?P<pk>[^/.]+)/history/$": ("suggestion", {"GET": api(SIGNED_IN)}),
    "api/v1/^suggestions/(?P<pk>[^/.]+)/approve/$": ("suggestion", {"POST": api(HUB, write=True)}),
    "api/v1/^suggestions/(?P<pk>[^/.]+)/reject/$": ("suggestion", {"POST": api(HUB, write=True)}),
    "api/v1/^suggestions/(?P<pk>[^/.]+)/accept/$": ("suggestion", {"POST": api(EMPLOYER | PROVIDER, write=True)}),
    "api/v1/^suggestions/(?P<pk>[^/.]+)/decline/$": ("suggestion", {"POST": api(EMPLOYER | PROVIDER, write=True)}),
    "api/v1/^gaps/$": (None, {"GET": api(HUB | EMPLOYER)}),
    "api/v1/^matcher/models/$": (None, {"GET": api(HUB)}),
    "api/v1/^matcher/models/train/$": (None, {"POST": api(HUB)}),
    "api/v1/^matcher/models/(?P<version>[^/.]+)/activate/$": ("model", {"POST": api(HUB)}),
    "api/v1/^public/vacancies/(?P<pk>[^/.]+)/applications/$": ("public-vacancy", {"POST": api(ANYONE)}),
    "api/v1/public/alerts/": (None, {"POST": api(ANYONE)}),
    "api/v1/^vacancies/(?P<pk>[^/.]+)/applications/$": ("vacancy", {"GET": api(HUB | EMPLOYER)}),
    "api/v1/^applications/$": (None, {"GET": api(HUB | EMPLOYER)}),
    "api/v1/^applications/(?P<pk>[^/.]+)/$": (
        "application",
        {"GET": api(HUB | EMPLOYER), "PATCH": api(HUB | EMPLOYER, write=True)},
    ),
    "api/v1/applicant-data/export/": (None, {"POST": api(HUB)}),
    "api/v1/applicant-data/erase/": (None, {"POST": api(HUB)}),
    "api/v1/^invitations/$": (None, {"GET": api(SIGNED_IN), "POST": api(SIGNED_IN)}),
    "api/v1/^invitations/(?P<pk>[^/.]+)/$": ("invitation", {"GET": api(SIGNED_IN)}),
    "api/v1/^invitations/(?P<pk>[^/.]+)/resend/$": ("invitation", {"POST": api(SIGNED_IN, write=True)}),
    "api/v1/^invitations/(?P<pk>[^/.]+)/cancel/$": ("invitation", {"POST": api(SIGNED_IN, write=True)}),
    "api/v1/^hub-tasks/$": (None, {"GET": api(HUB)}),
    "api/v1/^hub-tasks/(?P<pk>[^/.]+)/$": ("hub-task", {"GET": api(HUB)}),
    "api/v1/^hub-tasks/(?P<pk>[^/.]+)/done/$": ("hub-task", {"POST": api(HUB, write=True)}),
    "api/v1/^hub-tasks/(?P<pk>[^/.]+)/undo/$": ("hub-task", {"POST": api(HUB, write=True)}),
    "api/v1/^reports/$": (None, {"GET": api(HUB)}),
    "api/v1/^reports/(?P<name>[a-z][a-z-]*)/$": ("report", {"GET": api(HUB)}),
    # --- Pages -----------------------------------------------------------------------------------
    "healthz": (None, {"GET": web(ANYONE)}),
    "": (None, {"GET": web(ANYONE)}),
    "about/data/": (None, {"GET": web(ANYONE)}),
    "standards/": (None, {"GET": web(ANYONE)}),
    "standards/<str:reference>/": ("standard", {"GET": web(ANYONE)}),
    "sign-in/": (None, {"GET": web(ANYONE), "POST": web(ANYONE)}),
    "sign-out/": (None, {"POST": web(ANYONE)}),
    "account/password/": (None, {"GET": web(SIGNED_IN), "POST": web(SIGNED_IN)}),
    "account/password/changed/": (None, {"GET": web(SIGNED_IN)}),
    "account/password-reset/": (None, {"GET": web(ANYONE), "POST": web(ANYONE)}),
    "account/password-reset/sent/": (None, {"GET": web(ANYONE)}),
    "account/password-reset/<uidb64>/<token>/": ("reset-link", {"GET": web(ANYONE), "POST": web(ANYONE)}),
    "account/password-reset/complete/": (None, {"GET": web(ANYONE)}),
    "vacancies/": (None, {"GET": web(ANYONE)}),
    "pledges/": (None, {"GET": web(ANYONE)}),
    "pledges/<int:pk>/apply/": ("pledge", {"GET": web_open_offer(EMPLOYER), "POST": web_open_offer(EMPLOYER)}),
    "employer/pledges/": (None, {"GET": web(EMPLOYER)}),
    "employer/pledges/new/": (None, {"GET": web(EMPLOYER), "POST": web(EMPLOYER)}),
    "employer/pledge-applications/": (None, {"GET": web(EMPLOYER)}),
    "hub/pledges/": (None, {"GET": web(HUB)}),
    **{
        f"pledge-applications/<int:pk>/{verb}/": (
            "pledge-application",
            {"POST": lambda persona, thing, by=by: p.pledge_page_decision(persona, thing, by=by)},
        )
        for verb, by in {
            "approve": "pledger",
            "reject": "pledger",
            "accept": "applicant",
            "decline": "applicant",
            "withdraw": "applicant",
        }.items()
    },
    "vacancies/<int:pk>/": ("public-vacancy", {"GET": web(ANYONE)}),
    "vacancies/<int:pk>/apply/": ("public-vacancy", {"GET": web(ANYONE), "POST": web(ANYONE)}),
    "vacancies/<int:pk>/applied/": ("public-vacancy", {"GET": web(ANYONE)}),
    "vacancies/alerts/": (None, {"GET": web(ANYONE), "POST": web(ANYONE)}),  # GET: back to the search
    "alerts/confirm/<str:token>/": ("alert-link", {"GET": web(ANYONE)}),
    "alerts/unsubscribe/<str:token>/": ("alert-link", {"GET": web(ANYONE), "POST": web(ANYONE)}),
    "employer/vacancies/<int:pk>/applications/": ("vacancy", {"GET": web(HUB | EMPLOYER)}),
    "employer/applications/<int:pk>/": ("application", {"GET": web(HUB | EMPLOYER), "POST": web(HUB | EMPLOYER)}),
    # The footer's pages.
    "accessibility/": (None, {"GET": web(ANYONE)}),
    "privacy/": (None, {"GET": web(ANYONE)}),
    "cookies/": (None, {"GET": web(ANYONE)}),
    "contact/": (None, {"GET": web(ANYONE)}),
    "schools/": (None, {"GET": web(ANYONE)}),
    "schools/<str:code>/": ("local-authority", {"GET": web(ANYONE)}),
    "schools/<str:code>/feed/": ("local-authority", {"GET": web(ANYONE)}),
    "schools/<str:code>/vacancies.csv": ("local-authority", {"GET": web(ANYONE)}),
    "employer/vacancies/": (None, {"GET": web(EMPLOYER)}),
    "employer/funds/": (None, {"GET": web(EMPLOYER)}),
    "employer/vacancies/new/": (None, {"GET": web(EMPLOYER), "POST": web(EMPLOYER)}),
    "employer/vacancies/<int:pk>/": ("vacancy", {"GET": web(EMPLOYER)}),
    "employer/vacancies/<int:pk>/edit/": ("vacancy", {"GET": web(EMPLOYER), "POST": web(EMPLOYER)}),
    "employer/vacancies/<int:pk>/delete/": ("vacancy", {"GET": web(EMPLOYER), "POST": web(EMPLOYER)}),
    "employer/vacancies/<int:pk>/withdraw/confirm/": ("vacancy", {"GET": web(EMPLOYER)}),
    "^employer/vacancies/(?P<pk>[0-9]+)/(?P<action>submit|filled|close|withdraw)/$": (
        "vacancy",
        {"POST": web(EMPLOYER)},
    ),
    "employer/training/": (None, {"GET": web(EMPLOYER)}),
    "employer/shortlist/": (None, {"GET": web(EMPLOYER)}),
    "employer/shortlist/<int:pk>/add/": ("offer", {"POST": web_open_offer(EMPLOYER)}),
    # Taking an offer off one's own shortlist: any offer id, as it names only the person's own entry.
    "employer/shortlist/<int:pk>/remove/": ("offer", {"POST": lambda persona, thing: p.web(persona, EMPLOYER)}),
    "employer/training/<int:pk>/introduce/": (
        "offer",
        {"GET": web_open_offer(EMPLOYER), "POST": web_open_offer(EMPLOYER)},
    ),
    "employer/introduction-requests/": (None, {"GET": web(EMPLOYER)}),
    "hub/introduction-requests/<int:pk>/": ("introduction-request", {"GET": web(HUB)}),
    "hub/introduction-requests/<int:pk>/accept/": ("introduction-request", {"POST": web(HUB)}),
    "hub/introduction-requests/<int:pk>/decline/": ("introduction-request", {"POST": web(HUB)}),
    "provider/offers/": (None, {"GET": web(PROVIDER)}),
    "provider/offers/new/": (None, {"GET": web(PROVIDER), "POST": web(PROVIDER)}),
    "provider/offers/upload/": (None, {"GET": web(PROVIDER), "POST": web(PROVIDER)}),
    "provider/offers/template.csv": (None, {"GET": web(PROVIDER)}),
    "provider/offers/<int:pk>/edit/": ("offer", {"GET": web(PROVIDER), "POST": web(PROVIDER)}),
    "provider/offers/<int:pk>/delete/": ("offer", {"GET": web(PROVIDER), "POST": web(PROVIDER)}),
    "hub/qa/": (None, {"GET": web(HUB)}),
    "hub/qa/<int:pk>/": ("vacancy", {"GET": web(HUB)}),
    "hub/qa/<int:pk>/approve/": ("vacancy", {"POST": web(HUB)}),
    "hub/qa/<int:pk>/refer/": ("vacancy", {"POST": web(HUB)}),
    "hub/matching/": (None, {"GET": web(HUB)}),
    "hub/matching/start/": (None, {"POST": web(HUB)}),
    "hub/gaps/": (None, {"GET": web(HUB)}),
    "hub/suggestions/": (None, {"GET": web(HUB)}),
    "hub/suggestions/<int:pk>/": ("suggestion", {"GET": web(HUB)}),
    "hub/suggestions/<int:pk>/approve/": ("suggestion", {"POST": web(HUB)}),
    "hub/suggestions/<int:pk>/reject/": ("suggestion", {"POST": web(HUB)}),
    "hub/models/": (None, {"GET": web(HUB)}),
    "hub/models/train/": (None, {"POST": web(HUB)}),
    "hub/models/<str:version>/activate/": ("model", {"POST": web(HUB)}),
    "employer/matches/": (None, {"GET": web(EMPLOYER)}),
    "employer/matches/<int:pk>/accept/": ("suggestion", {"POST": web(EMPLOYER)}),
    "employer/matches/<int:pk>/decline/": ("suggestion", {"POST": web(EMPLOYER)}),
    "provider/matches/": (None, {"GET": web(PROVIDER)}),
    "provider/matches/<int:pk>/accept/": ("suggestion", {"POST": web(PROVIDER)}),
    "provider/matches/<int:pk>/decline/": ("suggestion", {"POST": web(PROVIDER)}),
    "invitations/<str:token>/": ("invitation-link", {"GET": web(ANYONE), "POST": web(ANYONE)}),
    "organisation/people/": (None, {"GET": web(set()), "POST": web(set())}),  # an admin's; nobody here is one
    "organisation/invitations/<int:pk>/resend/": ("invitation", {"POST": web(SIGNED_IN)}),
    "organisation/invitations/<int:pk>/cancel/": ("invitation", {"POST": web(SIGNED_IN)}),
    "hub/organisations/": (None, {"GET": web(HUB)}),
    "hub/employers/<int:pk>/": ("employer", {"GET": web(HUB)}),
    "hub/employers/<int:pk>/contact/": ("employer", {"POST": web(HUB)}),
    "hub/employers/<int:pk>/invite/": ("employer", {"POST": web(HUB)}),
    "hub/providers/<int:pk>/": ("provider", {"GET": web(HUB)}),
    "hub/providers/<int:pk>/contact/": ("provider", {"POST": web(HUB)}),
    "hub/providers/<int:pk>/invite/": ("provider", {"POST": web(HUB)}),
    "hub/tasks/": (None, {"GET": web(HUB)}),
    "hub/tasks/<int:pk>/done/": ("hub-task", {"POST": web(HUB)}),
    "hub/tasks/<int:pk>/undo/": ("hub-task", {"POST": web(HUB)}),
    "dashboard/": (None, {"GET": web(HUB)}),
    "dashboard/export/<slug:name>.csv": ("report", {"GET": web(HUB)}),
}


def resolved_routes(patterns: list | None = None, prefix: str = "") -> Iterator[str]:
    """Every route the project answers, as a pattern string (admin and format suffixes aside)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if "(?P<format>" in route:
            continue
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from resolved_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def test_every_route_is_in_the_matrix() -> None:
    routes = set(resolved_routes())

    assert routes - ROUTES.keys() == set(), "a new route: say in ROUTES who may use it"
    assert ROUTES.keys() - routes == set(), "ROUTES names a route that no longer exists"


def things(market: Market, kind: str | None) -> list[Thing]:
    """The objects of a kind, from both organisations (and in each state that changes who sees it)."""
    sides = market.sides
    alice, bob, priya, quentin = (sides[name] for name in ("alice", "bob", "priya", "quentin"))
    if kind is None:
        return [None]
    if kind in {"vacancy", "public-vacancy"}:
        return [
            Thing(kind, v.pk, employer=letter, state=str(status))
            for letter, side in (("A", alice), ("B", bob))
            for status, v in side.vacancies.items()
            if status in {DRAFT, SUBMITTED, LIVE}
        ]
    if kind == "offer":
        return [
            Thing(kind, o.pk, provider=letter, state=state)
            for letter, side in (("A", priya), ("B", quentin))
            for state, o in side.offers.items()
        ]
    if kind == "suggestion":
        found = []
        for letter, side in (("A", alice), ("B", bob)):
            for s in side.suggestions.values():
                provider = "A" if s.course_offer.provider_id == priya.organisation.pk else "B"
                found.append(Thing(kind, s.pk, employer=letter, provider=provider, state=s.status))
        return found
    if kind == "introduction-request":
        return [Thing(kind, side.requests["open"].pk, employer=letter) for letter, side in (("A", alice), ("B", bob))]
    if kind == "pledge":
        return [Thing(kind, pledge.pk, employer="A", state=pledge.status) for pledge in market.pledges]
    if kind == "pledge-application":
        return [Thing(kind, a.pk, employer="B", pledger="A", state=a.status) for a in market.pledge_applications]
    if kind == "employer":
        return [Thing(kind, alice.organisation.pk, employer="A"), Thing(kind, bob.organisation.pk, employer="B")]
    if kind == "provider":
        return [Thing(kind, priya.organisation.pk, provider="A"), Thing(kind, quentin.organisation.pk, provider="B")]
    if kind == "user":
        return [Thing(kind, bob.user.pk, employer="B"), Thing(kind, priya.user.pk, provider="A")]
    if kind == "standard":
        return [Thing(kind, alice.vacancies[LIVE].standard.lars_code)]
    if kind == "place":
        return [Thing(kind, "L18JQ")]
    if kind == "local-authority":
        return [Thing(kind, "E08000012")]  # Liverpool
    if kind in {"reset-link", "alert-link"}:  # one that was never sent: the page says the link no longer works
        return [Thing(kind, "MQ")]
    if kind == "application":
        return [
            Thing(kind, application.pk, employer=letter)
            for letter, side in (("A", alice), ("B", bob))
            for application in side.applications
        ]
    if kind == "invitation":
        return [
            Thing(kind, market.sides[name].invitation.pk, **{role: letter})
            for name, role, letter in (("alice", "employer", "A"), ("quentin", "provider", "B"))
        ]
    if kind == "invitation-link":  # a pending one (one never sent is "not found", tests/organisations)
        return [Thing(kind, INVITATION_TOKEN + "bob")]
    if kind == "hub-task":
        return [Thing(kind, market.hub_task.pk, provider="A")]
    if kind == "run":
        from matching.models import MatchRun

        return [Thing(kind, MatchRun.objects.values_list("pk", flat=True).first())]
    if kind == "model":
        from matching.models import ScoringModel

        return [Thing(kind, ScoringModel.objects.values_list("version", flat=True).first())]
    if kind == "report":
        return [Thing(kind, "coverage-by-standard")]
    raise AssertionError(f"no objects for {kind}")


def url_for(route: str, thing: Thing | None) -> str:
    filled = re.sub(r"\(\?P<action>[^)]*\)", "submit", route)
    value = "" if thing is None else str(thing.pk)
    filled = re.sub(r"\(\?P<\w+>[^)]*\)|<(?:\w+:)?\w+>", value, filled)
    return "/" + filled.replace("^", "").replace("$", "")


def private_texts(market: Market) -> dict[str, list[str]]:
    """Texts only their organisation (and hub staff) may see: unpublished vacancies, closed offers."""
    texts: dict[str, list[str]] = {}
    for name, letter in (("alice", "A"), ("bob", "B")):
        hidden = [v for v in market.sides[name].vacancies.values() if v.status != LIVE]
        texts[f"employer {letter}"] = [v.title for v in hidden] + [v.notes for v in hidden]
        texts[f"employer {letter}"] += [r.message for r in market.sides[name].requests.values()]
    for name, letter in (("priya", "A"), ("quentin", "B")):
        texts[f"provider {letter}"] = [market.sides[name].offers["closed"].title]
    return texts


def db_state() -> dict[str, object]:
    """Every row of the project's tables (sign-in bookkeeping aside): on PostgreSQL a digest of each table's
    rows that the database works out (a tenth of the time of reading them here), elsewhere the rows."""
    models = [model for label in ("apprenticeships", "matching") for model in apps.get_app_config(label).get_models()]
    user = apps.get_model("auth", "User")
    tables = {model._meta.label: (model, ()) for model in models} | {"users": (user, ("id", "username", "email"))}
    if connection.vendor != "postgresql":
        return {name: list(model.objects.order_by("pk").values_list(*only)) for name, (model, only) in tables.items()}
    qn = connection.ops.quote_name

    def digest(model: type, only: tuple[str, ...]) -> str:
        row = f"ROW({', '.join(map(qn, only))})" if only else "t"
        rows = f"string_agg({row}::text, '|' ORDER BY t.{qn(model._meta.pk.column)})"
        return f"SELECT %s, md5(coalesce({rows}, '')) FROM {qn(model._meta.db_table)} t"

    digests = " UNION ALL ".join(digest(model, only) for model, only in tables.values())
    with connection.cursor() as cursor:
        cursor.execute(digests, list(tables))
        return dict(cursor.fetchall())


@pytest.fixture(scope="module")
def db_state_before(market: Market, django_db_blocker) -> dict[str, object]:
    """The database as every test of the module starts: the market, each test's writes rolled back."""
    with django_db_blocker.unblock():
        return db_state()


def rows_written() -> int:
    """Rows inserted, updated or deleted so far: in this transaction (PostgreSQL), on this connection (SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The counters behind pg_stat_xact_user_tables, read for the schema's tables only (the view is 3x slower).
            cursor.execute(
                "SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_xact_tuples_updated(c.oid)"
                " + pg_stat_get_xact_tuples_deleted(c.oid)), 0) FROM pg_class c"
                " WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace"
            )
        else:
            cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]


# Enough for every action to get past its body's validation, so a refusal is about the object.
API_BODY = {"reason": "other", "note": "Access matrix", "version": 1, "comment": "Access matrix"}


def send(client: Client, method: str, url: str, *, api: bool):
    if api and method in {"POST", "PATCH", "PUT"}:
        return getattr(client, method.lower())(url, API_BODY, format="json")
    return getattr(client, method.lower())(url)


def outcome(response, *, api: bool) -> object:
    if response.status_code in (401, 403, 404, 405):
        return response.status_code
    if not api and response.status_code == 302 and "/sign-in/" in response.get("Location", ""):
        return p.LOGIN
    return OK


@pytest.fixture
def clients(market: Market, db: None) -> dict[str, tuple[Client, APIClient]]:
    found = {"anonymous": (Client(), APIClient())}
    users = {"hannah": market.hannah} | {name: side.user for name, side in market.sides.items()}
    for name, user in users.items():
        web_client, api_client = Client(), APIClient()
        web_client.force_login(user)
        api_client.force_authenticate(user)
        found[name] = (web_client, api_client)
    return found


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_route_answers_each_persona_as_designed(
    route: str, market: Market, clients: dict, db_state_before: dict[str, object]
) -> None:
    kind, rules = ROUTES[route]
    is_api = route.startswith("api/v1/")
    private = private_texts(market)
    wrong = []
    for persona in p.PERSONAS:
        client = clients[persona][1 if is_api else 0]
        hidden = p.must_not_see(persona, private)
        for thing in things(market, kind):
            url = url_for(route, thing)
            for method in METHODS:
                rule = rules.get(method)
                expected = rule(persona, thing) if rule else p.NOT_ALLOWED
                with transaction.atomic():
                    written, queued = rows_written(), len(connection.run_on_commit)
                    response = send(client, method, url, api=is_api)
                    got = outcome(response, api=is_api)
                    if got != OK and rows_written() != written:
                        wrong.append(f"{persona} {method} {url}: refused with {response.status_code} but wrote")
                    if got != OK and len(connection.run_on_commit) != queued:  # an e-mail, a re-match
                        wrong.append(f"{persona} {method} {url}: refused but queued work for after the commit")
                    transaction.set_rollback(True)
                if response.status_code >= 500 and route != "healthz":  # 503 there names a part that is down
                    wrong.append(f"{persona} {method} {url}: server error {response.status_code}")
                if not is_api and rule is None and (got != OK or "GET" in rules):
                    expected = got if got != OK else rules["GET"](persona, thing)
                if got != expected:
                    wrong.append(f"{persona} {method} {url}: expected {expected}, got {response.status_code}")
                body = response.content.decode(errors="replace") if method == "GET" else ""
                leaked = [text for text in hidden if text in body]
                if leaked:
                    wrong.append(f"{persona} {method} {url}: leaked {leaked}")
    assert db_state() == db_state_before, "a request changed the database outside its transaction"
    assert wrong == [], "\n".join(wrong)


def test_admin_is_closed_to_everyone_but_hub_staff(market: Market, clients: dict) -> None:
    answers = {persona: clients[persona][0].get("/admin/").status_code for persona in p.PERSONAS}

    assert {persona: code for persona, code in answers.items() if persona != "hannah"} == dict.fromkeys(
        ["anonymous", "alice", "bob", "priya", "quentin"], 302
    )
