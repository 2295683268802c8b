"""What every form shares: GOV.UK error summaries, date, money, standard and delivery-mode fields, search postcodes.

Every form error reads as a GOV.UK error message ("Enter a title"), and `error_summary()` lists
each one with the id of the input it belongs to, for the error summary at the top of the page.
Forms check the shape of what was typed; the services' rules checks do the rest.
"""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from apprenticeships.models import DeliveryMode, Standard
from apprenticeships.places import Place, place_lookup
from apprenticeships.rules import standards_choosable


class GovukFormMixin:
    """Errors for the GOV.UK error summary: (id of the input to link to, message)."""

    def full_clean(self) -> None:
        self.max_length_messages_set()
        super().full_clean()

    def max_length_messages_set(self) -> None:
        """Give each text field that does not word its own the site's "<Label> must be N characters or fewer"."""
        # Django's ("Ensure this value has at most 150 characters (it has 500).") is not the site's style. Set when
        # the form is cleaned, not built, so that a label a subclass sets after building is the one named.
        for name, field in self.fields.items():
            limit = getattr(field, "max_length", None)
            if limit and "max_length" not in field.error_messages:
                field.error_messages["max_length"] = f"{self[name].label} must be {limit:,} characters or fewer"

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


class PostcodeSearchMixin:
    """A search form's words (`q`) and optional `postcode`, read as a Place (None when blank)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].error_messages["max_length"] = "Search words must be 100 characters or fewer"
        self.fields["postcode"].error_messages["max_length"] = "Enter a postcode, like L1 8JQ"

    def clean_postcode(self) -> Place | None:
        raw = self.cleaned_data["postcode"].strip()
        if not raw:
            return None
        try:
            return place_lookup(raw)
        except ValidationError as invalid:
            raise ValidationError(invalid.messages[0]) from None


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
    return StandardChoiceField(
        queryset=standards_choosable(current).order_by("title", "level"),
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
