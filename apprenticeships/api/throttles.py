"""Rate limits on asking for API tokens: per client address, and per username across addresses."""

import hashlib

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from lcr_skills.sign_in import client_address


class LiveRatesMixin:
    """Reads the rate from the settings on each request (DRF reads them once, at import)."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request: Request) -> str:
        # The address django-axes sees too: a forged X-Forwarded-For is ignored unless a proxy is trusted.
        return client_address(request)


class AddressRateThrottle(LiveRatesMixin, ScopedRateThrottle):
    """The view's throttle_scope, per signed-in user or else per client address."""


class UsernameRateThrottle(LiveRatesMixin, SimpleRateThrottle):
    """Attempts for one username, whichever address they come from (the posted username; none: no limit here)."""

    scope = "token-username"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        # Hashed so that any text makes a valid cache key; folded so "Alice" and "alice" share a count.
        ident = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class EmailRateThrottle(LiveRatesMixin, SimpleRateThrottle):
    """The view's email_throttle_scope, per e-mail address posted, whichever address it comes from."""

    def __init__(self) -> None:
        pass  # the rate depends on the view: read in allow_request

    def allow_request(self, request: Request, view: APIView) -> bool:
        self.scope = getattr(view, "email_throttle_scope", None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data
        email = data.get("email") if hasattr(data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        ident = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


def form_throttled(request, *, scope: str, email_scope: str, email: str) -> bool:  # noqa: ANN001 - a Django request
    """A page's form held to the API's limits: per client address and per e-mail (both counted, as the API's)."""

    class Shim:
        throttle_scope = scope
        email_throttle_scope = email_scope

    class Posted:  # what the throttles read of a request
        def __init__(self) -> None:
            self.META = request.META
            self.user = request.user
            self.data = {"email": email}

    posted = Posted()
    return not (
        AddressRateThrottle().allow_request(posted, Shim()) and EmailRateThrottle().allow_request(posted, Shim())
    )
