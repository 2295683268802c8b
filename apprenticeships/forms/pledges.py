"""Levy-transfer pledges on the site: a levy payer's new pledge, and an employer applying to one."""

from decimal import Decimal

from django import forms
from django.db.models import QuerySet

from apprenticeships.forms.common import GovukDateField, GovukFormMixin
from apprenticeships.forms.vacancies import AGE_GROUP_CHOICES, LEVELS
from apprenticeships.models import LocalAuthority, Pledge, Standard, Vacancy
from apprenticeships.services.vacancies import MAX_POSITIONS


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
        max_value=MAX_POSITIONS,  # a vacancy's most (the service checks against its own positions)
        label="How many apprentices? (optional)",
        help_text="Leave blank to ask for every position the vacancy has.",
        error_messages={
            "invalid": "Enter the number of apprentices as a whole number, like 2",
            "min_value": "Enter at least 1 apprentice, or leave it blank",
            "max_value": f"Enter at most {MAX_POSITIONS} apprentices",
        },
    )

    def __init__(self, *args: object, vacancies: QuerySet[Vacancy], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = vacancies


class PledgeForm(GovukFormMixin, forms.Form):
    """A levy payer's new pledge: the service checks the minimum, the allowance and the areas."""

    amount = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        label="How much do you want to pledge?",
        help_text="In pounds, from your transfer allowance.",
        error_messages={
            "required": "Enter how much you want to pledge",
            "invalid": "Enter the amount in pounds, like 5000",
            "min_value": "The amount can't be less than £0",
            "max_digits": "Enter a smaller amount",
            "max_decimal_places": "Enter the amount in pounds and pence, like 5000.50",
        },
    )
    levels = forms.MultipleChoiceField(
        choices=LEVELS,
        widget=forms.CheckboxSelectMultiple,
        label="Which levels of apprenticeship will you fund?",
        error_messages={"required": "Choose at least one level", "invalid_choice": "Choose levels from the list"},
    )
    routes = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which occupational routes? (optional)",
        help_text="Leave all unticked for any route.",
        error_messages={"invalid_choice": "Choose routes from the list"},
    )
    local_authorities = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Where must the apprentices work? (optional)",
        help_text="Leave all unticked for anywhere in the city region.",
        error_messages={"invalid_choice": "Choose areas from the list"},
    )
    age_groups = forms.MultipleChoiceField(
        required=False,
        choices=AGE_GROUP_CHOICES[1:],  # not "Any age": none ticked is any age
        widget=forms.CheckboxSelectMultiple,
        label="How old must the apprentices be when they start? (optional)",
        help_text="Leave all unticked for any age.",
        error_messages={"invalid_choice": "Choose age groups from the list"},
    )
    auto_approve = forms.ChoiceField(
        choices=Pledge.AutoApprove.choices,
        initial=Pledge.AutoApprove.NEVER,
        widget=forms.RadioSelect,
        label="Approve applications automatically?",
        error_messages={"required": "Choose when applications are approved", "invalid_choice": "Choose from the list"},
    )
    closes_on = GovukDateField(
        required=False,
        label="Closing date (optional)",
        help_text="Leave blank to keep it open until the money runs out.",
    )
    anonymous = forms.BooleanField(
        required=False,
        label="Do not show my organisation's name on the list of pledges",
        help_text="The hub, and employers whose applications you approve, still see it.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        routes = Standard.objects.exclude(route="").values_list("route", flat=True).distinct().order_by("route")
        self.fields["routes"].choices = [(route, route) for route in routes]
        authorities = LocalAuthority.objects.filter(in_city_region=True).order_by("name")
        self.fields["local_authorities"].choices = [(a.code, a.name) for a in authorities]

    def values(self) -> dict:
        """The arguments for `pledges.pledge_create` (but the employer and who)."""
        data = self.cleaned_data
        return {
            "amount": data["amount"],
            "levels": [int(level) for level in data["levels"]],
            "routes": data["routes"],
            "local_authorities": data["local_authorities"],
            "age_groups": data["age_groups"],
            "auto_approve": data["auto_approve"],
            "closes_on": data["closes_on"],
            "anonymous": data["anonymous"],
        }
