"""Course offer forms: an offer with its delivery locations and cohorts, and the CSV upload of many."""

import re
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError

from apprenticeships.forms.common import (
    GovukDateField,
    GovukFormMixin,
    MoneyField,
    delivery_modes_field,
    standard_field,
)
from apprenticeships.models import CourseOffer
from apprenticeships.services.offer_import import MAX_BYTES
from apprenticeships.services.offers import MAX_COHORTS, MAX_LOCATIONS, offer_rules_check
from lcr_skills.formats import long_date
from lcr_skills.text import validate_multi_line, validate_single_line


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


def _row_field(what: str, problem: str) -> str | None:
    """The field of a row that a rules message ("Location 2: the radius …") is about; None for the row as a whole."""
    # The rules name the row, not the field: their wording says which (so the error summary links to it).
    if what == "Location":
        return "radius_km" if problem.startswith("the radius") else "postcode"  # else a postcode look-up's message
    if problem.startswith("places"):
        return "places"
    if problem.startswith(("enter a start date", "the start date", "another cohort already starts")):
        return "start_date"
    return None


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
                    row.add_error(_row_field(what, match[2]), f"{what} {formset.forms.index(row) + 1}: {match[2]}")
                elif (cleared := self._cleared_cohort_row(message) if name == "cohorts" else None) is not None:
                    cleared.add_error(None, message)
                else:
                    formset.non_form_errors().append(message)
        super().add_rule_errors(ValidationError(rules))

    @cached_property
    def _saved_cohorts(self) -> dict[int, object]:
        """The offer's cohorts as saved, by id (read once, however many messages name one)."""
        return {cohort.id: cohort for cohort in self.instance.cohorts.all()} if self.instance else {}

    def _cleared_cohort_row(self, message: str) -> forms.Form | None:
        """The cleared row of the cohort a rules message names by its date ("The cohort starting 7 May 2027 …")."""
        for row in self.cohorts:
            cohort = self._saved_cohorts.get(row.cleaned_data.get("id")) if row.is_valid() and row.is_blank() else None
            if cohort and message.startswith(f"The cohort starting {long_date(cohort.start_date)} "):
                return row
        return None

    def error_summary(self) -> list[tuple[str, str]]:
        items = super().error_summary()
        for formset, first in ((self.locations, "postcode"), (self.cohorts, "start_date")):
            # A post without the formset's management data has no rows at all: point at the template row.
            row = formset.forms[0] if formset.forms else formset.empty_form
            items += [(row.field_anchor(first), message) for message in formset.non_form_errors()]
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
