"""Each role's home page is a to-do list: sections of things waiting for the person, each linking to where they act.

apprenticeships provides its own sections here; an app above it (matching: introductions waiting
for an answer, suggestions waiting for review) registers its sections with `todo_section_register`
from its AppConfig.ready(), so that nothing here imports it (docs/architecture.md).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from apprenticeships import selectors
from apprenticeships.models import Cohort, CourseOffer, Employer, Provider, Role, Vacancy
from apprenticeships.permissions import user_organisation, visible_hub_tasks, visible_vacancies
from lcr_skills.formats import long_date

ENTRIES_SHOWN = 5  # each section lists this many, then links to the page with all of them


@dataclass(frozen=True)
class TodoEntry:
    text: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class TodoSection:
    """One kind of thing waiting for the person: how many, the first few, and where to see them all."""

    key: str
    heading: str
    count: int
    url: str
    link_text: str
    empty: str  # what the page says when there are none
    entries: list[TodoEntry] = field(default_factory=list)
    order: int = 50


SectionFunction = Callable[[User], TodoSection]
_registered: dict[str, list[SectionFunction]] = {Role.HUB: [], Role.EMPLOYER: [], Role.PROVIDER: []}


def todo_section_register(role: str, section: SectionFunction) -> None:
    """Add a section to a role's to-do list (an app above apprenticeships calls this from its ready())."""
    if section not in _registered[role]:
        _registered[role].append(section)


def todo_sections(user: User, role: str) -> list[TodoSection]:
    """The role's to-do sections for this user, in order."""
    sections = [make(user) for make in [*OWN_SECTIONS.get(role, []), *_registered.get(role, [])]]
    return sorted(sections, key=lambda section: section.order)


def _first(queryset: QuerySet, entry: Callable[[object], TodoEntry]) -> list[TodoEntry]:
    return [entry(row) for row in queryset[:ENTRIES_SHOWN]]


# --- Employers -----------------------------------------------------------------------------------


def employer_referred_back(user: User) -> TodoSection:
    referred = selectors.with_referral(visible_vacancies(user)).filter(referral_comment__isnull=False)
    referred = referred.order_by("-updated_at", "-id")
    return TodoSection(
        key="referred-back",
        heading="Vacancies referred back to you",
        count=referred.count(),
        url=reverse("employer-vacancies") + "#status-referred",
        link_text="See your vacancies",
        empty="No vacancies are waiting for your changes. When the hub refers one back, its comments appear here.",
        entries=_first(
            referred,
            lambda v: TodoEntry(
                v.title, reverse("employer-vacancy-edit", args=[v.pk]), f"The hub's comments: {v.referral_comment}"
            ),
        ),
        order=20,
    )


def employer_drafts(user: User) -> TodoSection:
    drafts = selectors.with_referral(visible_vacancies(user)).filter(
        status=Vacancy.Status.DRAFT, referral_comment__isnull=True
    )
    drafts = drafts.order_by("-updated_at", "-id")
    return TodoSection(
        key="drafts",
        heading="Draft vacancies to finish and submit",
        count=drafts.count(),
        url=reverse("employer-vacancies") + "#status-draft",
        link_text="See your vacancies",
        empty="You have no drafts. Create a vacancy for each apprenticeship job you want to fill.",
        entries=_first(
            drafts,
            lambda v: TodoEntry(
                v.title,
                reverse("employer-vacancy", args=[v.pk]),
                f"Last changed {long_date(timezone.localtime(v.updated_at))}",
            ),
        ),
        order=30,
    )


# --- Training providers --------------------------------------------------------------------------


def provider_cohorts_starting_soon(user: User) -> TodoSection:
    provider = user_organisation(user)
    today = timezone.localdate()
    weeks = settings.COHORTS_STARTING_SOON_WEEKS
    cohorts = (
        Cohort.objects.filter(
            offer__provider=provider if isinstance(provider, Provider) else None,
            offer__status=CourseOffer.Status.OPEN,
            start_date__gte=today,
            start_date__lte=today + timedelta(weeks=weeks),
            places__gt=0,
        )
        .select_related("offer")
        .order_by("start_date", "id")
    )
    return TodoSection(
        key="cohorts",
        heading=f"Cohorts starting within {weeks} weeks with places left",
        count=cohorts.count(),
        url=reverse("provider-offers"),
        link_text="See your course offers",
        empty=f"None of your cohorts starting in the next {weeks} weeks has places left to fill.",
        entries=_first(
            cohorts,
            lambda c: TodoEntry(
                c.offer.title,
                reverse("provider-offer-edit", args=[c.offer_id]),
                f"Starts {long_date(c.start_date)}: {c.places} place{'s' if c.places != 1 else ''} left",
            ),
        ),
        order=30,
    )


# --- Hub staff -----------------------------------------------------------------------------------


def hub_qa_due(user: User) -> TodoSection:
    today = timezone.localdate()
    queue = selectors.qa_queue()
    due = [item for item in queue if timezone.localtime(item.deadline).date() <= today]
    empty = "No vacancies are due for review today."
    if later := [item.deadline for item in queue if timezone.localtime(item.deadline).date() > today]:
        # The queue is waiting all the same: say so, so that "none due" doesn't read as "none there".
        waiting = "1 is" if len(later) == 1 else f"{len(later)} are"
        empty += f" {waiting} waiting, the first due by the end of {long_date(timezone.localtime(min(later)).date())}."
    return TodoSection(
        key="qa",
        heading="Vacancies due for QA today",
        count=len(due),
        url=reverse("hub-qa-queue"),
        link_text="Go to the QA queue",
        empty=empty,
        entries=[
            TodoEntry(
                f"{item.vacancy.title} ({item.vacancy.employer.name})",
                reverse("hub-qa-review", args=[item.vacancy.pk]),
                "Overdue" if item.overdue else "Review by the end of today",
            )
            for item in due[:ENTRIES_SHOWN]
        ],
        order=10,
    )


def hub_organisations_without_users(user: User) -> TodoSection:
    organisations = selectors.organisations_for_hub(without_users=True)

    def entry(organisation: Employer | Provider) -> TodoEntry:
        kind = "employer" if isinstance(organisation, Employer) else "provider"
        return TodoEntry(
            organisation.name,
            reverse(f"hub-{kind}", args=[organisation.pk]),
            "Employer" if kind == "employer" else "Training provider",
        )

    return TodoSection(
        key="no-users",
        heading="Organisations without users",
        count=len(organisations),
        url=reverse("hub-organisations") + "?without_users=1",
        link_text="See every organisation without users",
        empty="Every organisation has someone with an account.",
        entries=[entry(organisation) for organisation in organisations[:ENTRIES_SHOWN]],
        order=30,
    )


def hub_open_tasks(user: User) -> TodoSection:
    tasks = visible_hub_tasks(user).filter(done_at=None).order_by("-created_at", "-id")
    return TodoSection(
        key="tasks",
        heading="Open hub tasks",
        count=tasks.count(),
        url=reverse("hub-tasks"),
        link_text="See every hub task",
        empty="There are no open hub tasks.",
        entries=_first(tasks, lambda t: TodoEntry(t.title, reverse("hub-tasks") + f"#task-{t.pk}", t.details)),
        order=40,
    )


OWN_SECTIONS: dict[str, list[SectionFunction]] = {
    Role.EMPLOYER: [employer_referred_back, employer_drafts],
    Role.PROVIDER: [provider_cohorts_starting_soon],
    Role.HUB: [hub_qa_due, hub_organisations_without_users, hub_open_tasks],
}
