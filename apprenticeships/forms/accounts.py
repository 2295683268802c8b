"""Signing in, and changing and resetting your own password: Django's forms with GOV.UK labels and messages.

Django's views do the work (apprenticeships/views/account.py). Every password change revokes the
user's API tokens through accounts.TokensRevokedOnPasswordChange, so nothing here needs to.
"""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from apprenticeships.forms.common import GovukFormMixin
from lcr_skills.lockout import LOCKED_OUT, lockout_message

NEW_PASSWORD_HINT = (
    f"At least {settings.PASSWORD_MIN_LENGTH} characters. Not a common password, not only numbers, and not like "
    "your username or email address."
)


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Contact the apprenticeship hub.",
    }

    def clean(self) -> dict:
        try:
            return super().clean()
        except ValidationError:
            # django-axes refused the attempt (or this failure was the last allowed): say so, not "wrong password".
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(), code=LOCKED_OUT) from None
            raise


class NewPasswordMixin:
    """The new password twice, with GOV.UK labels and messages."""

    def set_new_password_fields(self) -> None:
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": "The passwords do not match. Enter the same new password twice.",
        }
        new, again = self.fields["new_password1"], self.fields["new_password2"]
        new.label, new.help_text = "New password", NEW_PASSWORD_HINT
        new.error_messages["required"] = "Enter a new password"
        again.label, again.help_text = "Confirm new password", ""
        again.error_messages["required"] = "Enter the new password again"


class PasswordChangeForm(GovukFormMixin, NewPasswordMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_new_password_fields()
        self.error_messages["password_incorrect"] = "Your current password is not right. Enter it again."
        current = self.fields["old_password"]
        current.label = "Current password"
        current.error_messages["required"] = "Enter your current password"


class SetPasswordForm(GovukFormMixin, NewPasswordMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_new_password_fields()


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.error_messages["required"] = "Enter your email address"
        email.error_messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
