"""Nothing personal is kept by a browser's or a proxy's cache (issue 12; OWASP ASVS 8.2.1)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in user or to an API call with credentials.

    Public pages and the public API, asked for anonymously, stay cacheable. An answer that already
    says how it may be cached (the admin's and the sign-in page's `never_cache`, the 503 page) is
    left as it is; static files never get here (WhiteNoise answers them first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and personal(request):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"  # for HTTP/1.0 caches, which don't read Cache-Control
        return response


def personal(request: HttpRequest) -> bool:
    """Whether the answer may hold something about the person asking (or a credential, say a new token)."""
    if request.method not in SAFE_METHODS or "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        # Nothing looked up who is signed in; don't load the session only to ask: a session cookie is enough.
        return settings.SESSION_COOKIE_NAME in request.COOKIES
    # The API's token authentication puts its user here too.
    return user is not None and user.is_authenticated
