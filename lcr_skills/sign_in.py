"""Who is trying to sign in: their address, and when django-axes must lock them out.

The API throttles (apprenticeships/api/throttles.py) and django-axes (AXES_CLIENT_IP_CALLABLE,
AXES_HANDLER) both use `client_address`, so a forged X-Forwarded-For moves neither.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address that connected, or the one the outermost trusted proxy saw (TRUSTED_PROXY_COUNT).

    With no proxy trusted (the default) X-Forwarded-For is ignored: anyone can write it. With N
    trusted proxies, each appends the address it saw, so the Nth entry from the right is the one
    the client can't choose (DRF's NUM_PROXIES rule). Anything that isn't an address falls back
    to the connection's.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count <= 0 or not forwarded:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-min(count, len(forwarded))]))
    except ValueError:
        return remote


class SignInLockoutHandler(AxesDatabaseHandler):
    """Locks a username at one address after AXES_FAILURE_LIMIT failures, and at every address after
    SIGN_IN_USERNAME_FAILURE_LIMIT, so that rotating addresses doesn't buy more guesses.

    AXES_LOCKOUT_PARAMETERS lists the two groups in that order. django-axes compares one count
    with one limit, so the username's count is put on the pair's scale: it reaches
    AXES_FAILURE_LIMIT exactly when the username reaches its own limit.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        pair, username = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(pair, username * settings.AXES_FAILURE_LIMIT // settings.SIGN_IN_USERNAME_FAILURE_LIMIT)
