"""A person's own data as a ZIP: one JSON file per source, and their files.

One small function per app reads through `privacy.queries` (so the export and
the erasure agree on what is the person's) and returns the JSON files of that
app. Every record carries its id; a choice carries its code and its label
(`status` and `status_label`); a moment is ISO 8601 in UTC, a date ISO, a time
of day "HH:MM". The other party's private notes, reflections and feedback are
never read here: the shared notes of the person's sessions are part of their
sessions' record and are included as `notes_shared_with_me`.

The ZIP is written to a temporary file (kept in memory up to a few MB, on disk
beyond), so a person with many uploaded files doesn't hold the worker's memory,
and it is streamed back with FileResponse.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from typing import IO, TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.privacy import hooks as privacy_hooks
from mentora.privacy import queries

if TYPE_CHECKING:
    from mentora.accounts.models import User

Files = dict[str, Any]  # file name in the ZIP → JSON-able content

IN_MEMORY_LIMIT = 8 * 1024 * 1024


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, models.Model):
        return value.pk
    return (
        value
        if value is None or isinstance(value, (bool, int, float, str, list, dict))
        else str(value)
    )


def record(obj: models.Model, *names: str, **extra: Any) -> dict[str, Any]:
    """`obj`'s fields as JSON: id first; a choice with its label; a foreign key as its id."""
    out: dict[str, Any] = {"id": obj.pk}
    for name in names:
        field = obj._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            out[f"{name}_id"] = getattr(obj, field.attname)
            continue
        value = getattr(obj, name)
        out[name] = _value(value)
        if getattr(field, "choices", None) and value not in (None, ""):
            out[f"{name}_label"] = str(getattr(obj, f"get_{name}_display")())
    out.update({k: _value(v) for k, v in extra.items()})
    return out


def _person(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.name} if user is not None else None


# --- one function per app ----------------------------------------------------


def accounts_part(user: User) -> Files:
    account = record(
        user,
        "email",
        "name",
        "time_zone",
        "preferred_language",
        "is_active",
        "date_joined",
        "activated_at",
        "onboarded_at",
        "onboarding_skipped_at",
        "last_login",
    )
    profiles: dict[str, Any] = {}
    if (mentor := queries.mentor_profile(user)) is not None:
        profiles["mentor"] = record(
            mentor,
            "headline",
            "bio",
            "knowledge_areas",
            "years_experience",
            "career_stage",
            "current_role",
            "company",
            "capacity",
            "meeting_link",
            "github_url",
            "linkedin_url",
            "portfolio_url",
            "education_path",
            "languages",
            "updated_at",
            stack=mentor.stack_names(),
        )
    if (mentee := queries.mentee_profile(user)) is not None:
        profiles["mentee"] = record(
            mentee,
            "learning",
            "target_roles",
            "interests",
            "prior_background",
            "wants_shared_background",
            "meets_from",
            "meets_until",
            "education_path",
            "languages",
            "updated_at",
            stack=mentee.stack_names(),
        )
    background = [
        record(a, "field", "value", "visibility") for a in queries.background_answers(user)
    ]
    signed_in = [
        record(s, "ip", "user_agent", "created_at", "last_seen_at")
        for s in queries.signed_in_sessions(user)
    ]
    calendars = [
        record(c, "label", "kind", "url_host", "created_at", "last_success_at", "disabled_at")
        for c in queries.calendar_connections(user)
    ]
    sign_in = {
        "second_factors": [
            record(a, "type", "created_at", "last_used_at") for a in queries.authenticators(user)
        ],
        "single_sign_on": [
            record(a, "provider", "uid", "date_joined", "last_login", "extra_data")
            for a in queries.social_accounts(user)
        ],
    }
    return {
        "account.json": account,
        "profiles.json": profiles,
        "background.json": background,
        "signed_in_sessions.json": signed_in,
        "calendars.json": calendars,
        "sign_in.json": sign_in,
    }


def programs_part(user: User) -> Files:
    memberships = [
        record(
            m,
            "role",
            "status",
            "is_active",
            "joined_at",
            "ended_at",
            "invitation_sent_at",
            program={"id": m.program_id, "name": m.program.name},
            cohort=m.cohort.name if m.cohort else None,
            success_manager=_person(m.success_manager),
        )
        for m in queries.memberships(user)
    ]
    mentorships = []
    for m in queries.mentorships(user):
        mine = "mentor" if m.mentor_id == user.pk else "mentee"
        mentorships.append(
            record(
                m,
                "program",
                "status",
                "started_at",
                "ended_at",
                "end_reason",
                "end_note",
                my_role=mine,
                mentor=_person(m.mentor),
                mentee=_person(m.mentee),
                my_closing_reflection=getattr(m, f"{mine}_closing_reflection"),
            )
        )
    return {"memberships.json": memberships, "mentorships.json": mentorships}


def scheduling_part(user: User) -> Files:
    makeups = {r.session_id: r for r in queries.makeup_requests(user)}
    sessions = []
    for s in queries.sessions(user):
        makeup = makeups.get(s.pk)
        sessions.append(
            record(
                s,
                "program",
                "mentorship",
                "kind",
                "status",
                "starts_at",
                "ends_at",
                "makeup_for",
                "cancelled_at",
                "cancel_reason",
                "cancel_note",
                "cancellation_kind",
                my_role="mentor" if s.mentor_id == user.pk else "mentee",
                mentor=_person(s.mentor),
                mentee=_person(s.mentee),
                cancelled_by_me=s.cancelled_by_id == user.pk,
                makeup_request=(
                    record(makeup, "requested_at", "message", "status", "decided_at")
                    if makeup
                    else None
                ),
            )
        )
    availability = {
        "weekly_hours": [
            record(h, "weekday", "start_time", "end_time") for h in queries.weekly_hours(user)
        ],
        "date_overrides": [
            record(o, "date", "kind", "start_time", "end_time")
            for o in queries.date_overrides(user)
        ],
        "time_off": [record(t, "starts_on", "ends_on", "note") for t in queries.time_off(user)],
    }
    return {"sessions.json": sessions, "availability.json": availability}


def _file_name(stored: Any) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", stored.original_name).strip("._") or "file"
    return f"files/{stored.pk}-{safe[:100]}"


def mentoring_part(user: User) -> Files:
    agendas = [
        record(
            a,
            "session",
            "goal",
            "goal_template",
            "mentorship_goal",
            "working_on",
            "next_days",
            "planned_work_done",
            "previous_notes_reviewed",
            "setup_checked",
            "updated_at",
            links=[record(link, "url", "title", "added_at") for link in a.links.all()],
            question_ids=[q.question_id for q in a.agenda_questions.all()],
        )
        for a in queries.agendas(user)
    ]
    files = [
        record(
            f,
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            session_id=f.agenda.session_id,
            in_this_zip=_file_name(f),
        )
        for f in queries.files_uploaded(user)
    ]
    return {
        "agendas.json": agendas,
        "files.json": files,
        "questions.json": [
            record(
                q,
                "program",
                "text",
                "tried",
                "topic",
                "link",
                "status",
                "answer",
                "solved_how",
                "answered_in",
                "created_at",
                "resolved_at",
            )
            for q in queries.questions(user)
        ],
        "goals.json": {
            "goals": [
                record(
                    g,
                    "mentorship",
                    "text",
                    "target_date",
                    "status",
                    "mentor_comment",
                    "created_at",
                )
                for g in queries.goals(user)
            ],
            "working_agreements": [
                record(
                    w,
                    "mentorship",
                    "how_often",
                    "contact_between_sessions",
                    "mentee_expects",
                    "mentor_expects",
                    "updated_at",
                )
                for w in queries.working_agreements(user)
            ],
        },
        "notes.json": {
            "notes_i_wrote": [
                record(n, "session", "body", "shared", "created_at", "updated_at")
                for n in queries.notes_written(user)
            ],
            "notes_shared_with_me": [
                record(n, "session", "body", "created_at", author=_person(n.author))
                for n in queries.notes_shared_with(user)
            ],
        },
        "action_items.json": [
            record(
                i,
                "mentorship",
                "session",
                "title",
                "due_on",
                "kind",
                "done_at",
                "created_at",
                owner=_person(i.owner),
                created_by_me=i.created_by_id == user.pk,
            )
            for i in queries.action_items(user)
        ],
        "reflections.json": [
            record(
                r,
                "session",
                "goal_met",
                "why_not",
                "plan_now",
                "still_makes_sense",
                "topics_covered",
                "created_at",
                "updated_at",
            )
            for r in queries.reflections(user)
        ],
        "feedback.json": [
            record(fb, "session", "useful", "less_productive", "rating", "visibility", "created_at")
            for fb in queries.feedback_given(user)
        ],
    }


def matching_part(user: User) -> Files:
    return {
        "pulses.json": [
            record(p, "mentorship", "asked_at", "answer", "comment", "answered_at")
            for p in queries.pulses_answered(user)
        ],
        "concerns.json": [
            record(
                c,
                "program",
                "mentorship",
                "reason",
                "details",
                "status",
                "created_at",
                "resolved_at",
                "outcome",
            )
            for c in queries.concerns_raised(user)
        ],
        "mentor_requests.json": {
            "sent": [
                record(
                    r,
                    "program",
                    "message",
                    "status",
                    "created_at",
                    "expires_at",
                    "decided_at",
                    "decline_reason",
                    "withdraw_reason",
                    mentor=_person(r.mentor),
                )
                for r in queries.requests_sent(user)
            ],
            "received": [
                record(
                    r,
                    "program",
                    "message",
                    "status",
                    "created_at",
                    "decided_at",
                    "decline_reason",
                    "decline_note",
                    mentee=_person(r.mentee),
                )
                for r in queries.requests_received(user)
            ],
        },
    }


def notifications_part(user: User) -> Files:
    return {
        "notifications.json": [
            record(n, "program", "kind", "title", "body", "url", "created_at", "read_at")
            for n in queries.notifications(user)
        ],
        "preferences.json": [
            record(p, "kind", "choice", "updated_at") for p in queries.preferences(user)
        ],
    }


def applications_part(user: User) -> Files:
    """Their applications with their own answers (sensitive ones too: they are
    theirs); never a reviewer's notes."""
    return {
        "applications.json": [
            record(
                a,
                "name",
                "email",
                "time_zone",
                "status",
                "submitted_at",
                "admitted_at",
                "waitlist_position",
                "decline_message",
                "created_at",
                program={"id": a.round.program_id, "name": a.round.program.name},
                role=a.round.role,
                answers=[
                    {"question": answer.question.label, "answer": answer.value}
                    for answer in a.answers.all()
                ],
            )
            for a in queries.applications(user)
        ]
    }


PARTS: tuple[Callable[[User], Files], ...] = (
    accounts_part,
    programs_part,
    scheduling_part,
    mentoring_part,
    matching_part,
    notifications_part,
    applications_part,
)


def _readme(user: User, names: Iterable[str]) -> str:
    lines = [
        _("Everything Mentora holds about %(name)s, exported %(when)s.")
        % {"name": user.name or user.email, "when": _value(timezone.now())},
        "",
        _("Times are in UTC (ISO 8601). Each record has its id; a choice has its code and label."),
        _(
            "What you wrote, the records you are a party to (memberships, mentorships, sessions, "
            "goals), and the notes the other person shared with you. Nobody else's private "
            "notes, reflections or feedback."
        ),
        "",
        *names,
        "",
    ]
    return "\n".join(lines)


def export_zip(user: User) -> IO[bytes]:
    """The ZIP of `user`'s data, rewound, in a temporary file the caller closes."""
    files: Files = {}
    for part in (*PARTS, *privacy_hooks.export_parts):
        files.update(part(user))
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_LIMIT)  # noqa: SIM115 (FileResponse closes it)
    uploads = list(queries.files_uploaded(user))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(user, sorted(files)))
        for name, content in files.items():
            archive.writestr(name, json.dumps(content, ensure_ascii=False, indent=2))
        for stored in uploads:
            try:
                with (
                    stored.file.open("rb") as source,
                    archive.open(_file_name(stored), "w", force_zip64=True) as target,
                ):
                    for chunk in iter(lambda: source.read(1024 * 1024), b""):
                        target.write(chunk)
            except FileNotFoundError:  # the row outlived its file: say so, don't fail
                archive.writestr(_file_name(stored) + ".missing.txt", _("This file is missing."))
    out.seek(0)
    return out  # type: ignore[return-value]
