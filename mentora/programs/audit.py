"""The support-access audit log: what a superuser saw of a program only because
they are a superuser.

Roles alone open a program's pages (`mentora.programs.access`). A superuser may
open them for support as if program admin; the predicates ask for that last,
once the roles have refused, and each time they allow it they call
`note_support_access`. `SupportAccessAuditMiddleware` then writes, after the
response, one `AccessAuditEntry` per (program, kind of data) for the request,
unless the request was refused (nothing was shown).

The grants are noted in a context variable the middleware opens for each
request, not on the user object: whichever object a view passes as the viewer
(the request's lazy user or the user itself), the note lands in the same place,
and outside a request (the worker, a shell) nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from mentora.programs.models import AccessAuditEntry, AuditKind, Program

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from mentora.accounts.models import User

K = AuditKind

# What each page shows, by URL name: the kinds of data a support view of it is
# logged under. Every program page is listed (test_support_access checks it), so
# a new page is classified the day it is added; anything else counts as PROGRAM.
PAGE_KINDS: dict[str, tuple[AuditKind, ...]] = {
    # programs and home
    "program_home": (K.PEOPLE,),
    "program_people": (K.PEOPLE,),
    "person_resend": (K.PEOPLE,),
    "program_invite": (K.PEOPLE,),
    "people_import": (K.PEOPLE,),
    "people_import_template": (K.PEOPLE,),
    "program_audit": (K.AUDIT,),
    "program_settings": (K.PROGRAM,),
    "program_settings_changes": (K.PROGRAM,),
    "webhook_settings": (K.PROGRAM,),
    "integration_tokens": (K.PROGRAM,),
    "integration_token_revoke": (K.PROGRAM,),
    "program_cohorts": (K.PROGRAM,),
    "cohort_edit": (K.PROGRAM,),
    "cohort_close": (K.PROGRAM,),
    "cohort_reopen": (K.PROGRAM,),
    "mentor_detail": (K.PEOPLE, K.BACKGROUND),
    "mentee_detail": (K.MENTEE, K.BACKGROUND),
    # scheduling
    "schedule": (K.SESSION,),
    "session_book": (K.SESSION,),
    "cadence_edit": (K.SESSION,),
    "regular_time": (K.SESSION,),
    "session_detail": (K.SESSION,),
    "session_cancel": (K.SESSION,),
    "session_reschedule": (K.SESSION,),
    "session_makeup": (K.SESSION,),
    "session_attendance": (K.SESSION,),
    "session_ics": (K.SESSION,),
    "session_meeting_link": (K.SESSION,),
    "availability_edit": (K.PROGRAM,),
    # mentoring
    "agenda": (K.SESSION,),
    "agenda_file": (K.SESSION,),
    "setup_check": (K.SESSION,),
    "questions": (K.MENTEE,),
    "readiness": (K.SESSION,),
    "session_workspace": (K.NOTES,),
    "session_reflect": (K.REFLECTION, K.FEEDBACK),
    "reflection_reopen": (K.REFLECTION,),
    "action_items": (K.NOTES,),
    "my_feedback": (K.FEEDBACK,),
    "mentorship_goals": (K.MENTEE,),
    # matching
    "mentor_directory": (K.PROGRAM,),
    "mentor_request": (K.REQUESTS,),
    "requests_list": (K.REQUESTS,),
    "request_detail": (K.REQUESTS,),
    "request_accept": (K.REQUESTS,),
    "request_decline": (K.REQUESTS,),
    "request_withdraw": (K.REQUESTS,),
    "mentee_suggestions": (K.MATCHING, K.BACKGROUND),
    "mentee_match": (K.MATCHING,),
    "bulk_match_new": (K.MATCHING,),
    "bulk_match_preview": (K.MATCHING,),
    "bulk_match_publish": (K.MATCHING,),
    "bulk_match_progress": (K.MATCHING,),
    "bulk_match_revise": (K.MATCHING,),
    "bulk_match_discard": (K.MATCHING,),
    "pulse_answer": (K.PULSE,),
    "concern_new": (K.CONCERN,),
    "concern_list": (K.CONCERN,),
    "concern_detail": (K.CONCERN, K.FEEDBACK, K.PULSE),
    "concern_resolve": (K.CONCERN,),
    "mentorship_rematch": (K.CONCERN, K.MATCHING),
    "mentorship_resume": (K.CONCERN,),
    "mentee_history": (K.MENTEE, K.CONCERN),
    "membership_graduate": (K.PEOPLE,),
    "membership_leave": (K.PEOPLE,),
    "account_deactivate": (K.PEOPLE,),
    "cohort_graduate": (K.PEOPLE,),
    "mentorship_complete": (K.MENTEE,),
    "closing_reflection": (K.REFLECTION,),
    # insights
    "caseload": (K.CASELOAD,),
    "caseload_mentee": (K.CASELOAD, K.FEEDBACK, K.PULSE),
    "staff_mentors": (K.CASELOAD,),
    "insights": (K.CASELOAD,),
    "insights_csv": (K.CASELOAD,),
    "risk_policy_edit": (K.CASELOAD,),
    # privacy
    "person_erase": (K.PEOPLE,),
    # applications (applicants are people before they join)
    "application_queue": (K.PEOPLE,),
    "application_detail": (K.PEOPLE,),
    "application_rounds": (K.PROGRAM,),
    "application_round": (K.PROGRAM,),
}

# Refusals show nothing, so they leave no entry: not found, forbidden, wrong method.
REFUSED = frozenset({403, 404, 405})

# (user pk, program pk) of each support grant in the current request; None outside one.
_grants: ContextVar[set[tuple[int, int]] | None] = ContextVar("support_grants", default=None)


def note_support_access(user: User, program: Program) -> None:
    """`user` sees `program` now only because they are a superuser."""
    grants = _grants.get()
    if grants is not None:
        grants.add((user.pk, program.pk))


def kinds_of_page(url_name: str | None) -> tuple[AuditKind, ...]:
    return PAGE_KINDS.get(url_name or "", (AuditKind.PROGRAM,))


def entries_for(
    *, user: User, program_ids: Iterable[int], request: HttpRequest, now: Any
) -> list[AccessAuditEntry]:
    """The rows one request leaves: one per program and kind of data shown."""
    match = request.resolver_match
    page = (match.url_name or "") if match else ""
    return [
        AccessAuditEntry(
            program_id=program_id,
            user_id=user.pk,
            at=now,
            kind=kind,
            method=(request.method or "")[:10],
            path=request.path[:500],
            page=page[:100],
        )
        for program_id in sorted(program_ids)
        for kind in kinds_of_page(page)
    ]


class SupportAccessAuditMiddleware:
    """Opens the request's note of support grants and writes them after the
    response. After AuthenticationMiddleware, so `request.user` is the viewer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        grants: set[tuple[int, int]] = set()
        token = _grants.set(grants)
        try:
            response = self.get_response(request)
        finally:
            _grants.reset(token)
        user = getattr(request, "user", None)
        # Only grants to the request's own user count (a predicate asked about
        # someone else, such as a notification's recipient, isn't a view).
        program_ids = {p for u, p in grants if user is not None and u == user.pk}
        if program_ids and response.status_code not in REFUSED and response.status_code < 500:
            entries = entries_for(
                user=user,  # type: ignore[arg-type]
                program_ids=program_ids,
                request=request,
                now=timezone.now(),
            )
            AccessAuditEntry.objects.bulk_create(entries)
        return response
