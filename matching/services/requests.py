"""Employers' requests for an introduction to a course offer's provider, and the hub's answer.

An employer asks from "Find training" (optionally for one of its vacancies); hub staff accept or
decline it from the review queue. Accepting introduces them: both organisations' people are
e-mailed with each other's contact details, and the employer sees the provider's on its requests
page. It does not go through `suggestion_approve`: that introduces a matcher's suggestion, which
names a live vacancy and a cohort whose places the introduction holds, while a request may name
no vacancy (or one not yet live) and no cohort, so there are no places to hold; the parties agree
the details between them.

Decisions are one conditional update each (`filter(status=open).update(...)`, then the count): of
two hub staff deciding at once, one wins and the other is told. A partial unique index allows one
open request per employer, offer and vacancy: asking twice gives back the first request.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from apprenticeships.models import CourseOffer, Employer, Vacancy
from lcr_skills.errors import Conflict
from lcr_skills.links import site_url
from lcr_skills.text import one_line
from matching.enqueue import INTRODUCTION_REQUEST_ANSWER_SEND, after_commit
from matching.models import IntroductionRequest
from matching.services.decisions import active_members

R = IntroductionRequest.Status
# A vacancy an employer may ask about: not one that has left the market.
VACANCY_STATUSES = (Vacancy.Status.DRAFT, Vacancy.Status.SUBMITTED, Vacancy.Status.LIVE)
PARTIES = ("employer", "provider")


class RequestConflict(Conflict):
    """The request can't change as asked: already decided, or its course has closed."""

    def __init__(self, message: str, request: IntroductionRequest) -> None:
        super().__init__(message)
        self.request = request

    def fields(self) -> dict[str, object]:
        return {"status": self.request.status}


def request_vacancies(employer: Employer) -> list[Vacancy]:
    """The employer's vacancies a request may name, newest first."""
    return list(Vacancy.objects.filter(employer=employer, status__in=VACANCY_STATUSES).order_by("-created_at", "-id"))


def introduction_request_create(
    *, employer: Employer, offer_id: int, vacancy_id: int | None, message: str, by: User
) -> tuple[IntroductionRequest, bool]:
    """Ask the hub to introduce an employer to an open offer's provider; (the request, whether it is new).

    An open request for the same offer and vacancy is given back rather than made twice.
    """
    offer = CourseOffer.objects.filter(pk=offer_id, status=CourseOffer.Status.OPEN).first()
    if offer is None:
        raise ValidationError({"course_offer": ["This course is no longer open to new apprentices."]})
    vacancy = None
    if vacancy_id is not None:
        vacancy = Vacancy.objects.filter(pk=vacancy_id, employer=employer, status__in=VACANCY_STATUSES).first()
        if vacancy is None:
            raise ValidationError({"vacancy": ["Choose one of your vacancies from the list, or none."]})
    same = {"employer": employer, "course_offer": offer, "vacancy": vacancy, "status": R.OPEN}
    if (existing := IntroductionRequest.objects.filter(**same).first()) is not None:
        return existing, False
    try:
        with transaction.atomic():
            request = IntroductionRequest.objects.create(**same, message=message.strip(), requested_by=by)
    except IntegrityError:  # the same request sent twice at once: the other one made it
        return IntroductionRequest.objects.get(**same), False
    return request, True


def _decide(request_id: int, *, by: User, status: str, reason: str = "") -> IntroductionRequest:
    request = IntroductionRequest.objects.select_related("employer", "course_offer__provider").get(pk=request_id)
    if status == R.ACCEPTED and request.course_offer.status != CourseOffer.Status.OPEN:
        raise RequestConflict("Its course has closed since the employer asked: decline it with a reason.", request)
    now = timezone.now()
    decided = IntroductionRequest.objects.filter(pk=request_id, status=R.OPEN).update(
        status=status, decided_by=by, decided_at=now, decline_reason=reason, updated_at=now
    )
    request.refresh_from_db()
    if not decided:
        raise RequestConflict(f"This request has already been {request.status}.", request)
    return request


@transaction.atomic
def introduction_request_accept(request_id: int, *, by: User) -> IntroductionRequest:
    """Hub staff accept a request: the employer and the provider are introduced and both e-mailed."""
    request = _decide(request_id, by=by, status=R.ACCEPTED)
    for party in PARTIES:
        # From a worker, which retries while the mail server is down; the decision stands either way.
        after_commit(INTRODUCTION_REQUEST_ANSWER_SEND, request.pk, party)
    return request


@transaction.atomic
def introduction_request_decline(request_id: int, *, by: User, reason: str) -> IntroductionRequest:
    """Hub staff decline a request, saying why; the employer is e-mailed the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why the hub is declining this request."]})
    request = _decide(request_id, by=by, status=R.DECLINED, reason=reason)
    after_commit(INTRODUCTION_REQUEST_ANSWER_SEND, request.pk, "employer")
    return request


def request_contacts(request: IntroductionRequest) -> dict[str, list[dict]]:
    """Each party's people with an active account (name and e-mail)."""
    members = active_members()

    def people(rows: object) -> list[dict]:
        return [{"name": m.user.get_full_name() or m.user.username, "email": m.user.email} for m in rows]

    return {
        "employer": people(members.filter(employer_id=request.employer_id)),
        "provider": people(members.filter(provider_id=request.course_offer.provider_id)),
    }


def _about(request: IntroductionRequest) -> str:
    offer = request.course_offer
    about = f"“{offer.title}” from {offer.provider.name}"
    if request.vacancy_id:
        about += f", for the vacancy “{request.vacancy.title}”"
    return about


def introduction_request_answer_send(request_id: int, party: str) -> int:
    """E-mail one party the hub's answer to a request; returns how many e-mails went (0 with no addresses)."""
    request = IntroductionRequest.objects.select_related("employer", "course_offer__provider", "vacancy").get(
        pk=request_id
    )
    contacts = request_contacts(request)
    recipients = [p["email"] for p in contacts[party] if p["email"]]
    if not recipients:
        return 0
    employer, provider = request.employer.name, request.course_offer.provider.name
    if request.status == R.DECLINED:
        subject = f"Introduction not made: {provider}"
        body = (
            f"You asked the Liverpool City Region apprenticeship hub to introduce {employer} to {_about(request)}.\n\n"
            f"The hub has declined, for this reason:\n\n{request.decline_reason}\n\n"
            "You can find other training, and see all your requests, in LCR Skills Match:\n"
            + site_url("employer-introduction-requests")
        )
    else:
        other = "provider" if party == "employer" else "employer"
        people = ", ".join(f"{p['name']} <{p['email']}>" for p in contacts[other] if p["email"])
        people = people or "the hub can give you their details (nobody there uses LCR Skills Match yet)"
        asked = f"{employer} asked" if party == "provider" else "You asked"
        subject = f"Introduction: {employer} and {provider}"
        body = (
            f"{asked} the Liverpool City Region apprenticeship hub for an introduction about {_about(request)}, "
            f"and the hub has introduced {employer} and {provider} to each other.\n\n"
            + (f"The employer's message: {request.message}\n\n" if party == "provider" and request.message else "")
            + f"Contact: {people}\n\nPlease get in touch with each other to agree the training."
            + (f"\n\nYour requests: {site_url('employer-introduction-requests')}" if party == "employer" else "")
        )
    return send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


__all__ = [
    "RequestConflict",
    "introduction_request_accept",
    "introduction_request_answer_send",
    "introduction_request_create",
    "introduction_request_decline",
    "request_contacts",
    "request_vacancies",
]
