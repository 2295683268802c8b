"""Forms for inviting people, accepting an invitation, and an organisation's contact."""

from django import forms

from apprenticeships.forms.accounts import NEW_PASSWORD_HINT
from apprenticeships.forms.common import GovukFormMixin
from apprenticeships.models.organisations import phone_validator
from lcr_skills.text import validate_single_line

EMAIL_MESSAGES = {
    "required": "Enter an email address",
    "invalid": "Enter an email address in the correct format, like name@example.com",
    "max_length": "The email address must be 150 characters or fewer",
}


class InviteForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(max_length=150, label="Email address", error_messages=EMAIL_MESSAGES)


class HubInviteForm(InviteForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "invite-%s")  # shares a page with the contact form
        super().__init__(*args, **kwargs)

    is_admin = forms.BooleanField(
        required=False,
        label="They may invite colleagues to this organisation",
        help_text="The organisation's admin can invite the rest of its people.",
    )


class AcceptInvitationForm(GovukFormMixin, forms.Form):
    first_name = forms.CharField(
        max_length=150,
        label="First name",
        validators=[validate_single_line],
        error_messages={"required": "Enter your first name"},
    )
    last_name = forms.CharField(
        max_length=150,
        label="Last name",
        validators=[validate_single_line],
        error_messages={"required": "Enter your last name"},
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text=NEW_PASSWORD_HINT,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter the password again"},
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "The passwords do not match. Enter the same password twice.")
        return data


class ContactForm(GovukFormMixin, forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "contact-%s")
        super().__init__(*args, **kwargs)

    contact_name = forms.CharField(
        max_length=200, required=False, label="Contact name", validators=[validate_single_line]
    )
    contact_phone = forms.CharField(
        max_length=30,
        required=False,
        label="Contact telephone number",
        validators=[validate_single_line, phone_validator],
        error_messages={"max_length": "The telephone number must be 30 characters or fewer"},
    )
    contact_email = forms.EmailField(
        max_length=254,
        required=False,
        label="Contact email address",
        error_messages={"invalid": EMAIL_MESSAGES["invalid"]},
    )
