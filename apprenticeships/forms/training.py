"""The find-training search form: a standard, words, and a distance from a postcode."""

from django import forms

from apprenticeships.forms.common import GovukFormMixin, PostcodeSearchMixin, StandardChoiceField
from apprenticeships.training import DEFAULT_MILES, MILES_CHOICES, standards_with_offers
from lcr_skills.text import validate_single_line


class TrainingSearchForm(PostcodeSearchMixin, GovukFormMixin, forms.Form):
    """`search_kwargs()` are the arguments for apprenticeships.training.training_offers."""

    standard = StandardChoiceField(
        queryset=standards_with_offers(),
        required=False,
        to_field_name="lars_code",
        label="Apprenticeship standard",
        empty_label="Any standard",
        help_text="Only standards that a provider offers are listed",
    )
    q = forms.CharField(
        max_length=100,
        required=False,
        validators=[validate_single_line],
        label="Words to search for",
        help_text="For example, a job, a skill or a provider's name",
    )
    postcode = forms.CharField(
        max_length=10,
        required=False,
        validators=[validate_single_line],
        label="Postcode",
        help_text="Where the apprentice will work, like L1 8JQ",
    )
    within_miles = forms.TypedChoiceField(
        choices=[(str(n), f"Within {n} miles") for n in MILES_CHOICES],
        coerce=int,
        required=False,
        initial=str(DEFAULT_MILES),
        label="Distance",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("within_miles"):  # searched with the default: show it chosen
            self.data = self.data.copy()
            self.data["within_miles"] = str(DEFAULT_MILES)
        self.fields["standard"].queryset = standards_with_offers()  # evaluated per request, not at import
        self.fields["standard"].error_messages["invalid_choice"] = "Choose a standard from the list"
        self.fields["within_miles"].error_messages["invalid_choice"] = "Choose a distance from the list"

    def search_kwargs(self) -> dict:
        data = self.cleaned_data
        near = data.get("postcode")
        return {
            "standard": data.get("standard"),
            "text": data.get("q", "").strip(),
            "near": near,
            # A distance means something only from a postcode; without one, every open offer is listed.
            "within_miles": (data.get("within_miles") or DEFAULT_MILES) if near else None,
        }
