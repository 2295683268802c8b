"""Hub decisions and introductions: approve or reject a suggestion, then both parties accept or decline.

Every change locks the suggestion's row, checks the status and the version the person saw, and
writes one audit entry, inside one transaction; a partial unique index allows one decision per
suggestion whatever happens. Approving and answering lock the vacancy's row first (the order the
vacancy's own lifecycle takes them in: vacancy, then its suggestions, then the cohort), so no
vacancy gets two approved matches, no two approvals can overfill a cohort, and no match is agreed
on a vacancy that has just left the market.

When a vacancy leaves the market (`apprenticeships.signals.vacancy_left_market`), its introductions
not yet agreed end (`introductions_end`): their places come back, both parties are e-mailed, and
the hub is e-mailed about any agreed match, which stays agreed.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Cohort, Employer, Membership, Provider, Role, Vacancy
from apprenticeships.permissions import HUB_GROUP, user_organisation, user_role
from apprenticeships.services.hub_tasks import hub_task_introduce_by_phone, hub_tasks_close
from lcr_skills.errors import Conflict
from lcr_skills.formats import long_date
from lcr_skills.links import site_url
from lcr_skills.text import one_line
from matching.enqueue import (
    AGREED_MATCH_KEPT_SEND,
    INTRODUCTION_ENDED_SEND,
    INTRODUCTION_SEND,
    after_commit,
    rematch_after_commit,
    rematch_vacancy_held,
)
from matching.ml.explain import summary
from matching.models import (
    EndReason,
    PartyResponse,
    RejectReason,
    StandardSlack,
    Suggestion,
    SuggestionEvent,
    reject_note_missing,
)
from matching.services.pledges import pledge_application_open

S = Suggestion.Status


class DecisionConflict(Conflict):
    """The suggestion can't change as asked (already decided, changed since seen, cohort full …)."""

    def __init__(self, message: str, suggestion: Suggestion) -> None:
        super().__init__(message)
        self.suggestion = suggestion

    def fields(self) -> dict[str, object]:
        return {"status": self.suggestion.status, "version": self.suggestion.version}


def _seen(suggestion: Suggestion) -> dict:
    return {
        "score": suggestion.score,
        "rank": suggestion.rank,
        "version": suggestion.version,
        "model_version": suggestion.model_version,
        "features": suggestion.features,
        "contributions": suggestion.contributions,
        "explanation": summary(suggestion.explanation),
    }


def _record(
    suggestion: Suggestion,
    action: str,
    *,
    by: User | None,
    seen: dict,
    from_status: str,
    reason: str = "",
    note: str = "",
) -> None:
    SuggestionEvent.objects.create(
        suggestion=suggestion,
        action=action,
        actor=by,
        actor_role=user_role(by) or "system" if by else "system",
        from_status=from_status,
        to_status=suggestion.status,
        reason=reason,
        note=note,
        seen=seen,
    )


def _vacancy_locked(suggestion_id: int) -> Vacancy:
    """The suggestion's vacancy, locked before the suggestion (as the vacancy's lifecycle does): one order, no deadlock.

    FOR NO KEY UPDATE, as the lifecycle takes it: a matching run inserting suggestions for the
    vacancy needs only a key-share lock on it, and must not wait for a decision that waits for it.
    """
    vacancy_id = Suggestion.objects.filter(pk=suggestion_id).values_list("vacancy_id", flat=True).first()
    if vacancy_id is None:
        raise Suggestion.DoesNotExist(f"No suggestion {suggestion_id}")
    return Vacancy.objects.select_for_update(no_key=True).get(pk=vacancy_id)


def _locked(suggestion_id: int) -> Suggestion:
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("vacancy__employer", "course_offer__provider", "cohort")
        .get(pk=suggestion_id)
    )


def suggestion_approve(suggestion_id: int, *, by: User, version: int) -> Suggestion:
    """Approve a suggestion as seen at `version`: introduces the employer and the provider."""
    try:
        with transaction.atomic():
            # The vacancy's row first: approvals of two of its suggestions (different cohorts) lock
            # different suggestion and cohort rows, and would both find no approved match yet.
            vacancy = _vacancy_locked(suggestion_id)
            suggestion = _locked(suggestion_id)
            _check_open(suggestion, version)
            if vacancy.status != Vacancy.Status.LIVE:
                raise DecisionConflict(
                    f"The vacancy is {vacancy.get_status_display().lower()}: only a live vacancy can be introduced.",
                    suggestion,
                )
            if vacancy.suggestions.filter(status__in=Suggestion.MATCHED).exists():
                raise DecisionConflict("This vacancy already has an approved match.", suggestion)
            cohort = Cohort.objects.select_for_update().get(pk=suggestion.cohort_id)
            held = (
                Suggestion.objects.filter(cohort=cohort, status__in=Suggestion.HOLDING_PLACES).aggregate(
                    n=Sum("vacancy__positions")
                )["n"]
                or 0
            )
            if held + vacancy.positions > cohort.places:
                raise DecisionConflict(
                    f"Approving would overfill the cohort: {cohort.places - held} of its places are left "
                    f"and the vacancy needs {vacancy.positions}.",
                    suggestion,
                )
            seen = _seen(suggestion)
            # Its vacancy leaves the market and its places are held. Every provider's share of approvals is
            # a feature too, but scores use the shares of the last full run (ProviderShare) until the next
            # one: no other standard's scores move, so only this standard's slack is forgotten.
            StandardSlack.forget([vacancy.standard_id])
            suggestion.status, suggestion.version, suggestion.decided_at = S.APPROVED, F("version") + 1, timezone.now()
            suggestion.save(update_fields=["status", "version", "decided_at", "updated_at"])
            suggestion.refresh_from_db(fields=["version"])
            _record(suggestion, SuggestionEvent.Action.APPROVE, by=by, seen=seen, from_status=S.SUGGESTED)
            pledge_application_open(suggestion, by=by)  # a three-way suggestion applies to its pledge (issue 17)
            # The e-mail goes from a worker, which retries while the mail server is down. Robust: the
            # approval stands if the broker is down too (Django logs the error); both parties see
            # the introduction on their pages either way.
            for party in INTRODUCED_PARTIES:
                after_commit(INTRODUCTION_SEND, suggestion.pk, party)
            _phone_tasks(suggestion)
    except IntegrityError:  # another decision got in first (the unique index is the last word)
        raise DecisionConflict(
            "This suggestion has already been decided.", Suggestion.objects.get(pk=suggestion_id)
        ) from None
    return suggestion


def suggestion_reject(suggestion_id: int, *, by: User, version: int, reason: str, note: str = "") -> Suggestion:
    """Reject a suggestion as seen at `version`, with a reason from the fixed list (and a note for "other")."""
    note = note.strip()
    if reason not in RejectReason.values:
        raise ValueError(f"unknown reason {reason!r}")
    if reject_note_missing(reason, note):
        raise ValidationError({"note": ["Say why, when the reason is “other”."]})
    try:
        with transaction.atomic():
            suggestion = _locked(suggestion_id)
            _check_open(suggestion, version)
            seen = _seen(suggestion)
            StandardSlack.forget([suggestion.vacancy.standard_id])  # a pair gone from the market
            suggestion.status, suggestion.version, suggestion.decided_at = S.REJECTED, F("version") + 1, timezone.now()
            suggestion.reject_reason = reason
            suggestion.save(update_fields=["status", "version", "decided_at", "reject_reason", "updated_at"])
            suggestion.refresh_from_db(fields=["version"])
            _record(
                suggestion,
                SuggestionEvent.Action.REJECT,
                by=by,
                seen=seen,
                from_status=S.SUGGESTED,
                reason=reason,
                note=note,
            )
    except IntegrityError:
        raise DecisionConflict(
            "This suggestion has already been decided.", Suggestion.objects.get(pk=suggestion_id)
        ) from None
    return suggestion


def _check_open(suggestion: Suggestion, version: int) -> None:
    if suggestion.status != S.SUGGESTED:
        raise DecisionConflict(f"This suggestion has already been {suggestion.status}.", suggestion)
    if suggestion.version != version:
        raise DecisionConflict(
            f"This suggestion has changed since you saw it (version {version}, now {suggestion.version}): "
            "look at it again before deciding.",
            suggestion,
        )


def party_of(user: User, suggestion: Suggestion) -> str | None:
    """ "employer" or "provider" if the user's organisation is that party to the suggestion."""
    organisation = user_organisation(user)
    if isinstance(organisation, Employer) and suggestion.vacancy.employer_id == organisation.id:
        return Role.EMPLOYER
    if isinstance(organisation, Provider) and suggestion.course_offer.provider_id == organisation.id:
        return Role.PROVIDER
    return None


@transaction.atomic
def suggestion_respond(suggestion_id: int, *, by: User, accept: bool, reason: str = "") -> Suggestion:
    """An employer or provider accepts or declines an introduction; both accepting agrees it."""
    vacancy = _vacancy_locked(suggestion_id)
    suggestion = _locked(suggestion_id)
    party = party_of(by, suggestion)
    if party is None:
        raise PermissionError("Only the employer or the provider of this match can answer it.")
    if suggestion.status == S.ENDED:
        why = EndReason(suggestion.end_reason).label.lower()
        raise DecisionConflict(f"This match has ended ({why}); it can't be answered now.", suggestion)
    if suggestion.status not in Suggestion.HOLDING_PLACES:  # introduced, and not yet answered by both
        raise DecisionConflict(f"This match is {suggestion.status}; it can't be answered now.", suggestion)
    if accept and vacancy.status != Vacancy.Status.LIVE:  # it has just left the market: never agree on that
        raise DecisionConflict(
            f"The vacancy is {vacancy.get_status_display().lower()}; this match can't be agreed.", suggestion
        )
    field = f"{party}_response"
    if getattr(suggestion, field):
        raise DecisionConflict(f"Your organisation has already {getattr(suggestion, field)} this match.", suggestion)
    reason = reason.strip()
    if not accept and not reason:
        raise ValueError("A reason is needed to decline")
    from_status, seen = suggestion.status, _seen(suggestion)
    setattr(suggestion, field, PartyResponse.ACCEPTED if accept else PartyResponse.DECLINED)
    other = suggestion.provider_response if party == Role.EMPLOYER else suggestion.employer_response
    if not accept:
        suggestion.status = S.DECLINED
        action = SuggestionEvent.Action.DECLINE
        _phone_tasks_close(suggestion, because=f"the {party} declined the match")
        StandardSlack.forget([suggestion.vacancy.standard_id])  # its places come back
        rematch_after_commit([suggestion.vacancy.standard_id])  # the vacancy is open to matching again
    elif other == PartyResponse.ACCEPTED:
        suggestion.status = S.AGREED
        action = SuggestionEvent.Action.AGREE
        positions = suggestion.vacancy.positions
        taken = Cohort.objects.filter(pk=suggestion.cohort_id, places__gte=positions).update(
            places=F("places") - positions
        )
        if not taken:
            raise DecisionConflict("The cohort no longer has the places this match needs.", suggestion)
    else:
        suggestion.status = S.ACCEPTED
        action = SuggestionEvent.Action.ACCEPT
    suggestion.version = F("version") + 1
    suggestion.save(update_fields=["status", field, "version", "updated_at"])
    suggestion.refresh_from_db(fields=["version"])
    _record(suggestion, action, by=by, seen=seen, from_status=from_status, note=reason)
    return suggestion


def active_members() -> QuerySet[Membership]:
    """Members whose accounts are active, with their users: what `party_contacts` lists (and a list view prefetches)."""
    return Membership.objects.filter(user__is_active=True).select_related("user").order_by("id")


def party_contacts(suggestion: Suggestion) -> dict[str, list[dict]]:
    """Each party's people (name and e-mail), shown to the other only once the hub has approved."""
    employer, provider = suggestion.vacancy.employer, suggestion.course_offer.provider
    # A list view prefetches them (`contact_members`), so a page costs no query per suggestion.
    employer_members = getattr(employer, "contact_members", None)
    provider_members = getattr(provider, "contact_members", None)
    if employer_members is None:
        employer_members = active_members().filter(employer_id=employer.pk)
    if provider_members is None:
        provider_members = active_members().filter(provider_id=provider.pk)
    return {"employer": [_person(m) for m in employer_members], "provider": [_person(m) for m in provider_members]}


def organisations_people(
    *, employer_ids: Iterable[int], provider_ids: Iterable[int]
) -> tuple[dict[int, list[dict]], dict[int, list[dict]]]:
    """What `party_contacts` lists for many organisations in one query: each employer's people, each provider's."""
    employers: dict[int, list[dict]] = defaultdict(list)
    providers: dict[int, list[dict]] = defaultdict(list)
    members = active_members().filter(Q(employer_id__in=list(employer_ids)) | Q(provider_id__in=list(provider_ids)))
    for member in members:
        if member.employer_id:
            employers[member.employer_id].append(_person(member))
        if member.provider_id:
            providers[member.provider_id].append(_person(member))
    return employers, providers


def _person(member: Membership) -> dict:
    return {"name": member.user.get_full_name() or member.user.username, "email": member.user.email}


INTRODUCED_PARTIES = ("employer", "provider")


def _party_organisation(suggestion: Suggestion, party: str) -> Employer | Provider:
    return suggestion.vacancy.employer if party == "employer" else suggestion.course_offer.provider


def _phone_subject(suggestion: Suggestion) -> str:
    """What the phone tasks about an introduction start their subject with (then the party)."""
    return f"suggestion:{suggestion.pk}:"


def _phone_tasks_close(suggestion: Suggestion, *, because: str) -> None:
    """The match is off: nobody need be phoned about it any more."""
    hub_tasks_close(subject_prefix=_phone_subject(suggestion), because=because)


def _phone_tasks(suggestion: Suggestion) -> None:
    """A hub task to introduce by phone each party that nobody there will hear of by e-mail."""
    contacts = party_contacts(suggestion)
    for party in INTRODUCED_PARTIES:
        if any(person["email"] for person in contacts[party]):
            continue
        hub_task_introduce_by_phone(
            organisation=_party_organisation(suggestion, party),
            subject=f"{_phone_subject(suggestion)}{party}",
            about=(
                f"The hub approved the match of “{suggestion.vacancy.title}” ({suggestion.vacancy.employer.name}) "
                f"with “{suggestion.course_offer.title}” from {suggestion.course_offer.provider.name}."
            ),
            link=reverse("matching-suggestion", args=[suggestion.pk]),
        )


def introduction_outcome(suggestion: Suggestion) -> str:
    """Who was e-mailed about an approved introduction, and who must be phoned, in words for the hub."""
    contacts = party_contacts(suggestion)
    sentences = []
    for party in INTRODUCED_PARTIES:
        organisation = _party_organisation(suggestion, party)
        names = [person["name"] for person in contacts[party] if person["email"]]
        if names:
            people = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            sentences.append(f"{people} ({organisation.name}) {'was' if len(names) == 1 else 'were'} e-mailed.")
        else:
            nobody = "has no users" if not contacts[party] else "has nobody with an e-mail address"
            sentences.append(f"{organisation.name} {nobody}: a task to introduce them by phone was added.")
    return " ".join(sentences)


def introduction_send(suggestion_id: int, party: str) -> int:
    """E-mail one party (employer or provider) that the hub has introduced it, with why and whom
    to contact; returns how many e-mails went (0 when nobody there has an address). One party at a
    time, so that a retry after a mail-server failure never sends the other's e-mail twice."""
    suggestion = Suggestion.objects.select_related("vacancy__employer", "course_offer__provider", "cohort").get(
        pk=suggestion_id
    )
    contacts = party_contacts(suggestion)
    vacancy, offer = suggestion.vacancy, suggestion.course_offer
    (other,) = set(INTRODUCED_PARTIES) - {party}
    others = ", ".join(f"{p['name']} <{p['email']}>" for p in contacts[other]) or "see LCR Skills Match"
    body = (
        f"The Liverpool City Region apprenticeship hub has matched the vacancy “{vacancy.title}” "
        f"({vacancy.employer.name}) with “{offer.title}” from {offer.provider.name}, "
        f"cohort starting {long_date(suggestion.cohort.start_date)}.\n\n"
        f"Why: {summary(suggestion.explanation_for(party))}.\n\n"
        f"Contact: {others}\n\nPlease accept or decline the introduction here:\n{site_url(f'{party}-matches')}"
    )
    recipients = [p["email"] for p in contacts[party] if p["email"]]
    if not recipients:
        return 0
    # One line whatever the names hold: a stored "\r\nBcc: …" would otherwise make every send fail (BadHeaderError).
    subject = one_line(f"Introduction: {vacancy.employer.name} and {offer.provider.name}")
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


# --- When the vacancy leaves the market --------------------------------------------------------


def introductions_end(*, vacancy_id: int, reason: str, by: User | None) -> list[Suggestion]:
    """The vacancy left the market: end its introductions not yet agreed (their places come back),
    drop its suggestions still under review, and note agreed ones, which stay agreed; returns those ended.

    Runs inside the transaction that changed the vacancy, which holds its row. Both parties of each
    ended introduction, and the hub for each agreed match, are e-mailed once it commits.
    """
    reason = EndReason(reason)
    ended: list[Suggestion] = []
    with transaction.atomic():
        rows = list(
            Suggestion.objects.select_for_update()
            .filter(vacancy_id=vacancy_id, status__in=Suggestion.OPEN)
            .order_by("id")  # the order a matching run locks them in
        )
        # Still under review: no longer the hub's to decide. A re-match would delete them after the
        # commit; deleting them now takes them off the review queue at once, broker or not. The
        # re-match is told which rank 1 it held, so that it gives those places to another.
        for held in rows:
            if held.status == S.SUGGESTED and held.rank == 1:
                standard_id = Vacancy.objects.values_list("standard_id", flat=True).get(pk=vacancy_id)
                rematch_vacancy_held(vacancy_id, standard_id=standard_id, cohort_id=held.cohort_id, score=held.score)
        Suggestion.objects.filter(pk__in=[s.pk for s in rows if s.status == S.SUGGESTED]).delete()
        for suggestion in rows:
            if suggestion.status in Suggestion.HOLDING_PLACES:
                StandardSlack.forget(Vacancy.objects.filter(pk=vacancy_id).values_list("standard_id", flat=True))
                # its places come back, at a price the slack can't follow
                from_status, seen = suggestion.status, _seen(suggestion)
                suggestion.status, suggestion.end_reason, suggestion.version = S.ENDED, reason, F("version") + 1
                suggestion.save(update_fields=["status", "end_reason", "version", "updated_at"])
                suggestion.refresh_from_db(fields=["version"])
                _record(
                    suggestion, SuggestionEvent.Action.END, by=by, seen=seen, from_status=from_status, reason=reason
                )
                ended.append(suggestion)
                _phone_tasks_close(suggestion, because=f"the match ended ({EndReason(reason).label.lower()})")
                for party in INTRODUCED_PARTIES:
                    after_commit(INTRODUCTION_ENDED_SEND, suggestion.pk, party)
            elif suggestion.status == S.AGREED:
                _record(
                    suggestion,
                    SuggestionEvent.Action.KEEP,
                    by=by,
                    seen=_seen(suggestion),
                    from_status=S.AGREED,
                    reason=reason,
                )
                after_commit(AGREED_MATCH_KEPT_SEND, suggestion.pk, reason.value)
    return ended


# What happened to the vacancy, in an e-mail's words.
_WHAT_HAPPENED = {
    EndReason.WITHDRAWN: "has been withdrawn",
    EndReason.CLOSED: "has been closed",
    EndReason.FILLED: "has been filled",
    EndReason.CHANGED: "was changed and has gone back to the hub for review",
    EndReason.REFERRED: "has been referred back to the employer",
}


def _ending_words(suggestion: Suggestion, reason: str) -> str:
    vacancy, offer = suggestion.vacancy, suggestion.course_offer
    return (
        f"The vacancy “{vacancy.title}” ({vacancy.employer.name}), matched with “{offer.title}” from "
        f"{offer.provider.name} (cohort starting {long_date(suggestion.cohort.start_date)}), "
        f"{_WHAT_HAPPENED[EndReason(reason)]}."
    )


def introduction_ended_send(suggestion_id: int, party: str) -> int:
    """E-mail one party (employer or provider) that an introduction ended because its vacancy left the
    market; returns how many e-mails went (0 when nobody there has an address)."""
    suggestion = Suggestion.objects.select_related("vacancy__employer", "course_offer__provider", "cohort").get(
        pk=suggestion_id
    )
    recipients = [p["email"] for p in party_contacts(suggestion)[party] if p["email"]]
    if not recipients:
        return 0
    body = (
        f"{_ending_words(suggestion, suggestion.end_reason)}\n\nThe apprenticeship hub's introduction has "
        f"therefore ended: it can no longer be accepted, and the {suggestion.vacancy.positions} place(s) it "
        "held on the cohort are free again. There is nothing you need to do.\n\n"
        f"You can see the match, marked as ended, here:\n{site_url(f'{party}-matches')}"
    )
    subject = "Introduction ended: " + EndReason(suggestion.end_reason).label.lower()
    return send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


def hub_contacts() -> list[str]:
    """The e-mail addresses of hub staff with active accounts."""
    staff = User.objects.filter(Q(is_superuser=True) | Q(groups__name=HUB_GROUP), is_active=True).exclude(email="")
    return sorted(set(staff.values_list("email", flat=True)))


def agreed_match_kept_send(suggestion_id: int, reason: str) -> int:
    """E-mail hub staff that an agreed match's vacancy left the market (the match stays agreed)."""
    suggestion = Suggestion.objects.select_related("vacancy__employer", "course_offer__provider", "cohort").get(
        pk=suggestion_id
    )
    recipients = hub_contacts()
    if not recipients:
        return 0
    body = (
        f"{_ending_words(suggestion, reason)}\n\nBoth parties had already agreed this match, so it stays "
        f"agreed and keeps its {suggestion.vacancy.positions} place(s) on the cohort. Check with "
        f"{suggestion.vacancy.employer.name} and {suggestion.course_offer.provider.name} whether the "
        f"apprenticeship is still going ahead.\n\nSuggestion {suggestion.pk} has the history:\n"
        f"{site_url('matching-suggestion', suggestion.pk)}"
    )
    subject = "Agreed match: " + EndReason(reason).label.lower()
    return send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
