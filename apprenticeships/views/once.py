"""One-time form tokens: sending a "create" form twice creates one thing, not two (issue 12).

The page carries a random token in a hidden field, remembered in the session. The first POST that
succeeds claims the token in the database, in the same transaction as what it creates: the token
is unique, so a simultaneous second POST waits for the first and then finds it claimed. A POST of a
claimed token is sent to what the first one created, with a message, and creates nothing.

A POST without a token (a script, not the page) is handled as before; so is one whose token this
session never issued, which is then not claimed either.

Back after a form was sent can fetch the page anew, with a new token, and the browser fills in what was
typed: a token can't tell that from a new form. Where that matters the service compares what was sent
instead (a new vacancy: `services.vacancies.vacancy_draft_same`; an application to a vacancy:
`services.applications.application_create`).
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from apprenticeships.models import FormSubmission

FIELD = "once"  # the hidden field's name
SESSION_KEY = "forms_once"
KEEP = 20  # tokens a session remembers: as many forms as anyone keeps open at once
KEEP_CLAIMS = timedelta(days=1)  # a double submission comes seconds apart; a day is plenty
ALREADY_SENT = "You had already sent this form, so nothing new was saved. This is what your first submission saved."


class SentTwice(Exception):
    """Another submission of the same form claimed the token first."""


def form_token_claim(*, token: str, user: User, form: str) -> FormSubmission:
    """Claim a token for this user's submission of `form`; SentTwice if it has been claimed already."""
    FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP_CLAIMS).delete()  # anyone's, long done
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=user, form=form)
    except IntegrityError:
        raise SentTwice(token) from None


def form_token_result(*, token: str, user: User, form: str) -> str | None:
    """Where the first submission with this token put its result, if there was one."""
    claim = FormSubmission.objects.filter(token=token, user=user, form=form).exclude(done_url="").first()
    return claim.done_url if claim else None


class FormOnce:
    """The one-time token of one form on one request."""

    def __init__(self, request: HttpRequest, form: str) -> None:
        self.request, self.form = request, form
        posted = request.POST.get(FIELD, "") if request.method == "POST" else ""
        self.posted = posted if posted in request.session.get(SESSION_KEY, []) or self._claimed(posted) else ""

    def _claimed(self, token: str) -> bool:
        return bool(token) and FormSubmission.objects.filter(token=token, user=self.request.user).exists()

    def token(self) -> str:
        """The token for the page: the one posted again (the form sent back with errors), or a new one."""
        issued = self.request.session.get(SESSION_KEY, [])
        if self.posted in issued:
            return self.posted
        token = secrets.token_urlsafe(24)
        self.request.session[SESSION_KEY] = [*issued, token][-KEEP:]
        return token

    def earlier(self, *, fallback: str | None = None) -> HttpResponse | None:
        """If this form was sent already: a redirect to what the first submission saved, with a message.

        `fallback`: where to go when the first submission's result can't be found (it is known to exist).
        """
        done_url = self.posted and form_token_result(token=self.posted, user=self.request.user, form=self.form)
        if not (done_url or fallback):
            return None
        messages.info(self.request, ALREADY_SENT)
        return redirect(done_url or fallback)

    @contextmanager
    def claim(self) -> Iterator["Claim"]:
        """Around the create: the token is claimed in its transaction, so both stand or fall together.

        Raises SentTwice when another submission of the same form claimed it first. Without a token
        (see the module's docstring) nothing is claimed.
        """
        if not self.posted:
            yield Claim(None)
            return
        with transaction.atomic():
            claim = Claim(form_token_claim(token=self.posted, user=self.request.user, form=self.form))
            yield claim
            claim.save()
        issued = self.request.session.get(SESSION_KEY, [])
        self.request.session[SESSION_KEY] = [token for token in issued if token != self.posted]


class Claim:
    """A claimed token (or None), and where the result of its submission is shown."""

    def __init__(self, record: FormSubmission | None) -> None:
        self.record, self.done_url = record, ""

    def done(self, url: str) -> None:
        self.done_url = url

    def save(self) -> None:
        if self.record is not None:
            FormSubmission.objects.filter(pk=self.record.pk).update(done_url=self.done_url)
