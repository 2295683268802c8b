"""Bulk upload of course offers from CSV: the whole file is checked, then all rows are saved or none."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apprenticeships.models import CourseOffer, DeliveryMode, Provider, Standard
from apprenticeships.rules import unknown_delivery_modes
from apprenticeships.services.offers import offer_create, offer_rules_check
from lcr_skills.input_limits import upload_too_large_message
from lcr_skills.text import csv_row, text_problem

MAX_ROWS = settings.OFFER_IMPORT_MAX_ROWS
MAX_BYTES = settings.OFFER_IMPORT_MAX_BYTES

# column -> what it holds, for the upload page and the template's documentation.
COLUMNS: dict[str, str] = {
    "standard": "LARS code of the apprenticeship standard, e.g. 2, or its reference, e.g. ST0116",
    "title": "Course title, up to 150 characters",
    "description": "What the course covers (optional)",
    "price": "Price per apprentice in pounds, no more than the standard's funding band, e.g. 15000",
    "delivery_modes": "One or more of day_release, block_release, workplace, online, separated by ;",
    "national": "yes if delivered anywhere in England, otherwise no",
    "locations": "Delivery postcodes with a radius in km, postcode:km separated by ;, e.g. L3 5TR:25;CH41:15",
    "cohorts": "Start dates (14/02/2027 or 2027-02-14) with places, date:places separated by ;, "
    "e.g. 11/01/2027:12;12/04/2027:8",
    "status": "open or closed (optional, default open)",
}
REQUIRED = ["standard", "title", "price", "delivery_modes"]
# How long a title and a description may be: the model's limits.
TITLE_MAX = CourseOffer._meta.get_field("title").max_length
DESCRIPTION_MAX = CourseOffer._meta.get_field("description").max_length
MULTI_LINE = {"description"}  # every other column is one line of plain text (lcr_skills/text.py)
TEMPLATE_ROWS = [
    [
        "2",
        "Software developer (level 4)",
        "Day release at our Liverpool campus",
        "15000",
        "day_release;online",
        "no",
        "L3 5TR:25",
        "{cohorts}",  # filled in with future dates: fixed ones would go stale and fail the template's own import
        "open",
    ],
]


# The template's example row, told by its title and description.
EXAMPLE = TEMPLATE_ROWS[0][1:3]
EXAMPLE_LEFT_IN = "This is the template's example row: delete it, or change it to describe one of your own courses."


@dataclass(frozen=True)
class RowError:
    row: int  # line in the file; the header is line 1
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRejected(Exception):
    """The file was not saved; `errors` says what to fix, by row and column."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


def template_csv(*, today: date | None = None) -> str:
    """The header and an example row, its cohorts starting in 10 and 23 weeks. The row is valid in
    every cell, but is refused as it is (EXAMPLE): left in by mistake, it would list a course nobody runs."""
    today = today or timezone.localdate()
    cohorts = f"{today + timedelta(weeks=10)}:12;{today + timedelta(weeks=23)}:8"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(COLUMNS))
    writer.writerows(csv_row(cell.format(cohorts=cohorts) for cell in row) for row in TEMPLATE_ROWS)
    return out.getvalue()


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(";"))):
        left, sep, right = item.rpartition(":")
        if not sep or not left.strip() or not right.strip():
            raise ValueError(f"“{item}” is not in the form {what}.")
        pairs.append((left.strip(), right.strip()))
    return pairs


# What a reader gives: the value read (or SKIP, for nothing to read), and what is wrong with the cell, if anything.
SKIP = object()
Read = tuple[object, str | None]


def _parse_row(raw: dict[str, str], standards: dict[int, Standard]) -> tuple[dict, dict[str, str]]:
    """Turn one CSV row into offer values, or column -> message for what can't be read."""
    cell = {column: (raw.get(column) or "").strip() for column in COLUMNS}
    errors = {column: "This column is required." for column in REQUIRED if not cell[column]}
    values: dict = {}
    readers = {"standard": partial(_standard_read, standards=standards), **READERS}
    for column, read in readers.items():
        value, problem = read(cell[column])
        if value is not SKIP:
            values[column] = value
        if problem:
            errors[column] = problem
    for column, text in cell.items():  # a NUL can't be saved, a line break doesn't belong in a title: say so first
        if problem := text_problem(text, multi_line=column in MULTI_LINE):
            errors[column] = problem
    return values, errors


def _standard_read(text: str, standards: dict[int | str, Standard]) -> Read:
    """A standard by its LARS code (2) or, where the loaded catalogue carries them, its reference (ST0116)."""
    if not text:
        return SKIP, None
    if text.upper().startswith("ST"):
        if standard := standards.get(text.upper()):
            return standard, None
        return SKIP, (
            f"No standard we hold has the reference “{text}”. Give its LARS code instead (the standards page "
            "shows it), or ask the hub to load the current standards catalogue."
        )
    try:
        return standards[int(text)], None
    except (ValueError, KeyError):
        return SKIP, f"“{text}” is not the LARS code or reference (such as ST0116) of a standard."


def _title_read(text: str) -> Read:
    if not text:
        return SKIP, None
    return text, ("The title must be 150 characters or fewer." if len(text) > TITLE_MAX else None)


def _description_read(text: str) -> Read:
    return text, ("The description must be 5,000 characters or fewer." if len(text) > DESCRIPTION_MAX else None)


def _price_read(text: str) -> Read:
    if not text:
        return SKIP, None
    try:
        price = Decimal(text.replace(",", "").lstrip("£")).quantize(Decimal("0.01"))
        if not price.is_finite():  # "NaN" quantizes fine, then can't be compared with the band
            raise InvalidOperation
    except InvalidOperation:
        return SKIP, f"“{text}” is not an amount in pounds."
    return price, None


def _delivery_modes_read(text: str) -> Read:
    if not text:
        return SKIP, None
    modes = [mode.strip() for mode in text.split(";") if mode.strip()]
    unknown = unknown_delivery_modes(modes)
    return modes, (f"Unknown delivery mode “{unknown[0]}”: use {', '.join(DeliveryMode.values)}." if unknown else None)


def _national_read(text: str) -> Read:
    national = text.lower() or "no"
    problem = None if national in {"yes", "no", "true", "false", "y", "n"} else f"“{text}” should be yes or no."
    return national in {"yes", "true", "y"}, problem


def _locations_read(text: str) -> Read:
    try:
        return [{"postcode": postcode, "radius_km": int(km)} for postcode, km in _pairs(text, "postcode:km")], None
    except ValueError as invalid:
        return SKIP, str(invalid) if "form" in str(invalid) else "Each radius must be a whole number of km."


def _day(text: str) -> date:
    """A start date as people write it in a spreadsheet: 14/02/2027 (day first, as in the UK) or 2027-02-14."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date: write it as 14/02/2027 or 2027-02-14.")


def _cohorts_read(text: str) -> Read:
    try:
        pairs = _pairs(text, "date:places")
        cohorts = [{"start_date": _day(day), "places": places} for day, places in pairs]
    except ValueError as invalid:
        return SKIP, str(invalid)
    for cohort in cohorts:
        try:
            cohort["places"] = int(cohort["places"])
        except ValueError:
            return SKIP, f"“{cohort['places']}” is not a number of places: use a whole number, like 12."
    return cohorts, None


def _status_read(text: str) -> Read:
    status = text.lower() or CourseOffer.Status.OPEN
    return status, (None if status in CourseOffer.Status.values else f"“{text}” should be open or closed.")


# column -> its reader, in the order of COLUMNS (the standard's needs the standards, so _parse_row adds it)
READERS = {
    "title": _title_read,
    "description": _description_read,
    "price": _price_read,
    "delivery_modes": _delivery_modes_read,
    "national": _national_read,
    "locations": _locations_read,
    "cohorts": _cohorts_read,
    "status": _status_read,
}


def _read(data: bytes) -> list[dict[str, str]]:
    if len(data) > MAX_BYTES:
        raise ImportRejected([RowError(0, "file", upload_too_large_message(MAX_BYTES))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([RowError(0, "file", "The file must be a CSV saved as UTF-8.")]) from None
    reader = csv.DictReader(io.StringIO(text))
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [c for c in COLUMNS if c not in header and c in REQUIRED + ["locations", "cohorts"]]
        if missing:
            raise ImportRejected([RowError(1, c, "This column is missing from the header row.") for c in missing])
        reader.fieldnames = header
        for raw in reader:
            rows.append(raw)
    except csv.Error as unreadable:  # e.g. a cell over the csv module's field size limit
        row = 1 if header is None else len(rows) + 2  # the header is row 1
        raise ImportRejected([RowError(row, "file", f"This row can't be read as CSV: {unreadable}.")]) from None
    if not rows:
        raise ImportRejected([RowError(0, "file", "The file has a header but no offers.")])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([RowError(0, "file", f"The file has {len(rows):,} rows; upload at most {MAX_ROWS:,}.")])
    return rows


def offers_import(*, provider: Provider, data: bytes) -> list[CourseOffer]:
    """Check every row of a CSV of offers; save them all, or raise ImportRejected and save none."""
    rows = _read(data)
    standards: dict[int | str, Standard] = Standard.objects.in_bulk(field_name="lars_code")
    standards |= {standard.reference.upper(): standard for standard in standards.values() if standard.reference}
    parsed, errors = [], []
    for line, raw in enumerate(rows, start=2):
        values, row_errors = _parse_row(raw, standards)
        try:
            offer_rules_check(values)  # the rules too, on what could be read, so one upload shows every problem
        except ValidationError as invalid:
            for field, messages in invalid.message_dict.items():
                row_errors.setdefault(field, " ".join(messages))
        if [cell.strip() for cell in (raw.get("title") or "", raw.get("description") or "")] == EXAMPLE:
            row_errors.setdefault("title", EXAMPLE_LEFT_IN)
        errors += [RowError(line, column, message) for column, message in row_errors.items()]
        parsed.append(values)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        return [offer_create(provider=provider, **values) for values in parsed]
