"""Test-only: django-axes for every sign-in that names its request, as all of the site's do."""

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class AxesUnlessNoRequestBackend(AxesStandaloneBackend):
    """The test client's `login()` shortcut calls authenticate() without a request; axes can't count those."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: object
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
