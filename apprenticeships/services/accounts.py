"""Accounts: which usernames may exist, and the API tokens that sign a user in.

Tokens are django-rest-knox's: only a hash is stored, each expires after an idle time and at an
absolute maximum (REST_KNOX in settings), and they are revoked whenever the password changes or
the account is switched off.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from knox.models import AuthToken

# Names that a person could pass off as the service itself, or that erasure gives out
# (personal_data_erase renames an account to erased-<id>).
RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "administrator",
        "anonymous",
        "hub",
        "hubstaff",
        "noreply",
        "postmaster",
        "root",
        "security",
        "staff",
        "superuser",
        "support",
        "system",
        "webmaster",
    }
)
RESERVED_USERNAME_PREFIXES = ("erased-",)
RESERVED_USERNAME_MESSAGE = "This username is reserved. Choose another."


def username_check(username: str) -> None:
    """Refuse a username reserved for the service (compared ignoring case)."""
    name = username.strip().casefold()
    if name in RESERVED_USERNAMES or name.startswith(RESERVED_USERNAME_PREFIXES):
        raise ValidationError({"username": [RESERVED_USERNAME_MESSAGE]}, code="reserved")


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for the user: the stored record (a hash) and the token itself, shown only now."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, token: AuthToken) -> None:
    """Revoke one API token (its owner signing a script out)."""
    token.delete()


def api_tokens_delete_expired() -> int:
    """Delete every API token past its expiry (refused already): returns how many went."""
    count, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return count


def user_tokens_revoke(*, user: User) -> int:
    """Revoke every API token of the user; returns how many there were."""
    count, _ = AuthToken.objects.filter(user=user).delete()
    return count


class TokensRevokedOnPasswordChange:
    """Revokes a user's API tokens whenever their password changes, whichever way it changes.

    Django calls `password_changed()` on every configured password validator when a new password
    is saved (`set_password()` then `save()`): the users API, the admin's password form, the
    password change and reset pages, `manage.py changepassword`. That makes this the one place
    no path can miss; a `post_save` receiver could not tell a password change from any other save,
    and hooking each view or form would need remembering for the next one. (Django's own rehash
    on sign-in is not a change and does not call it.) It never refuses a password.
    """

    def validate(self, password: str, user: User | None = None) -> None:
        return None

    def password_changed(self, password: str, user: User | None = None) -> None:
        if user is not None and user.pk is not None:
            user_tokens_revoke(user=user)

    def get_help_text(self) -> str:
        return "Changing the password also revokes every API token of the account."
