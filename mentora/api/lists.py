"""What every list of the API shares: its filters' form, a page after a signed
cursor, and a form's refusal as the API's error.

A page is ordered by one time column and the id (a stable order however many
rows share a time); `next` is that pair, signed per list, so a client can't
forge a cursor or carry one from one list to another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django import forms
from django.core import signing
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from mentora import inputs
from mentora.api.errors import ApiCode, ApiError

M = TypeVar("M", bound=Model)
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
CENTURY = timedelta(days=36525)


def refuse_form(form: forms.Form) -> None:
    """A form's first error as a 422 naming its field."""
    for name, messages in form.errors.items():
        raise ApiError(
            ApiCode.INVALID,
            str(messages[0]),
            status=422,
            field=None if name == "__all__" else name,
        )


class ListFilterForm(inputs.Form):
    """Times a list filters by (RFC 3339 with an offset, within a century of now),
    named in `time_filters`, and ?status= from `status_choices`."""

    time_filters: Sequence[str] = ("updated_since",)
    status_choices: Sequence[tuple[str, Any]] = ()

    def __init__(self, *args: Any, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"] = forms.ChoiceField(choices=self.status_choices, required=False)
        for name in self.time_filters:
            self.fields[name] = inputs.BoundedDateTimeField(
                required=False,
                offset_required=True,
                minimum=now - CENTURY,
                maximum=now + CENTURY,
            )


def filters_or_refuse(
    form_class: type[ListFilterForm], given: dict[str, str | None], now: datetime
) -> dict[str, Any]:
    """The cleaned filters of a list (those given), or the 422 naming the bad one."""
    form = form_class({k: v for k, v in given.items() if v}, now=now)
    if not form.is_valid():
        refuse_form(form)
    return form.cleaned_data


def _after(cursor: str, salt: str) -> tuple[datetime, int]:
    try:
        stamp, pk = signing.loads(cursor, salt=salt)
        return datetime.fromisoformat(stamp), int(pk)
    except (signing.BadSignature, ValueError, TypeError):
        raise ApiError(
            ApiCode.BAD_CURSOR, _("This cursor is not one we gave."), status=422, field="cursor"
        ) from None


def page_answer(
    found: QuerySet[M],
    chosen: dict[str, Any],
    *,
    order: str,
    cursor: str | None,
    limit: int,
    salt: str,
    out: Callable[[M], dict[str, Any]],
) -> dict[str, Any]:
    """A list's answer: the rows changed at or after ?updated_since= (when chosen), one
    page of them by (`order`, id), each as `out` writes it, and the next cursor."""
    if chosen.get("updated_since"):
        found = found.filter(updated_at__gte=chosen["updated_since"])
    rows, following = page_of(found, order=order, cursor=cursor, limit=limit, salt=salt)
    return {"items": [out(row) for row in rows], "next": following}


def page_of(
    found: QuerySet[M], *, order: str, cursor: str | None, limit: int, salt: str
) -> tuple[list[M], str | None]:
    """Up to `limit` rows after `cursor` by (`order`, id), and the next cursor
    (None on the last page)."""
    found = found.order_by(order, "pk")
    if cursor:
        after, after_pk = _after(cursor, salt)
        found = found.filter(Q(**{f"{order}__gt": after}) | Q(**{order: after, "pk__gt": after_pk}))
    rows = list(found[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    stamp: datetime = getattr(last, order)
    return rows, signing.dumps([stamp.astimezone(UTC).isoformat(), last.pk], salt=salt)


# Lists ranked in Python (the directory by fit, the caseload by risk) are paged by
# number; the cursor is that number, signed, so a client can't make one up.


def page_number_of(cursor: str | None, salt: str) -> int:
    """The page a cursor of `numbered_cursor` names (1 without one), else the 422."""
    if not cursor:
        return 1
    try:
        return max(1, int(signing.loads(cursor, salt=salt)))
    except (signing.BadSignature, ValueError, TypeError):
        raise ApiError(
            ApiCode.BAD_CURSOR, _("This cursor is not one we gave."), status=422, field="cursor"
        ) from None


def numbered_cursor(number: int, salt: str) -> str:
    return signing.dumps(number, salt=salt)
