"""API token authentication: django-rest-knox's, without a read of all the user's tokens on every call."""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from knox.signals import token_expired


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's check of the token (its hash, its expiry, moving the expiry on), one query per call.

    knox 5.1 also reads every other token of the user on every call, to delete those expired: a
    query (and a row per token) on each request, growing with the tokens a script has asked for.
    Here a token is deleted when it is used after its expiry, as knox does; the user's other expired
    tokens go when they ask for a new one (`api_token_create`), and everyone's once a day
    (`api_tokens_delete_expired`). An expired token is refused whether or not it has been deleted.
    """

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


class TokenScheme(KnoxTokenScheme):
    """The API schema describes it as knox's token, as before (drf-spectacular matches the class exactly)."""

    target_class = "apprenticeships.api.authentication.TokenAuthentication"
