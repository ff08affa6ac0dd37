"""Writes of applications: rounds and questions (program admins), applying,
confirming, editing a draft and withdrawing (the applicant, through their link),
moving an application between review states, and the decisions (reviewers):
admitting into the program (the invitation the people page sends), a place
on the round's waitlist, declining with one of the program's messages.

Every move of an application is a compare-and-set on the status it is leaving
and leaves one `StatusChange` (who, when, from, to, the note) in the same
transaction. The applicant's link is a random token sent by email; only its
SHA-256 is stored, and a new link replaces the old one.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from mentora.accounts.mail import account_email_queue
from mentora.accounts.models import User
from mentora.applications import hooks
from mentora.applications.errors import ApplicationCode, ApplicationError
from mentora.applications.models import (
    ADMITTABLE,
    CHOICE_KINDS,
    CLOSED_STATUSES,
    DECLINABLE,
    MAX_APPLICATION_CHARS,
    MAX_CHOICE_LENGTH,
    MAX_CHOICES,
    MAX_DECLINE_BODY,
    MAX_DECLINE_TEMPLATES,
    MAX_LINK,
    MAX_LONG_TEXT,
    MAX_NOTE,
    MAX_QUESTIONS,
    MAX_SHORT_TEXT,
    MAX_TEMPLATE_NAME,
    REVIEW_MOVES,
    WAITLISTABLE,
    WITHDRAWABLE,
    Answer,
    Application,
    ApplicationRound,
    ApplicationStatus,
    DeclineTemplate,
    Question,
    QuestionKind,
    RoundRole,
    StatusChange,
    link_hash,
)
from mentora.clock import now_or_current
from mentora.programs import services as program_services
from mentora.programs.errors import ProgramError
from mentora.programs.models import Cohort, Membership, Program, Role

S = ApplicationStatus
Code = ApplicationCode

# --- Rounds and questions -----------------------------------------------------


def _check_dates(opens_at: datetime, closes_at: datetime | None) -> None:
    if closes_at is not None and closes_at <= opens_at:
        raise ApplicationError(
            Code.BAD_DATES, _("The round must close after it opens."), field="closes_at"
        )


def round_create(
    *,
    program: Program,
    role: str,
    opens_at: datetime,
    closes_at: datetime | None,
    intro: str,
    by: User | None,
) -> ApplicationRound:
    if role not in RoundRole.values:
        raise ApplicationError(Code.BAD_ROLE, _("Choose mentee or mentor."), field="role")
    _check_dates(opens_at, closes_at)
    return ApplicationRound.objects.create(
        program=program,
        role=role,
        opens_at=opens_at,
        closes_at=closes_at,
        intro=intro.strip(),
        created_by=by,
    )


def round_update(
    *, round_: ApplicationRound, opens_at: datetime, closes_at: datetime | None, intro: str
) -> None:
    _check_dates(opens_at, closes_at)
    ApplicationRound.objects.filter(pk=round_.pk).update(
        opens_at=opens_at, closes_at=closes_at, intro=intro.strip()
    )


def round_close(*, round_: ApplicationRound, now: datetime | None = None) -> None:
    """Closed by hand from now on (its dates stay as they were)."""
    ApplicationRound.objects.filter(pk=round_.pk, closed_by_hand_at__isnull=True).update(
        closed_by_hand_at=now_or_current(now)
    )


def round_open(*, round_: ApplicationRound, now: datetime | None = None) -> None:
    """Open from now: a hand closing is lifted, an opening still to come is
    brought forward to now and a closing already past is dropped."""
    now = now_or_current(now)
    with transaction.atomic():
        locked = ApplicationRound.objects.select_for_update().get(pk=round_.pk)
        locked.closed_by_hand_at = None
        locked.opens_at = min(locked.opens_at, now)
        if locked.closes_at is not None and locked.closes_at <= now:
            locked.closes_at = None
        locked.save(update_fields=["closed_by_hand_at", "opens_at", "closes_at"])


def _clean_choices(kind: str, choices: Sequence[str]) -> list[str]:
    if kind not in CHOICE_KINDS:
        return []
    cleaned = list(dict.fromkeys(c.strip() for c in choices if c.strip()))
    if len(cleaned) < 2:
        raise ApplicationError(
            Code.CHOICES_NEEDED, _("Give at least two choices, one a line."), field="choices"
        )
    if len(cleaned) > MAX_CHOICES or any(len(c) > MAX_CHOICE_LENGTH for c in cleaned):
        raise ApplicationError(
            Code.BAD_CHOICES,
            _("At most %(count)d choices of at most %(length)d characters each.")
            % {"count": MAX_CHOICES, "length": MAX_CHOICE_LENGTH},
            field="choices",
        )
    return cleaned


def question_add(
    *,
    round_: ApplicationRound,
    kind: str,
    label: str,
    help_text: str = "",
    choices: Sequence[str] = (),
    required: bool = True,
    sensitive: bool = False,
) -> Question:
    if kind not in QuestionKind.values:
        raise ApplicationError(Code.BAD_KIND, _("Choose a kind of question."), field="kind")
    cleaned = _clean_choices(kind, choices)
    with transaction.atomic():
        ApplicationRound.objects.select_for_update().filter(pk=round_.pk).first()
        questions = Question.objects.filter(round=round_)
        if questions.count() >= MAX_QUESTIONS:
            raise ApplicationError(
                Code.TOO_MANY_QUESTIONS,
                _("A round has at most %(count)d questions.") % {"count": MAX_QUESTIONS},
            )
        last = questions.aggregate(last=Max("order"))["last"]
        return Question.objects.create(
            round=round_,
            order=0 if last is None else last + 1,
            kind=kind,
            label=label.strip(),
            help_text=help_text.strip(),
            choices=cleaned,
            required=required,
            sensitive=sensitive,
        )


def question_remove(*, question: Question) -> None:
    """Only a question nobody has answered yet (answers are kept)."""
    with transaction.atomic():
        if Answer.objects.filter(question=question).exists():
            raise ApplicationError(
                Code.QUESTION_ANSWERED,
                _("People have answered this question already, so it stays."),
            )
        question.delete()


def question_move(*, question: Question, up: bool) -> None:
    """Swap with the question before (`up`) or after it; the round's questions
    are numbered 0, 1, 2, ... again."""
    with transaction.atomic():
        ApplicationRound.objects.select_for_update().filter(pk=question.round_id).first()
        ordered = list(Question.objects.filter(round_id=question.round_id).order_by("order", "pk"))
        at = next((i for i, q in enumerate(ordered) if q.pk == question.pk), None)
        if at is None:
            return
        other = at - 1 if up else at + 1
        if 0 <= other < len(ordered):
            ordered[at], ordered[other] = ordered[other], ordered[at]
        for number, each in enumerate(ordered):
            if each.order != number:
                Question.objects.filter(pk=each.pk).update(order=number)


# --- Answers ------------------------------------------------------------------

_LINK = URLValidator(schemes=["http", "https"])
_TEXT_LIMITS = {
    QuestionKind.SHORT_TEXT: MAX_SHORT_TEXT,
    QuestionKind.LONG_TEXT: MAX_LONG_TEXT,
    QuestionKind.LINK: MAX_LINK,
}


def answer_problem(question: Question, value: Any) -> tuple[ApplicationCode, str] | None:
    """What is wrong with `value` as the answer to `question`, or None.

    Values: text for the text kinds and links ("" for none), a choice's text,
    a list of choices, True/False/None for yes or no."""
    kind = question.kind
    empty = value in (None, "", [])
    if empty:
        if question.required:
            return Code.ANSWER_NEEDED, _("This question needs an answer.")
        return None
    if kind in _TEXT_LIMITS:
        if not isinstance(value, str):
            return Code.BAD_ANSWER, _("Enter text.")
        limit = _TEXT_LIMITS[QuestionKind(kind)]
        if len(value) > limit:
            return Code.ANSWER_TOO_LONG, _("At most %(limit)d characters (this is %(length)d).") % {
                "limit": limit,
                "length": len(value),
            }
        if kind == QuestionKind.LINK:
            try:
                _LINK(value)
            except ValidationError:
                return Code.BAD_LINK, _("Enter a web address starting with https:// or http://.")
        return None
    if kind == QuestionKind.ONE_CHOICE:
        if value not in question.choices:
            return Code.BAD_CHOICE, _("Choose one of the choices.")
        return None
    if kind == QuestionKind.MANY_CHOICES:
        if not isinstance(value, list) or any(v not in question.choices for v in value):
            return Code.BAD_CHOICE, _("Choose among the choices.")
        return None
    if kind == QuestionKind.YES_NO:
        return None if isinstance(value, bool) else (Code.BAD_ANSWER, _("Answer yes or no."))
    return Code.BAD_ANSWER, _("This question can't be answered.")


def answers_size(values: Mapping[int, Any]) -> int:
    """Characters of an application's answers together (choices count their text)."""
    total = 0
    for value in values.values():
        if isinstance(value, str):
            total += len(value)
        elif isinstance(value, list):
            total += sum(len(str(v)) for v in value)
    return total


def too_long_message(size: int) -> str:
    return _(
        "The answers together are %(size)d characters; an application holds at most "
        "%(limit)d. Please shorten them."
    ) % {"size": size, "limit": MAX_APPLICATION_CHARS}


def field_name(question: Question) -> str:
    """The form field of a question's answer."""
    return f"q_{question.pk}"


def _clean_answers(questions: Sequence[Question], values: Mapping[int, Any]) -> dict[int, Any]:
    cleaned: dict[int, Any] = {}
    for question in questions:
        value = values.get(question.pk)
        if isinstance(value, str):
            value = value.strip()
        problem = answer_problem(question, value)
        if problem is not None:
            raise ApplicationError(problem[0], problem[1], field=field_name(question))
        if value not in (None, "", []):
            cleaned[question.pk] = value
    size = answers_size(cleaned)
    if size > MAX_APPLICATION_CHARS:
        raise ApplicationError(Code.APPLICATION_TOO_LONG, too_long_message(size))
    return cleaned


def _answers_replace(application: Application, answers: Mapping[int, Any]) -> None:
    Answer.objects.filter(application=application).delete()
    Answer.objects.bulk_create(
        Answer(application=application, question_id=pk, value=value)
        for pk, value in answers.items()
    )


# --- Applying -----------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str
    time_zone: str


def application_link(program: Program, token: str) -> str:
    path = reverse("application_link", kwargs={"slug": program.slug, "link": token})
    return settings.SITE_URL.rstrip("/") + path


def _link_email(application: Application, program: Program, token: str, kind: str) -> None:
    """The applicant's link, rendered now (the request's language) and queued for
    the worker (mentora.accounts.mail)."""
    context = {
        "application": application,
        "program": program,
        "role": application.round.get_role_display(),
        "link": application_link(program, token),
    }
    subject = render_to_string(f"applications/email/{kind}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"applications/email/{kind}_body.txt", context),
        to=[application.email],
    )
    account_email_queue(message)


def application_start(
    *,
    round_: ApplicationRound,
    applicant: Applicant,
    answers: Mapping[int, Any],
    now: datetime | None = None,
) -> Application:
    """A draft, and its confirmation link emailed. Nothing reaches the reviewers
    until the applicant confirms through the link.

    Applying again with the same email in the same round replaces the draft
    (and its link); when the application is already submitted, its answers
    stay and the email brings a new link to it. Either way the page says the
    same, so it never tells a stranger who has applied."""
    now = now_or_current(now)
    email = applicant.email.strip().lower()
    program = round_.program
    try:
        with transaction.atomic():
            locked = ApplicationRound.objects.select_for_update().get(pk=round_.pk)
            if not locked.is_open(now):
                raise ApplicationError(
                    Code.ROUND_CLOSED, _("This round isn't taking applications.")
                )
            questions = list(Question.objects.filter(round=locked))
            cleaned = _clean_answers(questions, answers)
            token = secrets.token_urlsafe(32)
            existing = (
                Application.objects.select_for_update()
                .filter(round=locked, email=email)
                .exclude(status__in=CLOSED_STATUSES)
                .first()
            )
            kind = "confirm"
            if existing is None:
                application = Application.objects.create(
                    round=locked,
                    email=email,
                    name=applicant.name.strip(),
                    time_zone=applicant.time_zone,
                    link_hash=link_hash(token),
                )
                _answers_replace(application, cleaned)
            elif existing.status == S.DRAFT:
                application = existing
                application.name = applicant.name.strip()
                application.time_zone = applicant.time_zone
                application.link_hash = link_hash(token)
                application.save(update_fields=["name", "time_zone", "link_hash", "updated_at"])
                _answers_replace(application, cleaned)
            else:
                application = existing
                application.link_hash = link_hash(token)
                application.save(update_fields=["link_hash", "updated_at"])
                kind = "again"
            transaction.on_commit(
                partial(_link_email, application, program, token, kind), robust=True
            )
    except IntegrityError as exc:  # a second submission of the same email at the same moment
        raise ApplicationError(Code.CHANGED, _("Please send the form again.")) from exc
    return application


def application_draft_update(
    *,
    application: Application,
    name: str,
    time_zone: str,
    answers: Mapping[int, Any],
) -> None:
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != S.DRAFT:
            raise ApplicationError(
                Code.NOT_DRAFT, _("Your application is submitted: it can't be changed now.")
            )
        cleaned = _clean_answers(list(Question.objects.filter(round_id=locked.round_id)), answers)
        locked.name = name.strip()
        locked.time_zone = time_zone
        locked.save(update_fields=["name", "time_zone", "updated_at"])
        _answers_replace(locked, cleaned)


def _move(
    application: Application,
    *,
    from_status: str,
    to_status: str,
    by: User | None,
    note: str,
    now: datetime,
    **fields: Any,
) -> None:
    moved = Application.objects.filter(pk=application.pk, status=from_status).update(
        status=to_status, updated_at=now, **fields
    )
    if moved != 1:
        raise ApplicationError(
            Code.CHANGED, _("The application changed meanwhile: look at it again.")
        )
    StatusChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        by=by,
        at=now,
        note=note,
    )
    application.status = to_status
    hooks.application_moved(application, from_status=from_status, to_status=to_status, by=by)


def application_confirm(*, application: Application, now: datetime | None = None) -> bool:
    """The email is confirmed and the draft submitted; False if it was already."""
    now = now_or_current(now)
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("round").get(pk=application.pk)
        )
        if locked.status != S.DRAFT:
            return False
        if not locked.round.is_open(now):
            raise ApplicationError(
                Code.ROUND_CLOSED, _("This round closed before the application was confirmed.")
            )
        _move(
            locked,
            from_status=S.DRAFT,
            to_status=S.SUBMITTED,
            by=None,
            note="",
            now=now,
            email_confirmed_at=now,
            submitted_at=now,
        )
    application.status = S.SUBMITTED
    return True


def application_withdraw(*, application: Application, now: datetime | None = None) -> None:
    now = now_or_current(now)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in WITHDRAWABLE:
            raise ApplicationError(
                Code.BAD_MOVE, _("This application can't be withdrawn any more.")
            )
        _move(locked, from_status=locked.status, to_status=S.WITHDRAWN, by=None, note="", now=now)
    application.status = S.WITHDRAWN


def application_move(
    *,
    application: Application,
    from_status: str,
    to_status: str,
    note: str,
    by: User,
    now: datetime | None = None,
) -> None:
    """A reviewer's move, from the status the reviewer saw (a compare-and-set)."""
    now = now_or_current(now)
    if len(note) > MAX_NOTE:
        raise ApplicationError(
            Code.NOTE_TOO_LONG,
            _("A note is at most %(limit)d characters.") % {"limit": MAX_NOTE},
            field="note",
        )
    if to_status not in REVIEW_MOVES.get(from_status, frozenset()):
        raise ApplicationError(
            Code.BAD_MOVE, _("An application can't move that way."), field="to_status"
        )
    # Off the waitlist, the place in line goes (the DB allows it only there).
    extra = {"waitlist_position": None} if from_status == S.WAITLISTED else {}
    with transaction.atomic():
        _move(
            application,
            from_status=from_status,
            to_status=to_status,
            by=by,
            note=note.strip(),
            now=now,
            **extra,
        )


# --- Decisions ----------------------------------------------------------------


def _check_note(note: str) -> str:
    if len(note) > MAX_NOTE:
        raise ApplicationError(
            Code.NOTE_TOO_LONG,
            _("A note is at most %(limit)d characters.") % {"limit": MAX_NOTE},
            field="note",
        )
    return note.strip()


def _check_decision(from_status: str, allowed: frozenset[str]) -> None:
    if from_status not in allowed:
        raise ApplicationError(Code.BAD_MOVE, _("An application can't move that way."))


def _locked_as_seen(application: Application, from_status: str) -> Application:
    """The application locked, still in the status the reviewer saw."""
    locked = (
        Application.objects.select_for_update()
        .select_related("round__program")
        .get(pk=application.pk)
    )
    if locked.status != from_status:
        raise ApplicationError(
            Code.CHANGED, _("The application changed meanwhile: look at it again.")
        )
    return locked


def _leaving(from_status: str) -> dict[str, Any]:
    """What goes with the status left: off the waitlist, the place in line."""
    return {"waitlist_position": None} if from_status == S.WAITLISTED else {}


def application_admit(
    *,
    application: Application,
    from_status: str,
    cohort: Cohort | None,
    note: str,
    by: User,
    now: datetime | None = None,
) -> Membership:
    """Admit the applicant into the program in the round's role: the account
    found or made by the application's email (a new one takes the
    application's name and time zone), the membership (a mentee in `cohort`,
    if given; a mentor in none), and the invitation email, all as the people
    page's invite does it (`programs.services.person_invite`). Someone already
    a member in that role is refused, with nothing changed."""
    now = now_or_current(now)
    note = _check_note(note)
    _check_decision(from_status, ADMITTABLE)
    with transaction.atomic():
        locked = _locked_as_seen(application, from_status)
        program = locked.round.program
        role = Role(locked.round.role)
        if cohort is not None and role != Role.MENTEE:
            raise ApplicationError(
                Code.BAD_COHORT, _("Only mentees belong to a cohort."), field="cohort"
            )
        if cohort is not None and (cohort.program_id != program.pk or cohort.closed_at):
            raise ApplicationError(
                Code.BAD_COHORT, _("Choose one of the program's open cohorts."), field="cohort"
            )
        member = Membership.objects.filter(
            program=program, role=role, is_active=True, user__email__iexact=locked.email
        ).exists()
        if member:
            raise ApplicationError(
                Code.ALREADY_MEMBER,
                _("%(email)s is already a %(role)s in %(program)s: nothing was changed.")
                % {"email": locked.email, "role": role.label.lower(), "program": program.name},
            )
        try:
            user = program_services.person_invite(
                program=program,
                email=locked.email,
                name=locked.name,
                role=role,
                cohort=cohort,
                time_zone=locked.time_zone,
                invited_by=by,
            )
        except ProgramError as error:
            raise ApplicationError(Code.CANNOT_ADMIT, error.message) from error
        membership = Membership.objects.get(user=user, program=program, role=role)
        _move(
            locked,
            from_status=from_status,
            to_status=S.ADMITTED,
            by=by,
            note=note,
            now=now,
            admitted_at=now,
            membership=membership,
            **_leaving(from_status),
        )
    application.status = S.ADMITTED
    return membership


def application_waitlist(
    *,
    application: Application,
    from_status: str,
    note: str,
    by: User,
    now: datetime | None = None,
) -> int:
    """Onto the round's waitlist at the next place (1, 2, 3 in the order
    waitlisted); returns the position."""
    now = now_or_current(now)
    note = _check_note(note)
    _check_decision(from_status, WAITLISTABLE)
    try:
        with transaction.atomic():
            # The round's lock makes the positions one at a time.
            ApplicationRound.objects.select_for_update().filter(pk=application.round_id).first()
            locked = _locked_as_seen(application, from_status)
            last = Application.objects.filter(
                round_id=locked.round_id, status=S.WAITLISTED
            ).aggregate(last=Max("waitlist_position"))["last"]
            position = (last or 0) + 1
            _move(
                locked,
                from_status=from_status,
                to_status=S.WAITLISTED,
                by=by,
                note=note,
                now=now,
                waitlist_position=position,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            Code.CHANGED, _("The application changed meanwhile: look at it again.")
        ) from exc
    application.status = S.WAITLISTED
    application.waitlist_position = position
    return position


def _decline_email(application: Application, program: Program, message: str) -> None:
    """The decline message, rendered now (the request's language) and queued
    for the worker."""
    context = {"application": application, "program": program, "message": message}
    subject = render_to_string("applications/email/declined_subject.txt", context)
    account_email_queue(
        EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("applications/email/declined_body.txt", context),
            to=[application.email],
        )
    )


def application_decline(
    *,
    application: Application,
    from_status: str,
    template: DeclineTemplate,
    note: str,
    by: User,
    now: datetime | None = None,
) -> None:
    """Declined with one of the program's messages: the applicant is emailed
    its text (by the worker) and sees it on their link page."""
    now = now_or_current(now)
    note = _check_note(note)
    _check_decision(from_status, DECLINABLE)
    with transaction.atomic():
        locked = _locked_as_seen(application, from_status)
        program = locked.round.program
        if template.program_id != program.pk:
            raise ApplicationError(
                Code.BAD_TEMPLATE, _("Choose one of the program's messages."), field="template"
            )
        _move(
            locked,
            from_status=from_status,
            to_status=S.DECLINED,
            by=by,
            note=note,
            now=now,
            decline_message=template.body,
            **_leaving(from_status),
        )
        transaction.on_commit(partial(_decline_email, locked, program, template.body), robust=True)
    application.status = S.DECLINED


def decline_template_add(*, program: Program, name: str, body: str) -> DeclineTemplate:
    name, body = name.strip(), body.strip()
    if len(name) > MAX_TEMPLATE_NAME:
        raise ApplicationError(
            Code.TEMPLATE_NEEDED,
            _("A name is at most %(limit)d characters.") % {"limit": MAX_TEMPLATE_NAME},
            field="name",
        )
    if not name or not body:
        raise ApplicationError(
            Code.TEMPLATE_NEEDED, _("Give the message a name and a text."), field="body"
        )
    if len(body) > MAX_DECLINE_BODY:
        raise ApplicationError(
            Code.NOTE_TOO_LONG,
            _("A message is at most %(limit)d characters.") % {"limit": MAX_DECLINE_BODY},
            field="body",
        )
    try:
        with transaction.atomic():
            Program.objects.select_for_update().filter(pk=program.pk).first()
            if DeclineTemplate.objects.filter(program=program).count() >= MAX_DECLINE_TEMPLATES:
                raise ApplicationError(
                    Code.TOO_MANY_TEMPLATES,
                    _("A program has at most %(count)d decline messages.")
                    % {"count": MAX_DECLINE_TEMPLATES},
                )
            return DeclineTemplate.objects.create(program=program, name=name, body=body)
    except IntegrityError as exc:
        raise ApplicationError(
            Code.TEMPLATE_NAME_TAKEN,
            _("There is a message with this name already."),
            field="name",
        ) from exc


def decline_template_remove(*, template: DeclineTemplate) -> None:
    """Gone from the choices; applicants declined with it keep their copy of the text."""
    DeclineTemplate.objects.filter(pk=template.pk).delete()
