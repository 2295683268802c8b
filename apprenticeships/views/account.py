"""Your own password: change it when signed in, or reset a forgotten one by e-mail (Django's views).

A change keeps this session and ends every other (Django's session auth hash); a reset ends them
all. Either way the user's API tokens are revoked (accounts.TokensRevokedOnPasswordChange).
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache

from apprenticeships.forms.accounts import PasswordChangeForm, PasswordResetForm, SetPasswordForm


def reset_minutes() -> int:
    """How long a reset link works (templates call this, so it follows the setting)."""
    return settings.PASSWORD_RESET_TIMEOUT // 60


password_change = never_cache(
    auth_views.PasswordChangeView.as_view(
        template_name="registration/password_change.html",
        form_class=PasswordChangeForm,
        success_url=reverse_lazy("password-change-done"),
    )
)
password_change_done = never_cache(
    auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_changed.html")
)
password_reset = never_cache(
    auth_views.PasswordResetView.as_view(
        template_name="registration/password_reset_form.html",
        form_class=PasswordResetForm,
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
        extra_email_context={"reset_minutes": reset_minutes},
        success_url=reverse_lazy("password-reset-done"),
    )
)
password_reset_done = never_cache(
    auth_views.PasswordResetDoneView.as_view(
        template_name="registration/password_reset_done.html", extra_context={"reset_minutes": reset_minutes}
    )
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(  # never_cache already
    template_name="registration/password_reset_confirm.html",
    form_class=SetPasswordForm,
    success_url=reverse_lazy("password-reset-complete"),
)
password_reset_complete = never_cache(
    auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html")
)
