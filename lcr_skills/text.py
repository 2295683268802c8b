"""The one rule for text people type into the service, and safe ways to send stored text back out.

Single-line fields (names, titles, postcodes, sectors, search words) hold one line of plain text:
no control character at all (C0, DEL, C1, the Unicode line and paragraph separators) and no
invisible text-direction control (the bidi embeddings, overrides and isolates, U+202A–U+202E and
U+2066–U+2069, which can make text read differently from what is stored: "Trojan Source").
Multi-line fields (descriptions, notes, reasons, comments) keep their line breaks and tabs but
refuse the rest: NUL above all, which PostgreSQL can't store in text.

Stored text going out: `one_line` for e-mail headers (a stored "\\r\\nBcc: …" must neither inject
a header nor make the e-mail fail), `csv_cell` for every CSV cell (OWASP CSV injection).
No imports from the project's apps, so that both apps (and their migrations) can use it.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Every C0 control, DEL and every C1 control; the line and paragraph separators; bidi controls.
_NOT_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_CONTROLS}]")
# As above, but a tab, a line feed, a carriage return and the Unicode line breaks are fine.
_NOT_MULTI_LINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
_BIDI = re.compile(f"[{_BIDI_CONTROLS}]")

_NAMES = {
    "\x00": "null character",
    "\t": "tab",
    "\n": "line break",
    "\r": "carriage return",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
}


def _describe(char: str) -> str:
    what = "invisible text-direction control" if _BIDI.match(char) else _NAMES.get(char, "control character")
    return f"{what} (U+{ord(char):04X})"


def text_problem(value: str, *, multi_line: bool = False) -> str | None:
    """What is wrong with this text under the rule for its kind of field, naming the character; None if fine."""
    found = (_NOT_MULTI_LINE if multi_line else _NOT_ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    if _BIDI.match(char):
        why = "it can make the text read differently from what is saved"
    elif char == "\x00" or multi_line:
        why = "it can't be saved"
    else:
        why = "this must be one line of plain text"
    return f"Remove the {_describe(char)}: {why}."


# Every Django form field and DRF serializer field for text already refuses a NUL ("Null characters are
# not allowed.", ProhibitNullCharactersValidator): the validators below leave NUL to it, so that a NUL
# gets one message, not two. What reads text without such a field (a CSV cell, a search) calls
# `text_problem`, which reports NUL too.


def validate_single_line(value: object) -> None:
    """Validator for single-line fields (names, titles, postcodes): no control or bidi characters."""
    if isinstance(value, str) and (problem := text_problem(value.replace("\x00", ""))):
        raise ValidationError(problem, code="control_character")


def validate_multi_line(value: object) -> None:
    """Validator for multi-line fields (descriptions, notes, reasons): line breaks and tabs, nothing else hidden."""
    if isinstance(value, str) and (problem := text_problem(value.replace("\x00", ""), multi_line=True)):
        raise ValidationError(problem, code="control_character")


def one_line(value: object) -> str:
    """The text on one line, each run of control characters and spaces a single space: safe in an e-mail header."""
    return " ".join(_NOT_ONE_LINE.sub(" ", str(value)).split())


# What a spreadsheet reads as the start of a formula (OWASP "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def csv_cell(value: object) -> object:
    """A CSV cell no spreadsheet will run: text starting = + - @ tab or CR gets a leading ' (numbers stay)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """`csv_cell` for each cell of a row, for `csv.writer(...).writerow`."""
    return [csv_cell(value) for value in values]
