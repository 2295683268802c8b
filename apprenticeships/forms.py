"""Web forms: they check the shape of what was typed; the services' rules checks do the rest.

Every form error reads as a GOV.UK error message ("Enter a title"), and `error_summary()` lists
each one with the id of the input it belongs to, for the error summary at the top of the page.
"""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q

from apprenticeships.funding.rules import AGE_GROUPS
from apprenticeships.models import CourseOffer, DeliveryMode, LocalAuthority, Standard, Vacancy
from apprenticeships.places import place_lookup
from apprenticeships.selectors import PUBLIC_SORTS
from apprenticeships.services.offer_import import MAX_BYTES
from apprenticeships.services.offers import MAX_COHORTS, MAX_LOCATIONS, offer_rules_check
from apprenticeships.services.vacancies import vacancy_rules_check
from lcr_skills.lockout import LOCKED_OUT, lockout_message
from lcr_skills.text import validate_multi_line, validate_single_line


class SignInForm(AuthenticationForm):
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


class GovukFormMixin:
    """Errors for the GOV.UK error summary: (id of the input to link to, message)."""

    def field_anchor(self, name: str) -> str:
        bound = self[name]
        # Checkbox and radio groups have no single label target; link to their first input.
        return bound.id_for_label or f"{bound.auto_id}_0"

    def non_field_anchor(self) -> str:
        return self.field_anchor(next(iter(self.fields)))

    def error_summary(self) -> list[tuple[str, str]]:
        items = [(self.non_field_anchor(), message) for message in self.non_field_errors()]
        for name in self.fields:
            items += [(self.field_anchor(name), message) for message in self.errors.get(name, [])]
        return items

    def add_rule_errors(self, invalid: ValidationError) -> None:
        """Attach a service's rule messages to the fields they name (the rest to the whole form)."""
        for field, messages in invalid.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes: the GOV.UK date input."""

    def __init__(self) -> None:
        boxes = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in range(3)]
        super().__init__(boxes)

    def decompress(self, value: date | None) -> list:
        return [value.day, value.month, value.year] if value else [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's messages for what is missing or unreal."""

    widget = DateInputWidget

    def __init__(self, **kwargs: object) -> None:
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(parts, require_all_fields=False, **kwargs)

    def clean(self, value: list | None) -> date | None:
        parts = [str(part or "").strip() for part in (value or [])] + ["", "", ""]
        day, month, year = parts[:3]
        name = (self.label or "date").lower()
        if not (day or month or year):
            if self.required:
                raise ValidationError(f"Enter the {name}", code="required")
            return None
        missing = [label for label, part in zip(("day", "month", "year"), (day, month, year), strict=True) if not part]
        if missing:
            raise ValidationError(f"{self.label} must include a {' and a '.join(missing)}", code="incomplete")
        try:
            if len(year) != 4:
                raise ValueError(year)
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.label} must be a real date, like 27 3 2027", code="invalid") from None

    def has_changed(self, initial: date | None, data: list | None) -> bool:
        try:
            return self.clean(data) != initial
        except ValidationError:
            return True


class MoneyField(forms.DecimalField):
    """An amount in pounds; a typed £ sign or thousands commas are fine."""

    def to_python(self, value: object) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().lstrip("£").replace(",", "").strip()
        return super().to_python(value)


class StandardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, standard: Standard) -> str:
        return f"{standard.title} (level {standard.level})"


def standard_field(label: str, current: Standard | None) -> StandardChoiceField:
    """Approved standards by title; a retired one stays choosable only where it is already chosen."""
    chosen = Q(status=Standard.Status.APPROVED) | (Q(pk=current.pk) if current else Q())
    return StandardChoiceField(
        queryset=Standard.objects.filter(chosen).order_by("title", "level"),
        label=label,
        empty_label="Choose a standard",
        error_messages={
            "required": "Choose the apprenticeship standard",
            "invalid_choice": "Choose a standard from the list",
        },
    )


def delivery_modes_field(label: str, help_text: str) -> forms.MultipleChoiceField:
    # Not required here: "choose at least one" is the services' rule, and they say it.
    return forms.MultipleChoiceField(
        choices=DeliveryMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=label,
        help_text=help_text,
        error_messages={"invalid_choice": "Choose delivery modes from the list"},
    )


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
        max_value=100,
        label="Number of positions",
        error_messages={
            "required": "Enter the number of positions",
            "invalid": "Number of positions must be a whole number, like 2",
            "max_value": "Number of positions must be 100 or fewer",
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
        help_text="Including time spent training. Between 16 and 48 hours.",
        error_messages={
            "required": "Enter the hours per week",
            "invalid": "Hours per week must be a number, like 37.5",
            "max_digits": "Hours per week must be between 16 and 48",
            "max_whole_digits": "Hours per week must be between 16 and 48",
            "max_decimal_places": "Hours per week can have at most one decimal place, like 37.5",
        },
    )
    age_groups = forms.MultipleChoiceField(
        choices=[(group, group.replace("-", " to ").replace("25+", "25 and over")) for group in AGE_GROUPS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Which apprentices is it open to?",
        help_text="Their age when they start. Funding depends on it. Leave all unticked for every age.",
        error_messages={"invalid_choice": "Choose age groups from the list"},
    )
    duration_months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=120,
        label="Planned duration (optional)",
        help_text="In months. Leave it empty for the standard's typical duration. Under 30 hours a week the "
        "minimum is longer.",
        error_messages={
            "invalid": "Planned duration must be a whole number of months, like 18",
            "min_value": "Planned duration must be at least 1 month",
            "max_value": "Planned duration must be 120 months or fewer",
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
        help_text="The last day to apply. To submit for review it must be at least 7 days away.",
    )
    delivery_modes = delivery_modes_field("How could the training be delivered?", "Select all that would work for you.")
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


class LocationForm(GovukFormMixin, forms.Form):
    postcode = forms.CharField(max_length=10, required=False, validators=[validate_single_line], label="Postcode")
    radius_km = forms.IntegerField(
        required=False,
        label="Distance you will travel, in km",
        error_messages={"invalid": "Distance must be a whole number of km, like 25"},
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("postcode", "").strip() and data.get("radius_km") is None


class CohortForm(GovukFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start_date = GovukDateField(label="Start date", required=False)
    places = forms.IntegerField(
        required=False,
        label="Places",
        error_messages={"invalid": "Places must be a whole number, like 12"},
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("start_date") is None and data.get("places") is None


class LocationRows(forms.BaseFormSet):
    default_error_messages = {"too_many_forms": f"Add at most {MAX_LOCATIONS} delivery locations"}


class CohortRows(forms.BaseFormSet):
    default_error_messages = {"too_many_forms": f"Add at most {MAX_COHORTS} cohorts"}


# More rows than the cap are refused without building them (absolute_max), as the API and the CSV import do.
LocationFormSet = forms.formset_factory(
    LocationForm, formset=LocationRows, extra=3, max_num=MAX_LOCATIONS, absolute_max=MAX_LOCATIONS
)
CohortFormSet = forms.formset_factory(
    CohortForm, formset=CohortRows, extra=3, max_num=MAX_COHORTS, absolute_max=MAX_COHORTS
)
ROW_MESSAGE = re.compile(r"^(?:Location|Cohort) (\d+): (.*)$", re.DOTALL)


class CourseOfferForm(GovukFormMixin, forms.Form):
    """A course offer with its delivery locations and cohorts (two formsets, blank rows ignored)."""

    title = forms.CharField(
        max_length=150,
        validators=[validate_single_line],
        label="Course title",
        error_messages={
            "required": "Enter a course title",
            "max_length": "Course title must be 150 characters or fewer",
        },
    )
    description = forms.CharField(
        max_length=5000,
        required=False,
        validators=[validate_multi_line],
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Course description (optional)",
        help_text="What the course covers and how it is taught",
        error_messages={"max_length": "Course description must be 5,000 characters or fewer"},
    )
    price = MoneyField(
        max_digits=8,
        decimal_places=2,
        label="Price per apprentice",
        help_text="In pounds. It can't be more than the standard's maximum funding band.",
        error_messages={
            "required": "Enter the price per apprentice",
            "invalid": "Price must be an amount of money, like 15000",
            "max_digits": "Price must be less than £1,000,000",
            "max_whole_digits": "Price must be less than £1,000,000",
            "max_decimal_places": "Price must be in pounds and pence, like 14999.50",
        },
    )
    delivery_modes = delivery_modes_field("How is the training delivered?", "Select all that apply.")
    national = forms.BooleanField(
        required=False,
        label="We deliver this course anywhere in England",
        help_text="Tick this if you do not need delivery locations.",
    )
    status = forms.ChoiceField(
        choices=CourseOffer.Status.choices,
        widget=forms.RadioSelect,
        initial=CourseOffer.Status.OPEN,
        label="Is the offer open to new apprentices?",
        error_messages={"required": "Choose whether the offer is open or closed"},
    )

    def __init__(self, data: dict | None = None, *, instance: CourseOffer | None = None) -> None:
        self.instance = instance
        initial, locations, cohorts = {}, [], []
        if instance is not None:
            initial = {name: getattr(instance, name) for name in [*self.base_fields, "standard"]}
            locations = [{"postcode": loc.postcode, "radius_km": loc.radius_km} for loc in instance.locations.all()]
            cohorts = [{"id": c.id, "start_date": c.start_date, "places": c.places} for c in instance.cohorts.all()]
        super().__init__(data, initial=initial)
        self.fields["standard"] = standard_field("Apprenticeship standard", instance.standard if instance else None)
        self.order_fields(["standard", "title", "description"])
        self.locations = LocationFormSet(data, prefix="locations", initial=locations)
        self.cohorts = CohortFormSet(data, prefix="cohorts", initial=cohorts)

    def is_valid(self) -> bool:
        valid = super().is_valid()  # runs clean(), which may add errors to the rows
        return all([valid, self.locations.is_valid(), self.cohorts.is_valid()])

    def _rows(self, formset: forms.BaseFormSet) -> list[forms.Form]:
        return [row for row in formset if row.is_valid() and not row.is_blank()]

    def values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}
        values["locations"] = [
            {"postcode": row.cleaned_data["postcode"], "radius_km": row.cleaned_data["radius_km"]}
            for row in self._rows(self.locations)
        ]
        values["cohorts"] = [
            {key: row.cleaned_data[key] for key in ("start_date", "places")}
            | ({"id": row.cleaned_data["id"]} if row.cleaned_data["id"] else {})
            for row in self._rows(self.cohorts)
        ]
        return values

    def clean(self) -> dict:
        cleaned = super().clean()
        if not (self.locations.is_valid() and self.cohorts.is_valid()):
            return cleaned
        try:
            offer_rules_check(self.values(), instance=self.instance)
        except ValidationError as invalid:
            self.add_rule_errors(invalid)
        return cleaned

    def add_rule_errors(self, invalid: ValidationError) -> None:
        rules = dict(invalid.message_dict)
        for name, formset, what in (("locations", self.locations, "Location"), ("cohorts", self.cohorts, "Cohort")):
            rows = self._rows(formset)
            for message in rules.pop(name, []):
                match = ROW_MESSAGE.match(message)
                if match and int(match[1]) <= len(rows):
                    # The rules count filled-in rows; say the row number the user sees.
                    row = rows[int(match[1]) - 1]
                    row.add_error(None, f"{what} {formset.forms.index(row) + 1}: {match[2]}")
                else:
                    formset.non_form_errors().append(message)
        super().add_rule_errors(ValidationError(rules))

    def error_summary(self) -> list[tuple[str, str]]:
        items = super().error_summary()
        for formset, first in ((self.locations, "postcode"), (self.cohorts, "start_date")):
            # A post without the formset's management data has no rows at all: point at the template row.
            row = formset.forms[0] if formset.forms else formset.empty_form
            items += [(row[first].id_for_label, message) for message in formset.non_form_errors()]
            for row in formset:
                items += [(row.field_anchor(first), message) for message in row.non_field_errors()]
                for name in row.fields:
                    items += [(row.field_anchor(name), message) for message in row.errors.get(name, [])]
        return items


class CsvUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text=f"Saved as CSV (UTF-8), up to {MAX_BYTES // 1024:,} KB",
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV file",
        },
    )

    def file_bytes(self) -> bytes:
        # One byte more than the limit is enough for the import to say the file is too large.
        return self.cleaned_data["file"].read(MAX_BYTES + 1)


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
    ("", "Any level"),
    ("2", "Level 2 – intermediate"),
    ("3", "Level 3 – advanced"),
    ("4", "Level 4 – higher"),
    ("5", "Level 5 – higher"),
    ("6", "Level 6 – degree"),
    ("7", "Level 7 – master's degree"),
]
DISTANCES = [("", "Any distance"), ("5", "5 km"), ("10", "10 km"), ("25", "25 km"), ("50", "50 km"), ("100", "100 km")]
SORT_LABELS = {
    "closing_date": "Closing date (soonest first)",
    "distance": "Distance (nearest first)",
    "wage": "Wage (highest first)",
    "start_date": "Start date (soonest first)",
}


class PublicSearchForm(GovukFormMixin, forms.Form):
    """Search of live vacancies; `search_kwargs()` are the arguments for selectors.public_vacancies."""

    q = forms.CharField(
        max_length=100, required=False, validators=[validate_single_line], label="Job, skill or keyword"
    )
    level = forms.ChoiceField(choices=LEVELS, required=False, label="Level")
    local_authority = forms.ChoiceField(required=False, label="Area")
    postcode = forms.CharField(max_length=10, required=False, validators=[validate_single_line], label="Your postcode")
    within_km = forms.ChoiceField(choices=DISTANCES, required=False, label="Distance")
    sort = forms.ChoiceField(
        choices=[(key, SORT_LABELS.get(key, key)) for key in PUBLIC_SORTS], required=False, label="Sort by"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        authorities = LocalAuthority.objects.filter(in_city_region=True).order_by("name")
        self.fields["local_authority"].choices = [("", "Anywhere in the city region")] + [
            (authority.code, authority.name) for authority in authorities
        ]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = f"Choose a {field.label.lower()} from the list"
        self.fields["q"].error_messages["max_length"] = "Search words must be 100 characters or fewer"
        self.fields["postcode"].error_messages["max_length"] = "Enter a postcode, like L1 8JQ"

    def clean_postcode(self) -> object:
        raw = self.cleaned_data["postcode"].strip()
        if not raw:
            return None
        try:
            return place_lookup(raw)
        except ValidationError as invalid:
            raise ValidationError(invalid.messages[0]) from None

    def clean(self) -> dict:
        cleaned = super().clean()
        if "postcode" in cleaned and cleaned["postcode"] is None:
            if cleaned.get("within_km"):
                self.add_error("postcode", "Enter your postcode to search within a distance of it")
            elif cleaned.get("sort") == "distance":
                self.add_error("postcode", "Enter your postcode to sort by distance")
        return cleaned

    def search_kwargs(self) -> dict:
        data = self.cleaned_data
        within = data.get("within_km")
        return {
            "text": data.get("q", "").strip(),
            "level": int(data["level"]) if data.get("level") else None,
            "local_authority": data.get("local_authority", ""),
            "near": data.get("postcode"),
            "within_km": float(within) if within else None,
            "sort": data.get("sort") or "closing_date",
        }
