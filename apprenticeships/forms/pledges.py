"""Applying to a levy-transfer pledge for one of the employer's vacancies."""

from django import forms
from django.db.models import QuerySet

from apprenticeships.forms.common import GovukFormMixin
from apprenticeships.models import Vacancy


class VacancyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, vacancy: Vacancy) -> str:
        places = f"{vacancy.positions} position{'s' if vacancy.positions != 1 else ''}"
        return f"{vacancy.title} ({vacancy.standard.title}, level {vacancy.standard.level}; {places})"


class PledgeApplyForm(GovukFormMixin, forms.Form):
    """Which vacancy the pledge should fund, and for how many of its apprentices (all, unless given)."""

    vacancy = VacancyChoiceField(
        queryset=Vacancy.objects.none(),
        widget=forms.RadioSelect,
        label="Which vacancy should the pledge fund?",
        error_messages={
            "required": "Choose the vacancy the pledge should fund",
            "invalid_choice": "Choose one of your vacancies from the list",
        },
    )
    apprentices = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=999,
        label="How many apprentices? (optional)",
        help_text="Leave blank to ask for every position the vacancy has.",
        error_messages={
            "invalid": "Enter the number of apprentices as a whole number, like 2",
            "min_value": "Enter at least 1 apprentice, or leave it blank",
            "max_value": "Enter at most 999 apprentices",
        },
    )

    def __init__(self, *args: object, vacancies: QuerySet[Vacancy], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = vacancies
