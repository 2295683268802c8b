"""Forms for applying to a vacancy, answering an application, and asking for e-mail alerts."""

from django import forms

from apprenticeships.forms.common import GovukFormMixin
from apprenticeships.funding.rules import AGE_GROUP_WORDS, AGE_GROUPS
from apprenticeships.models import Application
from apprenticeships.models.applications import ABOUT_MAX_LENGTH
from apprenticeships.models.organisations import phone_validator
from apprenticeships.places import postcode_tidy
from lcr_skills.text import validate_multi_line, validate_single_line


class ApplicationForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        validators=[validate_single_line],
        label="Your full name",
        error_messages={"required": "Enter your full name", "max_length": "Your name must be 100 characters or fewer"},
    )
    email = forms.EmailField(
        max_length=254,
        label="Email address",
        help_text="We send your confirmation here, and the employer contacts you here.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    phone = forms.CharField(
        max_length=20,
        required=False,
        validators=[validate_single_line, phone_validator],
        label="Phone number (optional)",
        error_messages={"max_length": "Enter a phone number of 20 characters or fewer, like 0151 496 0000"},
    )
    postcode = forms.CharField(
        max_length=8,
        required=False,
        validators=[validate_single_line],
        label="Postcode (optional)",
        error_messages={"max_length": "Enter a postcode, like L36 9GD"},
    )
    age_group = forms.ChoiceField(
        choices=[("", "Prefer not to say"), *((group, AGE_GROUP_WORDS[group]) for group in AGE_GROUPS)],
        required=False,
        label="Your age (optional)",
        help_text="The employer's funding for your training depends on your age when you start.",
        error_messages={"invalid_choice": "Choose your age from the list"},
    )
    about = forms.CharField(
        max_length=ABOUT_MAX_LENGTH,
        required=False,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Tell the employer about yourself (optional)",
        help_text="Why you want this apprenticeship, and any experience, school subjects or interests. "
        "Up to 2,000 characters.",
        error_messages={"max_length": "What you tell the employer must be 2,000 characters or fewer"},
    )
    consent = forms.BooleanField(
        label="I agree to my details being sent to the employer so that they can contact me about this apprenticeship",
        error_messages={"required": "Agree to your details being sent to the employer to apply"},
    )

    def clean_postcode(self) -> str:
        return postcode_tidy(self.cleaned_data["postcode"])

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "consent"}


class ApplicationStatusForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        choices=Application.Status.choices,
        widget=forms.RadioSelect,
        label="Where is this application?",
        help_text="We e-mail the applicant when you change it, unless it is back to New.",
        error_messages={
            "required": "Choose where the application is",
            "invalid_choice": "Choose a status from the list",
        },
    )


class AlertForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        max_length=254,
        label="Email address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
