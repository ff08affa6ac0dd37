"""Inputs are parsed, never trusted: the one set of types every edge uses.

Forms, query strings, URL paths and imports all come through here, so a value
that is not what it claims to be (a NUL, a superscript "digit", a 5,000-digit
number, the year 9999 in a far zone) is refused with a message a person can act
on, the same on SQLite and PostgreSQL, and never reaches a query or date maths
that would turn it into a 500.

- Text: `find_control_character`, `find_bidi_override`,
  `strip_control_characters`, and the `refuse_control_characters` validator.
- Numbers: `parse_id`, `parse_int` (ASCII digits, bounded length and range),
  `IdField`, `BoundedIntegerField`, `ModelIdChoiceField`, and `query_id` /
  `query_int` for query strings and POST data.
- Tokens: `TOKEN_PATTERN` (the `<token:>` converter) and `parse_token`.
- Dates: `BoundedDateField`, `BoundedDateTimeField` (a range given when the form
  is built, said in the message; overflow at the calendar's edges is a form error).
- `Form` and `ModelForm`, the project's base forms (`TextChecksMixin`): every
  text field refuses control characters, and Django's own number and date
  fields parse as the ones here.
- `RefuseNulMiddleware`: the request-level net for NUL in the path, the query
  string and form values, which PostgreSQL's text type cannot store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

_M = TypeVar("_M", bound=models.Model)

# --- Text -----------------------------------------------------------------

# C0 controls except TAB, LF and CR (which text legitimately holds), DEL, and
# the C1 controls: none is typed by a person, several break terminals, logs or
# PostgreSQL (NUL), and all are invisible on the page.
CONTROL_CHARACTERS = frozenset(
    [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\t\n\r"]
    + [chr(0x7F)]
    + [chr(c) for c in range(0x80, 0xA0)]
)

# Bidirectional overrides and isolates: they make text display in a different
# order from the one it is stored in ("Trojan Source"), so a name or a file
# name can pretend to be another. Kept separate: some text (CSV names) refuses
# them, while free text in a person's own language may need the marks.
BIDI_OVERRIDES = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)

_CONTROL_RE = re.compile("[" + re.escape("".join(sorted(CONTROL_CHARACTERS))) + "]")
_BIDI_RE = re.compile("[" + re.escape("".join(sorted(BIDI_OVERRIDES))) + "]")


def find_control_character(text: str) -> str | None:
    """The first control character in `text`, or None."""
    match = _CONTROL_RE.search(text)
    return match.group() if match else None


def find_bidi_override(text: str) -> str | None:
    """The first bidirectional override or isolate in `text`, or None."""
    match = _BIDI_RE.search(text)
    return match.group() if match else None


def strip_control_characters(text: str) -> str:
    """`text` without its control characters (for cells of imported files,
    where dropping them is kinder than refusing the whole file)."""
    return _CONTROL_RE.sub("", text)


def describe_character(char: str) -> str:
    """How a message names an invisible character: U+0000."""
    return f"U+{ord(char):04X}"


@deconstructible
class ControlCharacterValidator:
    """Refuses text holding a control character, naming it."""

    code = "control_character"

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        char = find_control_character(value)
        if char is not None:
            raise ValidationError(
                _(
                    "This text contains an invisible control character (%(char)s). "
                    "Remove it and try again."
                )
                % {"char": describe_character(char)},
                code=self.code,
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCharacterValidator)

    def __hash__(self) -> int:
        return hash(ControlCharacterValidator)


refuse_control_characters = ControlCharacterValidator()


def add_text_checks(fields: Mapping[str, forms.Field]) -> None:
    """Put the control-character check on every text field (CharField and its
    subclasses: email, URL, slug...) that does not have it yet."""
    for field in fields.values():
        if isinstance(field, forms.CharField) and refuse_control_characters not in field.validators:
            field.validators.append(refuse_control_characters)


def add_input_checks(fields: Mapping[str, forms.Field]) -> None:
    """The text checks, and Django's own number and date fields (those a model
    form generates, or a form declares out of habit) parsed as ours: each such
    field becomes the subclass here that only changes how a value is parsed
    (ASCII digits, bounded; dates a century around today; datetimes that
    cannot overflow), keeping its label, widget, messages and validators."""
    add_text_checks(fields)
    for field in fields.values():
        stricter = _STRICTER.get(type(field))
        if stricter is not None:
            field.__class__ = stricter


class TextChecksMixin:
    """Mixed into every form of the project (before forms.Form / ModelForm):
    each field, declared or generated from a model, is checked by the types
    here (add_input_checks). Done per instance, on the form's own copy of its
    fields."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_input_checks(self.fields)


# --- Numbers --------------------------------------------------------------

MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL's bigint hold
_MAX_DIGITS = len(str(MAX_ID))  # 19: longer is refused before int() sees it
_ASCII_DIGITS = re.compile(r"[0-9]+")


def parse_int(raw: object, *, minimum: int, maximum: int) -> int | None:
    """`raw` as an int when it is ASCII digits (an optional leading "-" when
    `minimum` is negative) within [minimum, maximum], else None.

    `str.isdigit()` and `int()` both accept far more than 0-9 ("²", "٣", "৩"),
    and `int()` of thousands of digits is slow or refused, so the text is
    checked first and its length bounded by the range."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = text[1:] if text.startswith("-") and minimum < 0 else text
    limit = max(len(str(abs(minimum))), len(str(abs(maximum))))
    if not digits or len(digits) > limit or not _ASCII_DIGITS.fullmatch(digits):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(raw: object) -> int | None:
    """`raw` as an object id (1 to 2**63-1, ASCII digits), else None."""
    return parse_int(raw, minimum=1, maximum=MAX_ID)


def query_int(
    query: Mapping[str, Any], key: str, *, default: int, minimum: int, maximum: int
) -> int:
    """A number from a query string (`request.GET`): `default` when it is
    missing or not a number in range, so a hand-edited URL shows the default
    page instead of an error."""
    value = parse_int(query.get(key), minimum=minimum, maximum=maximum)
    return default if value is None else value


def query_id(query: Mapping[str, Any], key: str) -> int | None:
    """An id from a query string or POST data, or None when it is not one."""
    return parse_id(query.get(key))


class BoundedIntegerField(forms.IntegerField):
    """An integer of ASCII digits between min_value and max_value (both
    required, so nothing unbounded reaches the database)."""

    default_error_messages = {"invalid": gettext_lazy("Enter a whole number.")}

    def __init__(self, *, min_value: int, max_value: int, **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value  # initial data, already a number; validators check the range
        text = str(value).strip()
        if not _ASCII_DIGITS.fullmatch(text.removeprefix("-")) or len(text) > _MAX_DIGITS + 1:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        number = int(text)
        if abs(number) > MAX_ID:  # past any integer column, whatever the field's own range
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdField(BoundedIntegerField):
    """An object id as a form value (a hidden field, a select of ids)."""

    default_error_messages = {"invalid": gettext_lazy("That is not a valid choice.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdChoiceMixin:
    """For a ModelChoiceField: the submitted pk must be an id (ASCII digits in
    range) before it reaches the query; "٣" would otherwise find row 3."""

    to_field_name: str | None
    error_messages: dict[str, Any]

    def to_python(self, value: Any) -> Any:
        if (
            self.to_field_name is None
            and value not in forms.Field.empty_values
            and not isinstance(value, models.Model | int)
            and parse_id(str(value)) is None
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)  # type: ignore[misc]


class ModelIdChoiceField(IdChoiceMixin, forms.ModelChoiceField[_M]):
    """A choice of one row by its id, parsed like every id."""


# --- Tokens ---------------------------------------------------------------

# The secret tokens in URLs and forms (calendar feed, agenda files) are
# secrets.token_urlsafe: URL-safe base64, at most the 64 characters the
# columns hold. Anything else cannot be one, so it is "not found" before a query.
TOKEN_PATTERN = "[A-Za-z0-9_-]{1,64}"
_TOKEN = re.compile(TOKEN_PATTERN)


def parse_token(raw: object) -> str | None:
    """`raw` when it could be one of our secret tokens, else None."""
    return raw if isinstance(raw, str) and _TOKEN.fullmatch(raw) else None


# --- Dates ----------------------------------------------------------------


def years_around(today: dt.date, *, before: int, after: int) -> tuple[dt.date, dt.date]:
    """A range of whole years around `today` (cadences, report periods)."""
    return _shift_years(today, -before), _shift_years(today, after)


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


# Messages naming the range, so a person knows what to pick instead.
_RANGE_MESSAGES = {
    "date": (
        gettext_lazy("Choose a date between %(low)s and %(high)s."),
        gettext_lazy("Choose a date no earlier than %(low)s."),
        gettext_lazy("Choose a date no later than %(high)s."),
    ),
    "time": (
        gettext_lazy("Choose a time between %(low)s and %(high)s."),
        gettext_lazy("Choose a time no earlier than %(low)s."),
        gettext_lazy("Choose a time no later than %(high)s."),
    ),
}


class _Bounded:
    """The range check shared by the date and datetime fields."""

    minimum: Any = None
    maximum: Any = None
    kind = "date"

    def set_bounds(self, minimum: Any, maximum: Any) -> None:
        self.minimum, self.maximum = minimum, maximum

    def bounds(self) -> tuple[Any, Any]:
        return self.minimum, self.maximum

    def show(self, value: Any) -> str:
        raise NotImplementedError

    def check_bounds(self, value: Any) -> None:
        if value is None:
            return
        low, high = self.bounds()
        if (low is None or value >= low) and (high is None or value <= high):
            return
        both, at_least, at_most = _RANGE_MESSAGES[self.kind]
        message = (
            both
            if low is not None and high is not None
            else at_least
            if low is not None
            else at_most
        )
        params = {
            "low": self.show(low) if low is not None else "",
            "high": self.show(high) if high is not None else "",
        }
        raise ValidationError(str(message) % params, code="out_of_range")


class BoundedDateField(_Bounded, forms.DateField):
    """A date within bounds: `minimum`/`maximum` (given to the field, or later
    with `set_bounds` when the form knows them), or else `years` before and
    after today, counted when the form is checked. Without either, a century
    each way: no date field accepts the year 1 or 9999, whose arithmetic
    overflows."""

    years: tuple[int, int] = (100, 100)

    def __init__(
        self,
        *,
        minimum: dt.date | None = None,
        maximum: dt.date | None = None,
        years: tuple[int, int] = (100, 100),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.set_bounds(minimum, maximum)
        self.years = years

    def bounds(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        around = years_around(today, before=self.years[0], after=self.years[1])
        return self.minimum or around[0], self.maximum or around[1]

    def show(self, value: dt.date) -> str:
        return formats.date_format(value, "DATE_FORMAT")

    def validate(self, value: Any) -> None:
        super().validate(value)
        self.check_bounds(value)


_EDGE_ROOM = dt.timedelta(days=14)
_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC) + _EDGE_ROOM
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC) - _EDGE_ROOM


class BoundedDateTimeField(_Bounded, forms.DateTimeField):
    """A datetime between `minimum` and `maximum` (aware datetimes).

    A value at the calendar's edge in a far zone (9999-12-31T23:59:59-14:00 is
    the year 10000 in UTC) overflows when Django or the service converts it;
    to_python converts it once, here, and turns the overflow into a form error."""

    default_error_messages = {"invalid": gettext_lazy("Enter a valid date and time.")}
    kind = "time"
    offset_required = False

    def __init__(
        self,
        *,
        minimum: dt.datetime | None = None,
        maximum: dt.datetime | None = None,
        offset_required: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.set_bounds(minimum, maximum)
        # A machine-written value (a slot's ISO timestamp) must say its zone;
        # guessing the reader's would silently move it.
        self.offset_required = offset_required

    def to_python(self, value: Any) -> dt.datetime | None:
        if self.offset_required and isinstance(value, str) and value.strip():
            try:
                naive = dt.datetime.fromisoformat(value.strip()).tzinfo is None
            except ValueError:
                naive = True
            if naive:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            result = super().to_python(value)
            # Converting raises here, not later in a query or a sum.
            in_utc = result.astimezone(dt.UTC) if result is not None else None
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if in_utc is not None and not _EARLIEST <= in_utc <= _LATEST:
            # Room at both edges for zones, buffers and a week's arithmetic.
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result

    def show(self, value: dt.datetime) -> str:
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")

    def validate(self, value: Any) -> None:
        super().validate(value)
        self.check_bounds(value)


# Django's fields and the stricter ones that take their place (add_input_checks).
_STRICTER: dict[type[forms.Field], type[forms.Field]] = {
    forms.IntegerField: BoundedIntegerField,
    forms.DateField: BoundedDateField,
    forms.DateTimeField: BoundedDateTimeField,
}


# --- Base forms -------------------------------------------------------------


class Form(TextChecksMixin, forms.Form):
    """The project's form: its fields are checked by the types here."""


class ModelForm(TextChecksMixin, forms.ModelForm[_M]):
    """The project's model form: its fields, generated or declared, are checked
    by the types here."""


# --- The request-level net -------------------------------------------------


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Answered in the API's JSON error shape (mentora/api/), not with a page.
API_PREFIX = "/api/"


def request_has_nul(request: HttpRequest) -> bool:
    """A NUL in the path, a query-string key or value, or a form value (file
    contents are the upload checks' business)."""
    if "\x00" in request.path_info:
        return True
    sources = [request.GET]
    try:
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            sources.append(request.POST)
        for query in sources:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        if request.method == "POST" and request.content_type == "multipart/form-data":
            for key, uploads in request.FILES.lists():
                names = [getattr(upload, "name", "") or "" for upload in uploads]
                if "\x00" in key or any("\x00" in name for name in names):
                    return True
    except MultiPartParserError:  # a form body that can't be read (no boundary): refused too
        return True
    return False


class RefuseNulMiddleware:
    """Answers 400 with a page when a request carries a NUL: PostgreSQL's text
    type cannot store one (a 500 from any lookup), SQLite would store it, and no
    person types one. Covers pages we do not write, such as Django admin's
    search and autocomplete."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A cookie with a NUL was never set by us (a session key, a CSRF token):
        # it is ignored, as if absent, so the session lookup never sees it and
        # the person is not stuck with a 400 on every page.
        cookies = request.COOKIES
        if any("\x00" in name or "\x00" in value for name, value in cookies.items()):
            request.COOKIES = {n: v for n, v in cookies.items() if "\x00" not in n + v}
        if request_has_nul(request):
            if request.path_info.startswith(API_PREFIX):  # the JSON API's error shape
                message = _("The request can't be read.")
                body = {"code": "bad_input", "message": message, "field": None}
                return JsonResponse(body, status=400)
            return render(request, "input_refused.html", status=400)
        return self.get_response(request)
