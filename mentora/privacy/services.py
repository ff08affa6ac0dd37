"""Erasing a person: `person_erase`, the one write of personal data.

What stays and what goes (docs/architecture.md, Privacy):
- The account row stays, so the other party's records and the program's counts
  hold: its identity becomes "Erased person" with `erased-<id>@erased.invalid`,
  an unusable password, `is_active` False and `erased_at` set (the time zone
  is kept, so past sessions still read right).
- Their free text is replaced: a text that had something becomes "[erased]"
  (so "held with a written goal", "has a reflection" and every count of
  insights read the same as before), an empty one stays empty, a link becomes
  empty. Background answers, agenda links, their inbox (notifications and
  deliveries), preferences, calendar feed, connected calendars (with their busy
  times), email addresses (allauth), second factors and single sign-on
  identities, their signed-in sessions and the login attempts recorded under
  their email (axes) are deleted; a second-factor reset's record keeps who and
  when, not why; their uploaded files are deleted from storage after commit.
- Rows that are counted stay: sessions, attendance, ratings, pulse answers,
  reflections' choices, action items, mentorships, memberships.
- The other party's own writing (their notes, reflections, answers, comments)
  is kept as written. Text Mentora itself wrote about the person (other
  people's inbox messages, which quote the person's name and what they wrote
  in a request, a pulse, a concern or a cancellation note; bulk-match reasons;
  Django admin's log) has the name, email and those quotes replaced.
- Before any of it, the person leaves through off-boarding's
  `account_deactivate`: live mentorships end (future sessions cancelled on
  time, by the system), open requests are withdrawn or closed, every
  membership becomes "left".

A person who is or was in another program is erased only by a superuser: a
program admin has no say over the person's data elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.hooks import mentor_features_changed
from mentora.accounts.models import MenteeProfile, MentorProfile, SecondFactorReset, User
from mentora.accounts.sessions import sign_out_other_sessions
from mentora.clock import now_or_current
from mentora.matching.errors import MatchingError
from mentora.matching.lifecycle.offboarding import account_deactivate
from mentora.matching.lifecycle.services import mentorship_end, requests_withdraw
from mentora.matching.models import BulkMatchRow, MentorRequest, WithdrawReason
from mentora.mentoring.models import MentorshipGoal, WorkingAgreement
from mentora.notifications.models import Notification
from mentora.privacy import hooks as privacy_hooks
from mentora.privacy import queries
from mentora.privacy.errors import PrivacyCode, PrivacyError
from mentora.privacy.models import PersonErasure
from mentora.programs.models import (
    LIVE_MENTORSHIP_STATUSES,
    EndReason,
    Membership,
    MembershipStatus,
    Mentorship,
)
from mentora.scheduling.booking.services import session_cancel
from mentora.scheduling.models import CalendarFeed, CancelReason, SessionStatus

if TYPE_CHECKING:
    from mentora.programs.models import Program

ERASED_NAME = "Erased person"  # stored, so in one language
ERASED_TEXT = "[erased]"
# Shorter needles would replace ordinary words in other people's messages.
MIN_NEEDLE = 3


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@erased.invalid"


def erasure_refusal(*, user: User, program: Program, by: User) -> PrivacyError | None:
    """Why `by` may not erase `user` from `program`, or None. The page asks it
    before showing the form; `person_erase` asks it again under lock."""
    if user.erased_at is not None:
        return PrivacyError(
            PrivacyCode.ALREADY_ERASED, _("This person's personal data has already been erased.")
        )
    if user.pk == by.pk:
        return PrivacyError(PrivacyCode.SELF, _("You can't erase your own account here."))
    if user.is_superuser:
        return PrivacyError(
            PrivacyCode.SUPERUSER, _("A superuser's account is erased in Django admin, not here.")
        )
    if user.is_staff and not by.is_superuser:
        return PrivacyError(
            PrivacyCode.SUPERUSER,
            _("This is a site staff account: only a site administrator (a superuser) erases it."),
        )
    if not Membership.objects.filter(user=user, program=program).exists():
        return PrivacyError(
            PrivacyCode.NOT_IN_PROGRAM, _("This person is not a member of this program.")
        )
    if queries.other_program_ids(user, program.pk) and not by.is_superuser:
        return PrivacyError(
            PrivacyCode.OTHER_PROGRAMS,
            _(
                "This person is also in another program, and their data there is not this "
                "program's to erase. Ask a site administrator (a superuser) to erase them."
            ),
        )
    return None


# --- leaving first -------------------------------------------------------------


def _leave_everything(user: User, by: User, now: datetime) -> dict[str, int]:
    """Off-boarding's account_deactivate (matching/lifecycle/offboarding.py) for an
    account still open: every live mentorship ends, future sessions are cancelled
    on time by the system, requests are withdrawn or closed, every membership
    becomes "left". Then whatever an earlier deactivation outside that service
    left open (a live mentorship, a future session, an open request) is closed
    the same way, so an erased person is never still expected anywhere."""
    counts: dict[str, int] = {}
    if user.is_active:
        try:
            plan = account_deactivate(user=user, by=by, now=now)
        except MatchingError as error:
            raise PrivacyError(PrivacyCode.OFFBOARDING, error.message) from error
        counts |= {
            "mentorships_ended": plan.mentorships,
            "sessions_cancelled": plan.sessions,
            "requests_withdrawn": plan.requests_withdrawn,
            "requests_closed": plan.requests_closed,
            "makeup_requests_closed": plan.makeup_requests,
        }
    leftovers = 0
    for mentorship in Mentorship.objects.filter(
        Q(mentor=user) | Q(mentee=user), status__in=LIVE_MENTORSHIP_STATUSES
    ).select_related("program", "mentor", "mentee"):
        as_mentee = mentorship.mentee_id == user.pk
        reason = EndReason.MENTEE_LEFT if as_mentee else EndReason.MENTOR_UNAVAILABLE
        mentorship_end(mentorship=mentorship, reason=reason, by=by, now=now)
        leftovers += 1
    for session in (
        queries.sessions(user)
        .filter(status=SessionStatus.SCHEDULED, starts_at__gt=now)
        .select_related("mentorship")
    ):
        session_cancel(session=session, by=None, reason=CancelReason.MENTORSHIP_ENDED, now=now)
        leftovers += 1
    for waiting, why in (
        (MentorRequest.objects.open().filter(mentee=user), WithdrawReason.MENTEE_LEFT),
        (MentorRequest.objects.open().filter(mentor=user), WithdrawReason.MENTOR_LEFT),
    ):
        leftovers += waiting.count()
        requests_withdraw(waiting, reason=why, now=now)
    leftovers += Membership.objects.filter(user=user, is_active=True).update(
        updated_at=timezone.now(), status=MembershipStatus.LEFT, is_active=False, ended_at=now
    )
    counts["left_open_elsewhere"] = leftovers
    return counts


# --- replacing text ---------------------------------------------------------------


def _erase_text(qs: QuerySet[Any], *fields: str) -> int:
    """Every non-empty `fields` of `qs` becomes "[erased]"; returns the rows changed."""
    changed = 0
    for name in fields:
        changed += qs.exclude(**{name: ""}).update(**{name: ERASED_TEXT})
    return changed


def _replace(value: Any, needles: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for needle, replacement in needles:
            value = value.replace(needle, replacement)
        return value
    if isinstance(value, list):
        return [_replace(v, needles) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, needles) for k, v in value.items()}
    return value


def _scrub(qs: QuerySet[Any], fields: Iterable[str], needles: list[tuple[str, str]]) -> int:
    """Replace each needle in `fields` of the rows of `qs` that hold one."""
    fields = list(fields)
    if not needles:
        return 0
    holds = Q()
    for needle, _replacement in needles:
        for name in fields:
            holds |= Q(**{f"{name}__contains": needle})
    changed = 0
    for row in qs.filter(holds):
        for name in fields:
            setattr(row, name, _replace(getattr(row, name), needles))
        row.save(update_fields=fields)
        changed += 1
    return changed


def _json_scrub(qs: QuerySet[Any], field: str, needles: list[tuple[str, str]]) -> int:
    """As `_scrub` for a JSON field, read in Python (JSON `contains` differs by database)."""
    changed = 0
    for row in qs.only("pk", field).iterator():
        value = getattr(row, field)
        new = _replace(value, needles)
        if new != value:
            type(row).objects.filter(pk=row.pk).update(**{field: new})
            changed += 1
    return changed


def _quotes(user: User) -> list[str]:
    """What the person wrote that Mentora's messages to others quote (as quoted)."""
    texts = [
        *(m[:600] for m in queries.requests_sent(user).values_list("message", flat=True)),
        *queries.pulses(user).values_list("comment", flat=True),
        *(d[:1000] for d in queries.concerns_raised(user).values_list("details", flat=True)),
        *queries.sessions_cancelled_by(user).values_list("cancel_note", flat=True),
    ]
    return [t for t in texts if len(t.strip()) >= MIN_NEEDLE]


def _erase_writing(user: User) -> dict[str, int]:
    mine_as_mentee = Q(mentorship__mentee=user)
    mine_as_mentor = Q(mentorship__mentor=user)
    counts = {
        "profiles": (
            _erase_text(
                MentorProfile.objects.filter(user=user),
                "headline",
                "bio",
                "current_role",
                "company",
            )
            + MentorProfile.objects.filter(user=user).update(
                meeting_link="", github_url="", linkedin_url="", portfolio_url=""
            )
            + _erase_text(
                MenteeProfile.objects.filter(user=user),
                "learning",
                "target_roles",
                "prior_background",
            )
        ),
        "background_answers": queries.background_answers(user).delete()[0],
        "agendas": _erase_text(queries.agendas(user), "goal", "working_on", "next_days"),
        "agenda_links": queries.agenda_links(user).delete()[0],
        "questions": _erase_text(queries.questions(user), "text", "tried", "topic", "solved_how")
        + queries.questions(user).exclude(link="").update(link=""),
        "goals": _erase_text(MentorshipGoal.objects.filter(mine_as_mentee), "text")
        + _erase_text(MentorshipGoal.objects.filter(mine_as_mentor), "mentor_comment"),
        "working_agreements": _erase_text(
            WorkingAgreement.objects.filter(mine_as_mentee), "mentee_expects"
        )
        + _erase_text(WorkingAgreement.objects.filter(mine_as_mentor), "mentor_expects"),
        "notes": _erase_text(queries.notes_written(user), "body"),
        "action_items": _erase_text(queries.action_items_created(user), "title"),
        "reflections": _erase_text(
            queries.reflections(user), "why_not", "plan_now", "topics_covered"
        ),
        "feedback": _erase_text(queries.feedback_given(user), "useful", "less_productive"),
        "pulses": _erase_text(queries.pulses(user), "comment"),
        "concerns": _erase_text(queries.concerns_raised(user), "details"),
        "requests": _erase_text(queries.requests_sent(user), "message")
        + _erase_text(queries.requests_received(user), "decline_note"),
        "closing_reflections": _erase_text(
            Mentorship.objects.filter(mentor=user), "mentor_closing_reflection"
        )
        + _erase_text(Mentorship.objects.filter(mentee=user), "mentee_closing_reflection"),
        "cancel_notes": _erase_text(queries.sessions_cancelled_by(user), "cancel_note"),
        "makeup_messages": _erase_text(
            queries.makeup_requests(user).filter(session__mentee=user), "message"
        ),
        "time_off_notes": _erase_text(queries.time_off(user), "note"),
    }
    return counts


def _delete_files(user: User) -> int:
    """Delete the rows of their uploads now and the stored files after commit
    (a rollback keeps both)."""
    stored = list(queries.files_uploaded(user))
    names = [(f.file.storage, f.file.name) for f in stored if f.file.name]
    queries.files_uploaded(user).delete()

    def delete_stored() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete_stored)
    return len(stored)


def _delete_sessions(user: User) -> int:
    """Sign them out everywhere: the session store (its data may hold what allauth
    kept of a login) and the rows of where they were signed in (addresses and
    browsers)."""
    return sign_out_other_sessions(user)


def _delete_traces(user: User) -> dict[str, int]:
    email = user.email
    return {
        "notifications": queries.notifications(user).delete()[0],
        "deliveries": queries.deliveries(user).delete()[0],
        "preferences": queries.preferences(user).delete()[0],
        "calendar_feed": CalendarFeed.objects.filter(user=user).delete()[0],
        # Applications made with their email go whole, with their answers and history.
        "applications": queries.applications(user).delete()[0],
        "email_addresses": EmailAddress.objects.filter(
            Q(user=user) | Q(email__iexact=email)
        ).delete()[0],
        "signed_in_sessions": _delete_sessions(user),
        # Their connected calendars go with their busy times and copies' records
        # (cascade); second factors and single sign-on identities with them.
        "calendar_connections": queries.calendar_connections(user).delete()[0],
        "second_factors": queries.authenticators(user).delete()[0],
        "single_sign_on": queries.social_accounts(user).delete()[0],
        "second_factor_resets": SecondFactorReset.objects.filter(user=user).update(
            reason=ERASED_TEXT
        ),
        "login_records": sum(
            model.objects.filter(username__iexact=email).delete()[0]
            for model in (AccessAttempt, AccessLog, AccessFailureLog)
        ),
    }


def _scrub_mentions(user: User, needles: list[tuple[str, str]]) -> dict[str, int]:
    user_type = ContentType.objects.get_for_model(User)
    LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        object_repr=ERASED_NAME
    )
    return {
        "others_notifications": _scrub(
            Notification.objects.exclude(recipient=user), ("title", "body"), needles
        ),
        "admin_log": _scrub(LogEntry.objects.all(), ("object_repr", "change_message"), needles),
        # Staff's word on why the person left or graduated is about them.
        "membership_end_notes": _erase_text(Membership.objects.filter(user=user), "end_note"),
        "bulk_match_rows": _scrub(BulkMatchRow.objects.all(), ("unmatched_reason",), needles)
        + _json_scrub(
            BulkMatchRow.objects.filter(Q(mentee=user) | Q(mentor=user)), "reasons", needles
        ),
    }


# --- the service ---------------------------------------------------------------------


def person_erase(
    *, user: User, program: Program, by: User, now: datetime | None = None
) -> PersonErasure:
    """Erase `user`'s personal data (see the module's docstring), recorded as a
    PersonErasure of `program`. Refused (PrivacyError) if already erased, not a
    member of `program`, `by` themselves, a superuser, or in another program
    and `by` is not a superuser."""
    now = now_or_current(now)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if (refusal := erasure_refusal(user=locked, program=program, by=by)) is not None:
            raise refusal
        name, email = locked.name, locked.email
        needles = [
            (text, ERASED_TEXT) for text in sorted(set(_quotes(locked)), key=len, reverse=True)
        ]
        needles += [
            (text, replacement)
            for text, replacement in ((email, erased_email(locked.pk)), (name, ERASED_NAME))
            if len(text) >= MIN_NEEDLE
        ]
        summary = _leave_everything(locked, by, now)
        summary |= _erase_writing(locked)
        summary["files"] = _delete_files(locked)
        summary |= _delete_traces(locked)
        summary |= _scrub_mentions(locked, needles)

        locked.name = ERASED_NAME
        locked.email = erased_email(locked.pk)
        locked.set_unusable_password()
        locked.is_active = False
        locked.erased_at = now
        locked.save(update_fields=["name", "email", "password", "is_active", "erased_at"])
        mentor_features_changed([locked.pk])
        privacy_hooks.person_erased(locked)
        erasure = PersonErasure.objects.create(
            program=program, erased_user_id=locked.pk, by=by, at=now, summary=summary
        )
    user.refresh_from_db()
    return erasure
