"""Reads for pages and the API."""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from operator import add, or_

from django.conf import settings
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.cache import cache
from django.core.exceptions import FieldError
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils import timezone

from apprenticeships.models import (
    CourseOffer,
    Employer,
    LocalAuthority,
    Membership,
    OfferLocation,
    Pledge,
    PledgeApplication,
    Provider,
    SearchWord,
    Standard,
    Vacancy,
    VacancyTransition,
)
from apprenticeships.places import Place
from lcr_skills.counting import with_total


def hub_overview() -> dict:
    """Headline counts for the hub's home page."""
    return {
        "employers": Employer.objects.count(),
        "levy_payers": Employer.objects.filter(is_levy_payer=True).count(),
        "providers": Provider.objects.count(),
        "users": Membership.objects.count(),
        "standards": Standard.objects.filter(status=Standard.Status.APPROVED).count(),
        "vacancies_to_review": Vacancy.objects.filter(status=Vacancy.Status.SUBMITTED).count(),
    }


def city_region_authorities() -> list[LocalAuthority]:
    """The six authorities, most deprived first, with how many of our organisations are in each."""
    return list(
        LocalAuthority.objects.filter(in_city_region=True)
        .annotate(lsoas_in_decile_1=Count("lsoas", filter=Q(lsoas__imd_decile=1)), lsoa_count=Count("lsoas"))
        .order_by("imd_rank")
    )


# Distances in the database: an equirectangular approximation in plain arithmetic, so it runs
# (and orders, and filters) on SQLite and PostgreSQL alike; within 0.5% of the great-circle
# distance at the scale of a region.
KM_PER_DEGREE = 111.195


class SquaredKm(Func):
    """The squared distance in km from a point to each row's latitude/longitude, as one expression: Django
    resolves, compares and compiles it as one node, where the same sum built of F() arithmetic is some
    twenty (a search by distance builds it, filters by it and sorts by it on every request)."""

    output_field = FloatField()

    def __init__(self, latitude_field: str, longitude_field: str, *, latitude: float, longitude: float) -> None:
        super().__init__(F(latitude_field), F(longitude_field))
        self.latitude, self.longitude = latitude, longitude

    def as_sql(self, compiler, connection, **extra_context) -> tuple[str, list]:  # noqa: ANN001 - Django's
        (lat_sql, lat_params), (lon_sql, lon_params) = (compiler.compile(e) for e in self.get_source_expressions())
        x = f"(({lon_sql} - %s) * %s)"
        y = f"(({lat_sql} - %s) * %s)"
        x_params = [*lon_params, self.longitude, KM_PER_DEGREE * math.cos(math.radians(self.latitude))]
        y_params = [*lat_params, self.latitude, KM_PER_DEGREE]
        return f"({x} * {x} + {y} * {y})", x_params * 2 + y_params * 2


def squared_km_from(latitude: float, longitude: float, *, prefix: str = "") -> SquaredKm:
    """An expression for the squared distance in km from a point to each row's latitude/longitude."""
    return SquaredKm(f"{prefix}latitude", f"{prefix}longitude", latitude=latitude, longitude=longitude)


def within_box(latitude: float, longitude: float, km: float, *, prefix: str = "") -> Q:
    """Rows whose latitude/longitude lie in the box around a point that holds the circle of `km` around it.

    Implied by `squared_km_from(...) <= km²` (the same equirectangular measure), so it changes no result;
    it is there for an index on (latitude, longitude): two ranges it can answer, where the distance
    expression would be worked out for every row."""
    km *= 1 + 1e-9  # a hair wider: a point on the circle itself must not fall outside by rounding
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * math.cos(math.radians(latitude)))
    return Q(
        **{
            f"{prefix}latitude__gte": latitude - dlat,
            f"{prefix}latitude__lte": latitude + dlat,
            f"{prefix}longitude__gte": longitude - dlon,
            f"{prefix}longitude__lte": longitude + dlon,
        }
    )


# The stored words' and the searches' text search configuration: PostgreSQL's English stemmer with accents
# taken off first, so "creche" finds "Crèche" (migration 0019; https://www.postgresql.org/docs/current/unaccent.html).
SEARCH_CONFIG = "english_unaccent"
# Where the public search looks for its text: fields a public vacancy shows (tests/security/test_ordering_leaks.py).
PUBLIC_SEARCH_FIELDS = ("title", "description", "standard__title", "employer__name")
# The fields the fuzzy match compares word by word (the description would match nearly anything).
FUZZY_FIELDS = ("title", "standard__title")
# pg_trgm's own default `word_similarity_threshold` is 0.6; a match must beat it ("plumber" is 0.625 like
# "plumbing"; https://www.postgresql.org/docs/current/pgtrgm.html). Shorter words have too few trigrams to
# compare ("liver" is 0.67 like "live"), so they match by their stem or as the start of a word only.
FUZZY_THRESHOLD = 0.6
FUZZY_MAX_WORDS = 20  # the closest words of the titles' vocabulary taken for one typed word
FUZZY_MIN_LENGTH = 6
# How long a typed word's close words are kept (Django's cache): they change only when a title brings a new word
# into the vocabulary, and until then the new word is still found by its stem, only not by a misspelling of it.
CLOSE_WORDS_SECONDS = 300
PREFIX_MIN_LENGTH = 3
SEARCH_MAX_WORDS = 10
PUBLIC_SORTS = {
    "relevance": ["-relevance", "closing_date", "id"],
    "closing_date": ["closing_date", "id"],
    "distance": ["distance_sq", "closing_date", "id"],
    "wage": ["-weekly_wage", "closing_date", "id"],
    "start_date": ["start_date", "id"],
}
# The sorts by a key worked out for each match, which no index holds in order: the database reads every match
# to sort them, so counting them too costs nothing more.
WORKED_OUT_SORTS = ("relevance", "distance")


def _text_search(vacancies: QuerySet[Vacancy], text: str, *, ranked: bool = True) -> QuerySet[Vacancy]:
    """Vacancies whose words match `text`, with a `relevance` to sort by (on PostgreSQL only when `ranked`: a
    search in another order leaves it out, since it is worked out for every match).

    PostgreSQL: English full-text search over the stored `search_vector`, stemmed (so "engineers" finds
    "engineering"), as a web search ("quoted phrases", or, -not) or with the last word as the start of
    a word (so "liver" finds "Liverpool"), ranked with SearchRank (the title weighs most); or every long
    word of the text close to a word of the title or the standard's title by trigram word similarity
    (so "plumber" finds "plumbing", which stemming does not). Elsewhere (SQLite): the text anywhere in
    the searched fields, title matches first.
    """
    words = re.findall(r"[^\W_]+", text.lower())[:SEARCH_MAX_WORDS]
    if connection.vendor != "postgresql":
        return _simple_text_search(vacancies, text, words)
    web = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    found = [Q(search_vector=web)]  # any of these (raw queries are gathered into one, below)
    raw: list[str] = []
    ranks = [SearchRank(F("search_vector"), web)]
    if words and len(words[-1]) >= PREFIX_MIN_LENGTH:  # the last word as the start of a word, as typed
        typed = " & ".join([*words[:-1], f"{words[-1]}:*"])
        raw.append(typed)
        # Plain words (no "quotes", or, -not): every match of the web search matches this one too, so the
        # filter need not read each row's vector twice.
        if _plain_words(text, words):
            found = []
        ranks.append(SearchRank(F("search_vector"), SearchQuery(typed, config=SEARCH_CONFIG, search_type="raw")))
    long_words = [word for word in words if len(word) >= FUZZY_MIN_LENGTH]
    if long_words:
        # Each long word close to a word of the title or the standard's title: the close words are found in
        # the titles' vocabulary (SearchWord) by `%>` through its trigram index, then looked up in the
        # full-text index among the title's and the standard's words only (weights A and B). A similarity
        # computed for each vacancy in WHERE would be worked out for every one in the box.
        close = _close_words(long_words)
        if all(close.values()):
            raw.append(" & ".join("(" + " | ".join(f"{w}:AB" for w in close[word]) + ")" for word in long_words))
    if raw:  # one query, so the full-text index is read once for them all
        either = " | ".join(f"({query})" for query in raw)
        found.append(Q(search_vector=SearchQuery(either, config=SEARCH_CONFIG, search_type="raw")))
    vacancies = vacancies.filter(reduce(or_, found))
    if not ranked:
        return vacancies
    similarity = Value(0.0, output_field=FloatField())
    if long_words:
        names = [f"similarity_{i}" for i in range(len(long_words))]
        vacancies = vacancies.annotate(
            **{
                name: Greatest(*(TrigramWordSimilarity(word, field) for field in FUZZY_FIELDS))
                for name, word in zip(names, long_words, strict=True)
            }
        )
        similarity = reduce(add, (F(name) for name in names)) / Value(float(len(names)))
    rank = Greatest(*ranks) if len(ranks) > 1 else ranks[0]
    return vacancies.annotate(relevance=ExpressionWrapper(rank + similarity, output_field=FloatField()))


def _plain_words(text: str, words: list[str]) -> bool:
    """The text is words and spaces only, none of them the web search's `or` (so the web search ANDs them)."""
    return "or" not in words and re.fullmatch(r"[^\W_]+(?:\s+[^\W_]+)*", text.strip()) is not None


def _close_words(words: list[str]) -> dict[str, list[str]]:
    """For each word, the words of titles whose trigram word similarity to it is above FUZZY_THRESHOLD
    (the closest FUZZY_MAX_WORDS): kept in the cache for CLOSE_WORDS_SECONDS, else read in one query."""
    keys = {word: f"search-close-words:{word}" for word in words}
    kept = cache.get_many(list(keys.values()))
    close = {word: kept[key] for word, key in keys.items() if key in kept}
    if missing := [word for word in words if word not in close]:
        found = _close_words_read(missing)
        cache.set_many({keys[word]: found[word] for word in missing}, CLOSE_WORDS_SECONDS)
        close |= found
    return close


def _close_words_read(words: list[str]) -> dict[str, list[str]]:
    """`_close_words` from the vocabulary, in one query through its trigram index."""
    close: dict[str, list[tuple[float, str]]] = {word: [] for word in words}
    likeness = {f"like_{i}": TrigramWordSimilarity(word, "word") for i, word in enumerate(words)}
    near = reduce(or_, (Q(TrigramWordSimilar(F("word"), Value(word))) for word in words))  # `word %> typed`
    for row in SearchWord.objects.filter(near).annotate(**likeness).values("word", *likeness):
        for i, word in enumerate(words):
            if row[f"like_{i}"] > FUZZY_THRESHOLD and row["word"].isalnum():
                close[word].append((row[f"like_{i}"], row["word"]))
    return {word: [w for _, w in sorted(found, reverse=True)[:FUZZY_MAX_WORDS]] for word, found in close.items()}


# Endings the simple search drops from a word, so that "plumber" finds "plumbing" (a crude stem).
SIMPLE_ENDINGS = ("ers", "ing", "er", "es", "ed", "s")


def word_root(word: str) -> str:
    for ending in SIMPLE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _simple_text_search(vacancies: QuerySet[Vacancy], text: str, words: list[str]) -> QuerySet[Vacancy]:
    """The embedded default's search (SQLite): every word's root somewhere in the searched fields, title matches
    first."""
    for word in words or [text]:
        root = word_root(word)
        vacancies = vacancies.filter(reduce(or_, (Q(**{f"{name}__icontains": root}) for name in PUBLIC_SEARCH_FIELDS)))
    in_title = Case(When(title__icontains=text, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    return vacancies.annotate(relevance=in_title)


def public_vacancies(
    *,
    text: str = "",
    levels: Sequence[int] = (),
    foundation: bool = False,
    age_group: str = "",
    local_authority: str = "",
    near: Place | None = None,
    within_km: float | None = None,
    sort: str = "",
    today: date | None = None,
) -> QuerySet[Vacancy]:
    """Live vacancies still open for applications, as anyone may search them.

    `levels`: any of these levels; `foundation`: foundation apprenticeships only; `age_group`: open to
    apprentices of that age group ("16-18"); `within_km` of the `near` place's postcode district centre.
    `sort` defaults to relevance when there is text, else to the closing date.
    """
    vacancies = _open_to_public(today).select_related("employer", "standard", "local_authority")
    sort = sort or ("relevance" if text else "closing_date")
    if text:
        vacancies = _text_search(vacancies, text, ranked=sort == "relevance")
    elif sort == "relevance":
        sort = "closing_date"
    if levels:
        vacancies = vacancies.filter(standard__level__in=list(levels))
    if foundation:
        vacancies = vacancies.filter(standard__is_foundation=True)
    if age_group:
        # jsonb containment on PostgreSQL; SQLite has no JSON `contains`, so the quoted group in the JSON text.
        open_to = (
            Q(age_groups__contains=[age_group])
            if connection.vendor == "postgresql"
            else Q(age_groups__icontains=f'"{age_group}"')
        )
        vacancies = vacancies.filter(open_to)
    if local_authority:
        vacancies = vacancies.filter(
            Q(local_authority__code=local_authority) | Q(local_authority__name__iexact=local_authority)
        )
    if near is not None:
        vacancies = vacancies.annotate(distance_sq=squared_km_from(near.latitude, near.longitude))
        if within_km is not None:
            vacancies = vacancies.filter(
                within_box(near.latitude, near.longitude, within_km), distance_sq__lte=within_km * within_km
            )
    elif sort == "distance":
        sort = "closing_date"
    return vacancies.order_by(*PUBLIC_SORTS[sort])


def _open_to_public(today: date | None = None) -> QuerySet[Vacancy]:
    """Live vacancies still open for applications: all the public may see."""
    return Vacancy.objects.filter(status=Vacancy.Status.LIVE, closing_date__gte=today or timezone.localdate())


def public_search_keys(vacancies: QuerySet[Vacancy]) -> QuerySet:
    """A public search as its matches' keys to page through: `pk`, and `distance_sq` with a postcode, in the
    search's order (the page's rows are then read by id: `public_vacancy_rows_by_id`, `public_vacancies_by_id`).

    Sorted by one of WORKED_OUT_SORTS, the search reads every match anyway: each key carries the total
    (`with_total`), so no second search counts them. In another order the list may come from an index walk
    that stops after the page, and is counted on its own."""
    keys = vacancies.values("pk", *(["distance_sq"] if "distance_sq" in vacancies.query.annotations else []))
    order = vacancies.query.order_by
    if order and order[0] in {PUBLIC_SORTS[sort][0] for sort in WORKED_OUT_SORTS}:
        return with_total(keys)
    return keys


def public_vacancy_rows_by_id(ids: Sequence[int], columns: Sequence[str]) -> dict[int, dict]:
    """The `columns` of those of these vacancies still open to the public, by id."""
    rows = _open_to_public().filter(pk__in=ids).order_by().values(*columns)
    return {row["id"]: row for row in rows}


def public_vacancies_by_id(keys: Sequence[dict]) -> list[Vacancy]:
    """The vacancies of a page of `public_search_keys` still open to the public, in its order, each with its
    `distance_sq` where the search had a postcode."""
    found = (
        _open_to_public()
        .filter(pk__in=[key["pk"] for key in keys])
        .select_related("employer", "standard", "local_authority")
        .in_bulk()
    )
    vacancies = []
    for key in keys:
        if vacancy := found.get(key["pk"]):  # one closed between the two reads is left out
            vacancy.distance_sq = key.get("distance_sq")
            vacancies.append(vacancy)
    return vacancies


@dataclass(frozen=True)
class AgreedTraining:
    provider: str
    course: str


def vacancy_training_agreed(vacancy: Vacancy) -> list[AgreedTraining]:
    """The training providers and courses a vacancy's employer has agreed with (once both parties agreed).

    Read through the reverse name `suggestions` that matching's Suggestion gives CourseOffer and Vacancy,
    and its stored status value "agreed": apprenticeships imports nothing from matching
    (docs/architecture.md), and without matching installed there is simply none.
    """
    try:
        offers = CourseOffer.objects.filter(suggestions__vacancy=vacancy, suggestions__status="agreed")
        rows = offers.select_related("provider").order_by("provider__name", "title").distinct()
        return [AgreedTraining(provider=offer.provider.name, course=offer.title) for offer in rows]
    except FieldError:
        return []


def offers_within(queryset: QuerySet[CourseOffer], *, near: Place, within_km: float) -> QuerySet[CourseOffer]:
    """Offers with a delivery location within `within_km` of a place."""
    nearby = OfferLocation.objects.alias(distance_sq=squared_km_from(near.latitude, near.longitude)).filter(
        distance_sq__lte=within_km * within_km
    )
    return queryset.filter(id__in=nearby.values("offer_id"))


def review_deadline(submitted_at: datetime) -> datetime:
    """When hub QA should have reviewed a vacancy: working days after submission, weekends skipped.

    Bank holidays are not known, so they count as working days.
    """
    deadline = timezone.localtime(submitted_at)
    if deadline.weekday() >= 5:  # sent at the weekend: the clock starts on Monday morning
        deadline = (deadline + timedelta(days=7 - deadline.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    for _ in range(settings.VACANCY_REVIEW_WORKING_DAYS):
        deadline += timedelta(days=1)
        while deadline.weekday() >= 5:
            deadline += timedelta(days=1)
    return deadline


@dataclass(frozen=True)
class QueueItem:
    vacancy: Vacancy
    deadline: datetime
    overdue: bool


def qa_queue(*, now: datetime | None = None) -> list[QueueItem]:
    """Submitted vacancies waiting for hub QA, oldest first, each with its review deadline."""
    now = now or timezone.now()
    waiting = (
        Vacancy.objects.filter(status=Vacancy.Status.SUBMITTED)
        .select_related("employer", "standard", "local_authority")
        .order_by("submitted_at", "id")
    )
    items = []
    for vacancy in waiting:
        deadline = review_deadline(vacancy.submitted_at or vacancy.updated_at)
        items.append(QueueItem(vacancy, deadline, deadline < now))
    return items


# The order an employer's dashboard shows its vacancies in: what needs doing first.
DASHBOARD_ORDER = [
    Vacancy.Status.DRAFT,
    Vacancy.Status.SUBMITTED,
    Vacancy.Status.LIVE,
    Vacancy.Status.FILLED,
    Vacancy.Status.CLOSED,
    Vacancy.Status.WITHDRAWN,
]


REFERRED_BACK = "referred"  # a draft the hub has referred back: the employer's to-do, shown as its own group


@dataclass(frozen=True)
class StatusGroup:
    status: str
    label: str
    vacancies: list[Vacancy]


def with_referral(vacancies: QuerySet[Vacancy]) -> QuerySet[Vacancy]:
    """Annotate `referral_comment`: the hub's comment when the vacancy's latest step was being referred back, else None.

    A draft the employer is still editing after a referral is still referred back (editing a draft
    records no step); submitting it again is a step, and ends that.
    """
    latest = VacancyTransition.objects.filter(vacancy=OuterRef("pk")).order_by("-created_at", "-id")
    return vacancies.annotate(
        last_from=Subquery(latest.values("from_status")[:1]),
        last_to=Subquery(latest.values("to_status")[:1]),
        last_comment=Subquery(latest.values("comment")[:1]),
        referral_comment=Case(
            When(
                status=Vacancy.Status.DRAFT,
                last_from=Vacancy.Status.SUBMITTED,
                last_to=Vacancy.Status.DRAFT,
                then=F("last_comment"),
            ),
            default=None,
        ),
    )


def vacancies_by_status(vacancies: QuerySet[Vacancy]) -> list[StatusGroup]:
    """Vacancies grouped by status in dashboard order (empty groups left out), newest first in each.

    Drafts the hub has referred back come first, as "Referred back", each with the hub's comment."""
    rows = list(with_referral(vacancies).select_related("standard").order_by("-updated_at", "-id"))
    referred = [v for v in rows if v.referral_comment is not None]
    groups = [StatusGroup(REFERRED_BACK, "Referred back", referred)]
    groups += [
        StatusGroup(status, status.label, [v for v in rows if v.status == status and v.referral_comment is None])
        for status in DASHBOARD_ORDER
    ]
    return [group for group in groups if group.vacancies]


def provider_offers(provider: Provider, *, today: date | None = None) -> QuerySet[CourseOffer]:
    """A provider's offers by title, with the places left in cohorts that have not started."""
    today = today or timezone.localdate()
    return (
        CourseOffer.objects.filter(provider=provider)
        .select_related("standard")
        .annotate(places_left=Sum("cohorts__places", filter=Q(cohorts__start_date__gte=today), default=0))
        .order_by("title", "id")
    )


# School leavers: apprentices aged 16 to 18 when they start (the funding rules' first age group).
SCHOOL_LEAVER_AGE_GROUP = "16-18"


def school_leaver_vacancies(local_authority: LocalAuthority, *, today: date | None = None) -> QuerySet[Vacancy]:
    """Live vacancies open to 16 to 18 year olds in one local authority, closing soonest first."""
    return public_vacancies(
        age_group=SCHOOL_LEAVER_AGE_GROUP, local_authority=local_authority.code, sort="closing_date", today=today
    )


@dataclass(frozen=True)
class PledgeMoney:
    """One pledge's pounds: pledged, waiting on pending applications, held (approved/accepted), used, expired."""

    pledged: Decimal
    pending: Decimal
    reserved: Decimal
    used: Decimal
    expired: Decimal
    available: Decimal  # what no approved, accepted or used application holds (0 once withdrawn or closed)
    returned: Decimal  # a withdrawn or closed pledge's remaining (held for nobody, declines and expiries included)


def pledge_fundable_vacancies(employer: Employer, pledge: Pledge) -> QuerySet[Vacancy]:
    """The employer's vacancies a pledge may fund (submitted, live or filled: `application_create`'s rule) that
    have not asked this pledge yet (each asks a pledge once)."""
    asked = PledgeApplication.objects.filter(pledge=pledge).values("vacancy")
    return (
        Vacancy.objects.filter(employer=employer, status__in=Vacancy.COMMITTING)
        .exclude(pk__in=asked)
        .select_related("standard")
        .order_by("title", "id")
    )


def pledges_money(pledges: list) -> dict[int, PledgeMoney]:
    """Each pledge's money from its applications, in one query whatever their number."""
    status = PledgeApplication.Status
    sums: dict[tuple[int, str], Decimal] = {}
    rows = (
        PledgeApplication.objects.filter(pledge__in=[p.pk for p in pledges])
        .values("pledge_id", "status")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        sums[(row["pledge_id"], row["status"])] = row["total"] or Decimal(0)
    found = {}
    for pledge in pledges:

        def get(state: str, pk: int = pledge.pk) -> Decimal:
            return sums.get((pk, state), Decimal(0))

        found[pledge.pk] = PledgeMoney(
            pledged=pledge.amount,
            pending=get(status.PENDING),
            reserved=get(status.APPROVED) + get(status.ACCEPTED),
            used=get(status.FUNDS_USED),
            expired=get(status.EXPIRED),
            available=pledge.remaining if pledge.status == Pledge.Status.OPEN else Decimal(0),
            returned=Decimal(0) if pledge.status == Pledge.Status.OPEN else pledge.remaining,
        )
    return found


# --- Organisations and their people --------------------------------------------------------------


def _with_user_counts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(active_users=Count("members", filter=Q(members__user__is_active=True), distinct=True))


def organisations_for_hub(*, without_users: bool = False) -> list[Employer | Provider]:
    """Every employer and provider, with `active_users` counted, by name (only those with none if asked)."""
    employers = _with_user_counts(Employer.objects.all())
    providers = _with_user_counts(Provider.objects.all())
    if without_users:
        employers, providers = employers.filter(active_users=0), providers.filter(active_users=0)
    return sorted([*employers, *providers], key=lambda organisation: (organisation.name.casefold(), organisation.pk))


def organisation_has_users(organisation: Employer | Provider) -> bool:
    """Whether anyone at the organisation has an active account (and so receives the service's e-mails)."""
    return organisation.members.filter(user__is_active=True).exists()


def organisation_people(organisation: Employer | Provider) -> QuerySet[Membership]:
    """The organisation's people with their accounts, admins first."""
    return organisation.members.select_related("user").order_by("-is_admin", "user__first_name", "user__username")


def active_users_exist(*, employer: object = None, provider: object = None) -> Exists:
    """A subquery for annotations: whether the employer (or provider) given as an OuterRef has an active user."""
    scope = {"employer": employer} if employer is not None else {"provider": provider}
    return Exists(Membership.objects.filter(user__is_active=True, **scope))
