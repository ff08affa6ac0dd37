"""The caseload over the API: the mentees in the caller's scope (an admin: the
program; a success manager: theirs; anyone else 404), most at risk first, with
the signals that fire for each, filtered and paged as the caseload page does.

The same scope rule, filter form and ranking (`insights.queries.caseload`); a
filter the page would leave out with a message is a 422 naming it here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from mentora.api import lists
from mentora.api.access import caller, program_for_caller
from mentora.api.schemas import PersonOut, person_out
from mentora.api.sessions import ERRORS
from mentora.insights import access, queries
from mentora.insights.forms import CaseloadFilterForm
from mentora.insights.risk import CaseRow

router = Router(tags=["caseload"])
CURSOR_SALT = "mentora.api.caseload.cursor"


class CaseloadQuery(Schema):
    cohort: str | None = Field(None, description="One cohort's id.")
    mentor: str | None = Field(None, description="Mentees of this mentor (their id).")
    signal: str | None = Field(None, description="Only mentees this signal fires for.")
    cursor: str | None = Field(None, description="The `next` of the previous page.")


class SignalOut(Schema):
    signal: str
    label: str
    weight: int
    text: str


class CaseloadRowOut(Schema):
    membership_id: int
    mentee: PersonOut
    cohort: str | None
    success_manager: PersonOut | None
    mentors: list[PersonOut]  # their live mentorships' mentors
    score: int
    level: str  # high, watch or fine
    signals: list[SignalOut]


class CaseloadOut(Schema):
    items: list[CaseloadRowOut]
    total: int  # mentees in scope after the cohort and mentor filters
    at_risk: int  # of those, with at least one signal
    matching: int  # after the signal filter too
    signal_counts: dict[str, int]
    next: str | None


def _row_out(row: CaseRow) -> dict[str, Any]:
    membership = row.membership
    assert membership is not None  # attached for the shown page
    manager = membership.success_manager
    return {
        "membership_id": membership.pk,
        "mentee": person_out(membership.user),
        "cohort": membership.cohort.name if membership.cohort else None,
        "success_manager": person_out(manager) if manager else None,
        "mentors": [person_out(m.mentor) for m in membership.user.live_mentorships],  # type: ignore[attr-defined]
        "score": row.score,
        "level": row.level,
        "signals": [
            {"signal": r.signal.value, "label": r.label, "weight": r.weight, "text": r.text}
            for r in row.reasons
        ],
    }


@router.get(
    "/{slug}/caseload",
    response={200: CaseloadOut, **ERRORS},
    operation_id="caseload",
    summary="The mentees in the caller's caseload, most at risk first, with their signals",
)
def caseload(
    request: HttpRequest,
    slug: str,
    given: Query[CaseloadQuery],  # type: ignore[type-arg]
) -> Any:
    program = program_for_caller(request, slug)
    scope = access.caseload_scope(caller(request), program)
    number = lists.page_number_of(given.cursor, CURSOR_SALT)
    data = {k: v for k, v in given.dict().items() if v and k != "cursor"}
    form = CaseloadFilterForm(data or None, program=program)
    if form.is_bound and not form.is_valid():
        lists.refuse_form(form)
    found = queries.caseload(scope, timezone.now(), form.filters(), number)
    following = (
        lists.numbered_cursor(found.page + 1, CURSOR_SALT) if found.page < found.pages else None
    )
    return {
        "items": [_row_out(r) for r in found.rows],
        "total": found.total,
        "at_risk": found.at_risk,
        "matching": found.matching,
        "signal_counts": {str(s.value): n for s, n in found.signal_counts.items()},
        "next": following,
    }
