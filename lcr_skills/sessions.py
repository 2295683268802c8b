"""Database sessions (SESSION_ENGINE) that end when idle and, at the latest, a while after signing in.

A session ends SESSION_COOKIE_AGE (the idle time-out) after it was last moved on, and never later
than SESSION_MAX_HOURS after it was first saved signed in, so a session used all day still ends.
Reading a session whose end could move on by more than REFRESH_SECONDS marks it changed, so that
Django saves it with the new end after the request: at most one write a minute, where Django's
SESSION_SAVE_EVERY_REQUEST would write on every request (and a refused request would write too).
The database refuses an expired session itself, so none of this needs a middleware.
"""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

SIGNED_IN_AT = "_lcr_signed_in_at"  # seconds since the epoch
REFRESH_SECONDS = 60


def session_age(signed_in_at: float | None) -> int:
    """Seconds a session saved now may last: the idle time-out, cut short by the maximum age."""
    if signed_in_at is None:
        return settings.SESSION_COOKIE_AGE
    left = signed_in_at + settings.SESSION_MAX_HOURS * 3600 - time.time()
    return max(0, min(settings.SESSION_COOKIE_AGE, int(left)))


class SessionStore(DatabaseSessionStore):
    _stored_end: datetime | None = None

    def get_session_cookie_age(self) -> int:
        return session_age(self.get(SIGNED_IN_AT))

    def _get_session_from_db(self) -> Session | None:
        session = super()._get_session_from_db()
        self._stored_end = session.expire_date if session else None
        return session

    def load(self) -> dict:
        data = super().load()
        if self._stored_end is not None:
            end = timezone.now() + timedelta(seconds=session_age(data.get(SIGNED_IN_AT)))
            if end - self._stored_end > timedelta(seconds=REFRESH_SECONDS):
                self.modified = True  # saved after the request, with the end moved on
        return data

    def save(self, must_create: bool = False) -> None:
        # An anonymous session never holds the time, and signing in as someone else empties the
        # session (django.contrib.auth.login): the first save with a user in it is the sign-in.
        data = self._get_session(no_load=must_create)
        if SESSION_KEY in data and SIGNED_IN_AT not in data:
            data[SIGNED_IN_AT] = time.time()
        super().save(must_create=must_create)
