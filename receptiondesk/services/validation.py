"""Field checks shared by the services. Each collects errors instead of raising at once,
so a form can show every problem next to its field in one go."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from ..i18n import _, format_number
from ..model.codes import label
from ..text import nfc
from .errors import FieldError, ValidationError

ID_NUMBER = re.compile(r"^\d{12}$")
PHONE = re.compile(r"^\+?[\d .-]{8,15}$")
#: no count of people, signers or organisations is larger (and the database's integers
#: overflow far above it)
MAX_COUNT = 1_000_000

# The longest text each kind of field takes. Nothing in the law fixes these: they are
# this program's bounds, so that no record can grow the file, a page, a search or a
# bundle without limit. The long texts stop at a spreadsheet cell's limit (Microsoft:
# "Excel specifications and limits", 32,767 characters in a cell), so that every
# record exports into one cell and imports back.
NAME_LENGTH = 120
ADDRESS_LENGTH = 300
#: a place, a position, where a petition was forwarded from, a representative's list
LINE_LENGTH = 200
REF_LENGTH = 60
PHONE_LENGTH = 20
NOTE_LENGTH = 4_000
TEXT_LENGTH = 32_767
#: the free text of minutes (printed over several pages, never exported to a cell)
MINUTES_LENGTH = 200_000


def too_long(title: str, limit: int) -> str:
    """The message of a text longer than its field takes."""
    return _("{field} is too long: at most {limit} characters.").format(
        field=title, limit=format_number(limit))


class Checker:
    """Collects field errors; :meth:`raise_if_any` ends a validation."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def required(self, field: str, value: object, title: str) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(field, _("{field} is required.").format(field=title))

    def max_length(self, field: str, value: str | None, limit: int, title: str) -> None:
        if value and isinstance(value, str) and len(value) > limit:
            self.add(field, too_long(title, limit))

    def lengths(self, fields: Iterable[tuple[str, str | None, int, str]]) -> None:
        """:meth:`max_length` for each (field, value, limit, title)."""
        for field, value, limit, title in fields:
            self.max_length(field, value, limit, title)

    def id_number(self, field: str, value: str | None, title: str | None = None) -> None:
        if value and not ID_NUMBER.match(value):
            self.add(
                field,
                _("{field} must be exactly 12 digits (the citizen identity card number).").format(
                    field=title or _("ID number")
                ),
            )

    def phone(self, field: str, value: str | None) -> None:
        if value and not PHONE.match(value):
            self.add(field, _("Phone number is not valid: use 8 to 15 digits."))

    def not_future(self, field: str, value: date | None, title: str, today: date) -> None:
        if value is not None and value > today:
            self.add(field, _("{field} cannot be in the future.").format(field=title))

    def not_before(
        self, field: str, value: date | None, earliest: date | None, title: str, other: str
    ) -> None:
        if value is not None and earliest is not None and value < earliest:
            self.add(
                field,
                _("{field} cannot be earlier than {other}.").format(field=title, other=other),
            )

    def birth_year(self, field: str, value: int | None, today: date) -> None:
        if value is not None and not (today.year - 120 <= value <= today.year):
            self.add(
                field,
                _("Birth year must be between {low} and {high}.").format(
                    low=today.year - 120, high=today.year
                ),
            )

    def positive(self, field: str, value: int | None, title: str, minimum: int = 1,
                 maximum: int = MAX_COUNT) -> None:
        if value is None or value < minimum:
            self.add(
                field,
                _("{field} must be at least {minimum}.").format(field=title, minimum=minimum),
            )
        else:
            self.at_most(field, value, title, maximum)

    def at_most(self, field: str, value: int | None, title: str,
                maximum: int = MAX_COUNT) -> None:
        if value is not None and value > maximum:
            self.add(
                field,
                _("{field} must be at most {maximum}.").format(field=title, maximum=maximum),
            )

    def code(
        self, field: str, value: str | None, allowed: Iterable[str], title: str,
        required: bool = True,
    ) -> None:
        if value is None or value == "":
            if required:
                self.required(field, None, title)
            return
        allowed = list(allowed)
        if value not in allowed:
            self.add(
                field,
                _("{field}: \u201c{value}\u201d is not one of: {allowed}.").format(
                    field=title, value=value, allowed=", ".join(allowed)
                ),
            )

    def enum(self, field: str, value: str | None, enum: type[StrEnum], title: str,
             required: bool = True) -> None:
        if value is None or value == "":
            if required:
                self.required(field, None, title)
            return
        if value not in {m.value for m in enum}:
            allowed = ", ".join(label(enum, m.value) for m in enum)
            self.add(
                field,
                _("{field}: \u201c{value}\u201d is not one of: {allowed}.").format(
                    field=title, value=value, allowed=allowed
                ),
            )

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(list(self.errors))


def clean(value: str | None) -> str:
    """Trim and collapse inner whitespace of a typed value, in composed form (NFC)."""
    return nfc(" ".join((value or "").split()))


def clean_id_number(value: str | None) -> str | None:
    """ID numbers are typed with spaces or dots sometimes; keep digits only when that is all."""
    if value is None:
        return None
    stripped = re.sub(r"[\s.]", "", value)
    return stripped or None
