"""Forms for the matching pages: they check what was typed or ticked; the decision services do the rest."""

from django import forms

from apprenticeships.forms.common import GovukFormMixin
from apprenticeships.models import LocalAuthority, Standard
from apprenticeships.models.standards import MAX_LEVEL, MIN_LEVEL
from lcr_skills.text import validate_multi_line, validate_single_line
from matching.models import RejectReason, reject_note_missing

LEVELS = [(level, f"Level {level}") for level in range(MIN_LEVEL, MAX_LEVEL + 1)]
OTHER_NEEDS_A_NOTE = "Enter a note saying why, when the reason is “Other”"


class ReviewFilterForm(GovukFormMixin, forms.Form):
    """The review queue's filters (GET); a value that does not clean is reported and not applied."""

    local_authority = forms.ChoiceField(required=False, label="Local authority")
    standard = forms.CharField(
        required=False,
        max_length=100,
        validators=[validate_single_line],
        label="Standard",
        # The shipped standards have no IfATE references (docs/find-training.md), so the examples are a title word
        # and a LARS code; a reference, where a loaded catalogue has them, works too (selectors.review_queue).
        help_text="A word from its title, like software, or its LARS code, like 2",
    )
    route = forms.ChoiceField(required=False, label="Route")
    level = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any level"), *LEVELS],
        label="Level",
        error_messages={"invalid_choice": "Choose a level from the list"},
    )
    provider = forms.CharField(required=False, max_length=100, validators=[validate_single_line], label="Provider name")
    min_score = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=2,
        label="Minimum score",
        help_text="From 0 to 1, like 0.6",
        error_messages={
            "invalid": "Minimum score must be a number from 0 to 1, like 0.6",
            "min_value": "Minimum score must be 0 or more",
            "max_value": "Minimum score must be 1 or less",
            "max_decimal_places": "Minimum score can have at most 2 decimal places, like 0.65",
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        authorities = LocalAuthority.objects.filter(in_city_region=True).order_by("name")
        self.fields["local_authority"].choices = [("", "All six"), *((la.code, la.name) for la in authorities)]
        self.fields["local_authority"].error_messages["invalid_choice"] = "Choose a local authority from the list"
        routes = Standard.objects.order_by("route").values_list("route", flat=True).distinct()
        self.fields["route"].choices = [("", "Any route"), *((route, route) for route in routes)]
        self.fields["route"].error_messages["invalid_choice"] = "Choose a route from the list"

    def filters(self) -> dict:
        """The filters that cleaned, as keyword arguments for selectors.review_queue."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def is_filtered(self) -> bool:
        return bool(self.filters())


class ApproveForm(GovukFormMixin, forms.Form):
    """One approval: the version of the suggestion the reviewer saw (a hidden field)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class RejectForm(ApproveForm):
    """One rejection: the version seen, a reason from the fixed list, and a note ("Other" needs one)."""

    reason = forms.ChoiceField(
        choices=RejectReason.choices,
        widget=forms.RadioSelect,
        label="Why are you rejecting it?",
        error_messages={"required": "Select why you are rejecting the suggestion"},
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note",
        help_text="Needed when the reason is “Other”. Staff see it in the suggestion's history.",
        error_messages={"max_length": "Note must be 2,000 characters or fewer"},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        # A note that failed its own checks (too long, say) is missing from cleaned_data but was typed.
        if "note" in cleaned and reject_note_missing(cleaned.get("reason", ""), cleaned["note"]):
            self.add_error("note", OTHER_NEEDS_A_NOTE)
        return cleaned

    def non_field_anchor(self) -> str:
        return self.field_anchor("reason")


class BulkDecisionForm(GovukFormMixin, forms.Form):
    """Several suggestions decided at once: each ticked as "id:version", one action, one reason to reject."""

    selected = forms.MultipleChoiceField(
        label="Suggestions",
        error_messages={"required": "Select at least one suggestion"},
    )
    action = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={"required": "Choose “Approve selected” or “Reject selected”"},
    )
    reason = forms.ChoiceField(
        required=False,
        choices=[("", "Choose a reason"), *RejectReason.choices],
        label="Reason for rejecting",
        error_messages={"invalid_choice": "Choose a reason from the list"},
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note (needed when the reason is “Other”)",
        error_messages={"max_length": "Note must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Any "id:version" pair is a valid choice: whether it can still be decided is the services' call.
        ticked = self.data.getlist("selected") if hasattr(self.data, "getlist") else []
        self.fields["selected"].choices = [(value, value) for value in ticked]

    def clean_selected(self) -> list[tuple[int, int]]:
        pairs = []
        for value in self.cleaned_data["selected"]:
            pk, _, version = value.partition(":")
            if not (pk.isdigit() and version.isdigit()):
                raise forms.ValidationError("Select suggestions from the list")
            pairs.append((int(pk), int(version)))
        return pairs

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("action") == "reject":
            if not cleaned.get("reason"):
                self.add_error("reason", "Choose why you are rejecting the selected suggestions")
            elif "note" in cleaned and reject_note_missing(cleaned["reason"], cleaned["note"]):
                self.add_error("note", OTHER_NEEDS_A_NOTE)  # as in RejectForm: only for a note that cleaned
        return cleaned

    def field_anchor(self, name: str) -> str:
        # The checkboxes are on the suggestions themselves; link to the first one on the page.
        return "suggestions" if name in ("selected", "action") else super().field_anchor(name)


class DeclineForm(GovukFormMixin, forms.Form):
    """An employer's or provider's reason for declining an introduction."""

    reason = forms.CharField(
        max_length=2000,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why are you declining?",
        help_text="The apprenticeship hub and the other organisation see this.",
        error_messages={
            "required": "Enter why you are declining the introduction",
            "max_length": "Reason must be 2,000 characters or fewer",
        },
    )


class IntroductionRequestForm(GovukFormMixin, forms.Form):
    """An employer's request for an introduction: optionally which of its vacancies, and a message."""

    vacancy = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Which vacancy is it for?",
        help_text="Optional: the hub can tell the provider about the job",
        error_messages={"invalid_choice": "Choose one of your vacancies from the list, or none"},
    )
    message = forms.CharField(
        required=False,
        max_length=2000,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Message for the hub (optional)",
        help_text="For example, when you would like the apprentice to start, or what you need from the training",
        error_messages={"max_length": "Your message must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: object, vacancies: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].choices = [
            ("", "Not for a particular vacancy"),
            *((v.pk, f"{v.title} ({v.get_status_display().lower()})") for v in vacancies),
        ]


class RequestDeclineForm(GovukFormMixin, forms.Form):
    """Hub staff decline an employer's request: the reason is sent to the employer."""

    reason = forms.CharField(
        max_length=2000,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why are you declining it?",
        help_text="The employer is sent this",
        error_messages={
            "required": "Enter why the hub is declining this request",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )
