"""Vacancy forms: an employer's vacancy, the hub's referral back, and the public search."""

from django import forms
from django.core.exceptions import ValidationError

from apprenticeships.forms.common import (
    GovukDateField,
    GovukFormMixin,
    MoneyField,
    PostcodeSearchMixin,
    delivery_modes_field,
    standard_field,
)
from apprenticeships.funding.rules import AGE_GROUP_WORDS, AGE_GROUPS
from apprenticeships.models import LocalAuthority, Vacancy
from apprenticeships.models.vacancies import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK
from apprenticeships.rules import (
    SEARCH_ANY_DISTANCE,
    SEARCH_DEFAULT_MILES,
    SEARCH_MILES,
    distance_without_postcode,
    search_within_km,
)
from apprenticeships.selectors import PUBLIC_SORTS
from apprenticeships.services.vacancies import (
    CLOSING_NOTICE_DAYS,
    MAX_DURATION_MONTHS,
    MAX_POSITIONS,
    vacancy_rules_check,
)
from lcr_skills.text import validate_multi_line, validate_single_line

HOURS_BETWEEN = f"{MIN_HOURS_PER_WEEK} and {MAX_HOURS_PER_WEEK}"  # "Between 16 and 48 hours"


class VacancyForm(GovukFormMixin, forms.Form):
    """A vacancy, new or edited; `values()` is what to pass to vacancy_create / vacancy_update."""

    title = forms.CharField(
        max_length=150,
        validators=[validate_single_line],
        label="Vacancy title",
        help_text="The job title applicants will see, for example Junior software developer",
        error_messages={
            "required": "Enter a vacancy title",
            "max_length": "Vacancy title must be 150 characters or fewer",
        },
    )
    description = forms.CharField(
        max_length=5000,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 6}),
        label="What the apprentice will do",
        help_text="Describe the job, the team and what the apprentice will learn. Up to 5,000 characters.",
        error_messages={
            "required": "Enter what the apprentice will do",
            "max_length": "What the apprentice will do must be 5,000 characters or fewer",
        },
    )
    positions = forms.IntegerField(
        max_value=MAX_POSITIONS,
        label="Number of positions",
        error_messages={
            "required": "Enter the number of positions",
            "invalid": "Number of positions must be a whole number, like 2",
            "max_value": f"Number of positions must be {MAX_POSITIONS} or fewer",
        },
    )
    weekly_wage = MoneyField(
        max_digits=7,
        decimal_places=2,
        label="Weekly wage",
        help_text="In pounds, before tax",
        error_messages={
            "required": "Enter the weekly wage",
            "invalid": "Weekly wage must be an amount of money, like 300 or 312.50",
            "max_digits": "Weekly wage must be less than £100,000",
            "max_whole_digits": "Weekly wage must be less than £100,000",
            "max_decimal_places": "Weekly wage must be in pounds and pence, like 312.50",
        },
    )
    hours_per_week = forms.DecimalField(
        max_digits=4,
        decimal_places=1,
        label="Hours per week",
        help_text=f"Including time spent training. Between {HOURS_BETWEEN} hours.",
        error_messages={
            "required": "Enter the hours per week",
            "invalid": "Hours per week must be a number, like 37.5",
            "max_digits": f"Hours per week must be between {HOURS_BETWEEN}",
            "max_whole_digits": f"Hours per week must be between {HOURS_BETWEEN}",
            "max_decimal_places": "Hours per week can have at most one decimal place, like 37.5",
        },
    )
    age_groups = forms.MultipleChoiceField(
        choices=[(group, AGE_GROUP_WORDS[group]) for group in AGE_GROUPS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Which apprentices is it open to?",
        help_text="Their age when they start. Funding depends on it. Leave all unticked for every age.",
        error_messages={"invalid_choice": "Choose age groups from the list"},
    )
    duration_months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_DURATION_MONTHS,
        label="Planned duration (optional)",
        help_text="In months. Leave it empty for the standard's typical duration. Under 30 hours a week the "
        "minimum is longer.",
        error_messages={
            "invalid": "Planned duration must be a whole number of months, like 18",
            "min_value": "Planned duration must be at least 1 month",
            "max_value": f"Planned duration must be {MAX_DURATION_MONTHS} months or fewer",
        },
    )
    postcode = forms.CharField(
        max_length=10,
        validators=[validate_single_line],
        label="Workplace postcode",
        help_text="Where the apprentice will work, for example L1 8JQ. Applicants only see the first half.",
        error_messages={
            "required": "Enter the workplace postcode",
            "max_length": "Enter a postcode, like L1 8JQ",
        },
    )
    start_date = GovukDateField(label="Start date", help_text="For example, 14 9 2027")
    closing_date = GovukDateField(
        label="Closing date",
        help_text=f"The last day to apply. To submit for review it must be at least {CLOSING_NOTICE_DAYS} days away.",
    )
    delivery_modes = delivery_modes_field("How could the training be delivered?", "Select all that would work for you.")
    apply_url = forms.URLField(
        max_length=500,
        required=False,
        assume_scheme="https",
        label="Your own application page (optional)",
        help_text="If applicants should apply on your website, its address, starting https://. "
        "Leave it empty for them to apply through this service: you will see their applications here.",
        error_messages={
            "invalid": "Enter the address of your application page, starting https://",
            "max_length": "The address must be 500 characters or fewer",
        },
    )
    notes = forms.CharField(
        max_length=2000,
        required=False,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Notes for training providers (optional)",
        help_text="Only the hub and training providers see these, never applicants.",
        error_messages={"max_length": "Notes must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: object, instance: Vacancy | None = None, **kwargs: object) -> None:
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {name: getattr(instance, name) for name in [*self.base_fields, "standard"]}
        super().__init__(*args, **kwargs)
        current = instance.standard if instance else None
        self.fields["standard"] = standard_field("Apprenticeship standard", current)
        self.fields["standard"].help_text = "The standard the apprentice will train for"
        self.order_fields(["title", "description", "standard"])

    def values(self) -> dict:
        """The cleaned values to save: everything for a new vacancy, only what changed for an edit."""
        names = self.changed_data if self.instance is not None else list(self.fields)
        values = {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
        if "age_groups" in values and not values["age_groups"]:
            values["age_groups"] = list(AGE_GROUPS)  # none ticked: open to every age
        return values

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            vacancy_rules_check(self.values(), instance=self.instance)
        except ValidationError as invalid:
            self.add_rule_errors(invalid)
        return cleaned


class ReferForm(GovukFormMixin, forms.Form):
    comment = forms.CharField(
        max_length=2000,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What does the employer need to change?",
        help_text="The employer sees this comment. The vacancy goes back to them as a draft.",
        error_messages={
            "required": "Enter what the employer needs to change",
            "max_length": "The comment must be 2,000 characters or fewer",
        },
    )


LEVELS = [
    ("2", "Level 2 – intermediate"),
    ("3", "Level 3 – advanced"),
    ("4", "Level 4 – higher"),
    ("5", "Level 5 – higher"),
    ("6", "Level 6 – degree"),
    ("7", "Level 7 – master's degree"),
]
# The first, blank, choice is what a search gets when nobody chooses: without it the browser sent the first
# distance listed, so keywords alone were refused (a distance needs a postcode) and a postcode alone searched
# 2 miles, not the 10 the hint promises.
DISTANCES = [
    ("", f"Default: {SEARCH_DEFAULT_MILES} miles"),
    *((str(miles), f"{miles} miles") for miles in SEARCH_MILES),
    (SEARCH_ANY_DISTANCE, "Any distance"),
]
AGE_GROUP_CHOICES = [("", "Any age")] + [(group, AGE_GROUP_WORDS[group]) for group in AGE_GROUPS]
SORT_LABELS = {
    "relevance": "Best match",
    "closing_date": "Closing date (soonest first)",
    "distance": "Distance (nearest first)",
    "wage": "Wage (highest first)",
    "start_date": "Start date (soonest first)",
}


# The page's journey-time choices, in minutes (the API takes any number in REACH_FILTER_MINUTES).
JOURNEY_MINUTES = (30, 45, 60, 90)


# What a search field says when its value is not one of its choices (a link edited by hand, an old bookmark).
SEARCH_INVALID_CHOICE = {
    "within_miles": "Choose a distance from the list",
    "local_authority": "Choose an area from the list",
    "age_group": "Choose an age group from the list",
    "level": "Choose levels from the list",
    "reachable_within_minutes": "Choose a journey time from the list",
    "sort": "Choose how to sort the results from the list",
}


class PublicSearchForm(PostcodeSearchMixin, GovukFormMixin, forms.Form):
    """Search of live vacancies; `search_kwargs()` are the arguments for selectors.public_vacancies.

    The parameters are the public API's (`/api/v1/public/vacancies/`), but for `q` (the API's
    `search`) and `sort` (the API's `ordering`).
    """

    q = forms.CharField(
        max_length=100, required=False, validators=[validate_single_line], label="Job, skill or keyword"
    )
    postcode = forms.CharField(max_length=10, required=False, validators=[validate_single_line], label="Your postcode")
    within_miles = forms.ChoiceField(
        choices=DISTANCES, required=False, label="Distance", help_text="From your postcode"
    )
    local_authority = forms.ChoiceField(required=False, label="Area")
    age_group = forms.ChoiceField(
        choices=AGE_GROUP_CHOICES,
        required=False,
        label="Your age when you start",
        help_text="Shows only apprenticeships open to your age group",
    )
    level = forms.MultipleChoiceField(
        choices=LEVELS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Level",
        help_text="Levels 2 and 3 suit most school leavers",
    )
    foundation = forms.BooleanField(
        required=False,
        label="Foundation apprenticeships only",
        help_text="Level 2 apprenticeships for young people starting out in work",
    )
    reachable_within_minutes = forms.TypedChoiceField(
        choices=[("", "Any journey time")] + [(minutes, f"{minutes} minutes") for minutes in JOURNEY_MINUTES],
        coerce=int,
        empty_value=None,
        required=False,
        label="Journey by public transport",
        help_text="From your postcode, arriving on a weekday morning by the time most apprenticeships start",
    )
    sort = forms.ChoiceField(
        choices=[(key, SORT_LABELS.get(key, key)) for key in PUBLIC_SORTS], required=False, label="Sort by"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        authorities = LocalAuthority.objects.filter(in_city_region=True).order_by("name")
        self.fields["local_authority"].choices = [("", "Anywhere in the city region")] + [
            (authority.code, authority.name) for authority in authorities
        ]
        for name, message in SEARCH_INVALID_CHOICE.items():
            self.fields[name].error_messages["invalid_choice"] = message

    def clean(self) -> dict:
        cleaned = super().clean()
        if "postcode" in cleaned:  # it could be read (a postcode, or none)
            miles = cleaned.get("within_miles")
            missing = distance_without_postcode(
                postcode=cleaned["postcode"],
                within_km=None if miles == SEARCH_ANY_DISTANCE else miles,
                sort=cleaned.get("sort"),
            )
            if cleaned.get("reachable_within_minutes") and not cleaned["postcode"]:
                self.add_error("postcode", "Enter your postcode to search by journey time from it")
            elif missing == "within_km":
                self.add_error("postcode", "Enter your postcode to search within a distance of it")
            elif missing == "sort":
                self.add_error("postcode", "Enter your postcode to sort by distance")
        return cleaned

    def search_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data.get("q", "").strip(),
            "levels": [int(level) for level in data.get("level") or []],
            "foundation": bool(data.get("foundation")),
            "age_group": data.get("age_group", ""),
            "local_authority": data.get("local_authority", ""),
            "near": data.get("postcode"),
            "within_km": search_within_km(
                postcode=data.get("postcode"),
                within_miles=data.get("within_miles"),
                journey_minutes=data.get("reachable_within_minutes"),
            ),
            "sort": data.get("sort") or "",
        }
