"""Before a session: the agenda the mentee prepares, the running question list,
and how ready a session looks to the mentor.

Writes are typed services with keyword-only arguments; each owns its
transaction, calls full_clean() and takes an explicit `now`. Rules:

- Only the mentee edits the agenda, and only until the session starts
  (access.agenda_editable).
- A question stays open until it is answered or solved; open questions show on
  every next agenda, so a cancelled session's questions simply stay open.
- Uploads: at most 5 MB, PDF, PNG, JPEG, plain text or Markdown, and the first
  bytes must match the extension.
"""

from __future__ import annotations

import codecs
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentora.mentoring.access import Viewer, agenda_editable, answers_question, viewer_of
from mentora.mentoring.errors import MentoringCode, MentoringError, clean_or_refuse
from mentora.mentoring.models import (
    ActionItem,
    Agenda,
    AgendaFile,
    AgendaLink,
    AgendaQuestion,
    GoalStatus,
    GoalTemplate,
    MentorshipGoal,
    Note,
    Question,
    QuestionStatus,
    WorkDone,
)
from mentora.programs.access import has_role
from mentora.programs.models import Mentorship, Program, Role
from mentora.scheduling.models import Session, SessionStatus

if TYPE_CHECKING:
    from mentora.accounts.models import User

MAX_LINKS = 10
MAX_FILES = 10
MAX_FILE_BYTES = 5 * 1024 * 1024
URL_SCHEMES = ("http", "https")

PDF_MAGIC = b"%PDF"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
BINARY_MAGICS = (PDF_MAGIC, PNG_MAGIC, JPEG_MAGIC)


@dataclass(frozen=True)
class FileKind:
    content_type: str
    label: str | Promise  # translated when a message names it
    magic: bytes | None  # None: text, checked by decoding instead


FILE_KINDS: dict[str, FileKind] = {
    ".pdf": FileKind("application/pdf", gettext_lazy("PDF"), PDF_MAGIC),
    ".png": FileKind("image/png", gettext_lazy("PNG image"), PNG_MAGIC),
    ".jpg": FileKind("image/jpeg", gettext_lazy("JPEG image"), JPEG_MAGIC),
    ".jpeg": FileKind("image/jpeg", gettext_lazy("JPEG image"), JPEG_MAGIC),
    ".txt": FileKind("text/plain", gettext_lazy("text file"), None),
    ".md": FileKind("text/markdown", gettext_lazy("Markdown file"), None),
    ".markdown": FileKind("text/markdown", gettext_lazy("Markdown file"), None),
}
ALLOWED_FILES_TEXT = gettext_lazy("PDF, PNG, JPEG, plain text (.txt) or Markdown (.md)")


# --- reads -----------------------------------------------------------------


def agenda_for(session: Session) -> Agenda:
    """The session's agenda, created empty the first time it is needed."""
    agenda, _created = Agenda.objects.get_or_create(session=session)
    return agenda


def agenda_with_items(session: Session) -> Agenda | None:
    """The agenda with its links, files and brought questions, in four queries."""
    return (
        Agenda.objects.filter(session=session)
        .select_related("mentorship_goal")
        .prefetch_related(
            "links",
            "files",
            Prefetch(
                "agenda_questions", queryset=AgendaQuestion.objects.select_related("question")
            ),
        )
        .first()
    )


def open_questions_for(mentee: User, program: Program) -> QuerySet[Question]:
    """The running list's open questions: on every agenda until answered or solved."""
    return Question.objects.filter(mentee=mentee, program=program, status=QuestionStatus.OPEN)


def questions_of(mentee: User, program: Program) -> QuerySet[Question]:
    return Question.objects.filter(mentee=mentee, program=program).select_related("answered_in")


def active_goals(mentorship: Mentorship) -> QuerySet[MentorshipGoal]:
    return MentorshipGoal.objects.filter(mentorship=mentorship, status=GoalStatus.ACTIVE)


def previous_held_session(session: Session) -> Session | None:
    return (
        Session.objects.filter(
            mentorship_id=session.mentorship_id,
            status=SessionStatus.HELD,
            starts_at__lt=session.starts_at,
        )
        .order_by("-starts_at")
        .first()
    )


def shared_notes(session: Session) -> QuerySet[Note]:
    """Notes both parties may read; private notes never show here."""
    return Note.objects.filter(session=session, shared=True).select_related("author")


def open_action_items(mentorship: Mentorship) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(mentorship=mentorship, done_at__isnull=True).select_related(
        "owner"
    )


# --- readiness (pure) ------------------------------------------------------

ReadinessLevel = Literal["prepared", "partly", "not_yet"]


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    done: bool


def readiness(agenda: Agenda | None) -> tuple[ReadinessLevel, list[CheckItem]]:
    """How prepared a session is, from its agenda alone (no queries when the
    agenda's links, files and questions are prefetched, or when the agenda carries
    `known_questions` and `known_shared`, read with it as Exists subqueries).

    prepared: a goal and at least two more ticks; partly: anything; not_yet: nothing.
    """
    if agenda is None:
        ticks = [False] * 5
    else:
        ticks = [
            bool(agenda.goal.strip()),
            _known(agenda, "known_questions", lambda: len(agenda.agenda_questions.all()) > 0),
            _known(
                agenda,
                "known_shared",
                lambda: len(agenda.links.all()) + len(agenda.files.all()) > 0,
            ),
            agenda.previous_notes_reviewed,
            agenda.setup_checked,
        ]
    labels = [
        ("goal", _("Goal written")),
        ("questions", _("Questions listed")),
        ("shared", _("Links or files shared")),
        ("reviewed", _("Previous notes reviewed")),
        ("setup", _("Setup checked")),
    ]
    checklist = [
        CheckItem(key, label, done) for (key, label), done in zip(labels, ticks, strict=True)
    ]
    level: ReadinessLevel
    if ticks[0] and sum(ticks[1:]) >= 2:
        level = "prepared"
    elif any(ticks):
        level = "partly"
    else:
        level = "not_yet"
    return level, checklist


# --- helpers ---------------------------------------------------------------


def _known(agenda: Agenda, flag: str, count: Callable[[], bool]) -> bool:
    known = getattr(agenda, flag, None)
    return count() if known is None else bool(known)


def _require_editable(session: Session, by: User, now: datetime) -> None:
    viewer = viewer_of(session, by)
    if viewer != Viewer.MENTEE:
        raise MentoringError(MentoringCode.NOT_MENTEE, _("Only the mentee prepares the agenda."))
    if not agenda_editable(session, viewer, now):
        raise MentoringError(
            MentoringCode.AGENDA_CLOSED, _("The agenda closed when the session started.")
        )


def _check_field(model: type[Model], name: str, value: object, form_field: str) -> None:
    """One model field's own validation (length, format) for a targeted update."""
    try:
        model._meta.get_field(name).clean(value, None)  # type: ignore[union-attr]
    except ValidationError as error:
        raise MentoringError(MentoringCode.INVALID, error.messages[0], field=form_field) from error


def _check_url(url: str, field: str) -> None:
    scheme = urlsplit(url.strip()).scheme.lower()
    if scheme not in URL_SCHEMES:
        raise MentoringError(
            MentoringCode.BAD_URL,
            _("Use a web address starting with http:// or https://."),
            field=field,
        )


def _locked_agenda(session: Session) -> Agenda:
    """The agenda row, locked (on PostgreSQL) so limits hold under concurrency."""
    agenda = agenda_for(session)
    return Agenda.objects.select_for_update().get(pk=agenda.pk)


# --- agenda ----------------------------------------------------------------


def agenda_update(
    *,
    session: Session,
    by: User,
    goal: str,
    goal_template: str,
    mentorship_goal: MentorshipGoal | None,
    working_on: str,
    next_days: str,
    planned_work_done: str,
    previous_notes_reviewed: bool,
    setup_checked: bool,
    now: datetime,
) -> Agenda:
    """Save the mentee's preparation. Steps: check the mentee and the clock,
    check the mentorship goal belongs to this mentorship, validate, save."""
    _require_editable(session, by, now)
    if goal_template and goal_template not in GoalTemplate.values:
        raise MentoringError(
            MentoringCode.BAD_TEMPLATE, _("Pick one of the suggested goals."), "goal_template"
        )
    if planned_work_done and planned_work_done not in WorkDone.values:
        raise MentoringError(
            MentoringCode.BAD_CHOICE, _("Choose one of the answers."), "planned_work_done"
        )
    if mentorship_goal is not None and mentorship_goal.mentorship_id != session.mentorship_id:
        raise MentoringError(
            MentoringCode.BAD_GOAL,
            _("Pick one of this mentorship's goals."),
            field="mentorship_goal",
        )
    with transaction.atomic():
        agenda = _locked_agenda(session)
        agenda.goal = goal.strip()
        agenda.goal_template = goal_template
        agenda.mentorship_goal = mentorship_goal
        agenda.working_on = working_on.strip()
        agenda.next_days = next_days.strip()
        agenda.planned_work_done = planned_work_done
        agenda.previous_notes_reviewed = previous_notes_reviewed
        agenda.setup_checked = setup_checked
        clean_or_refuse(agenda)
        agenda.save()
    return agenda


# --- the one agenda form ------------------------------------------------------

TemplateUse = Literal["use", "replace", "append"]


def goal_from_template(typed: str, key: str, use: TemplateUse) -> str | None:
    """The goal after choosing a template, or None when it would overwrite a goal
    the mentee typed (then the page offers the template beside it instead).

    use: fill an empty goal; replace: the mentee said "replace mine"; append: below it.
    """
    if key not in GoalTemplate.values:
        raise MentoringError(
            MentoringCode.BAD_TEMPLATE, _("Pick one of the suggested goals."), "goal"
        )
    label = str(GoalTemplate(key).label)
    mine = typed.strip()
    if use == "replace" or not mine or mine == label:
        return label
    if use == "append":
        return f"{mine}\n{label}"
    return None


@dataclass(frozen=True)
class AgendaSubmission:
    """One press of any button of the agenda form: the text typed into the
    agenda, and the link, question and file typed alongside it (None: left empty)."""

    text: dict[str, Any] | None = None  # AgendaForm's fields, as agenda_update takes them
    link: dict[str, Any] | None = None  # url, title
    question: dict[str, Any] | None = None  # text, tried, topic, link
    upload: UploadedFile | None = None


def agenda_submit(
    *,
    session: Session,
    by: User,
    submission: AgendaSubmission,
    then: Callable[[], object] | None = None,
    now: datetime,
) -> None:
    """Save everything typed, then do what the pressed button does (`then`):
    all of it or nothing, so a refusal anywhere leaves the agenda as it was and
    the page shows the typed text again. The file is stored last, so a later
    refusal never leaves its bytes behind."""
    _require_editable(session, by, now)
    base: dict[str, Any] = {"session": session, "by": by, "now": now}
    with transaction.atomic():
        if submission.text is not None:
            agenda_update(**base, **submission.text)
        if submission.link is not None:
            agenda_link_add(**base, **submission.link)
        if submission.question is not None:
            agenda_question_add(**base, **submission.question)
        if then is not None:
            then()
        if submission.upload is not None:
            agenda_file_add(**base, upload=submission.upload)


def agenda_setup_confirm(*, session: Session, by: User, now: datetime) -> Agenda:
    """The mentee says camera, microphone and meeting link work."""
    _require_editable(session, by, now)
    with transaction.atomic():
        agenda = _locked_agenda(session)
        agenda.setup_checked = True
        agenda.save(update_fields=["setup_checked", "updated_at"])
    return agenda


def agenda_link_add(
    *, session: Session, by: User, url: str, title: str, now: datetime
) -> AgendaLink:
    _require_editable(session, by, now)
    _check_url(url, "url")
    with transaction.atomic():
        agenda = _locked_agenda(session)
        if agenda.links.count() >= MAX_LINKS:
            raise MentoringError(
                MentoringCode.TOO_MANY_LINKS,
                _("An agenda holds at most %(max)d links.") % {"max": MAX_LINKS},
                field="url",
            )
        link = AgendaLink(agenda=agenda, url=url.strip(), title=title.strip())
        clean_or_refuse(link)
        link.save()
    return link


def agenda_link_remove(*, session: Session, by: User, link_id: int, now: datetime) -> None:
    _require_editable(session, by, now)
    with transaction.atomic():
        deleted, _count = AgendaLink.objects.filter(pk=link_id, agenda__session=session).delete()
    if not deleted:
        raise MentoringError(MentoringCode.NO_LINK, _("That link isn't on this agenda."))


def _file_kind(upload: UploadedFile) -> tuple[str, FileKind]:
    """The file's kind from its extension, confirmed by its first bytes."""
    name = PurePath(upload.name or "").name.strip()
    kind = FILE_KINDS.get(PurePath(name).suffix.lower())
    if not name or kind is None:
        raise MentoringError(
            MentoringCode.BAD_TYPE,
            _("That kind of file isn't accepted. Use %(kinds)s.") % {"kinds": ALLOWED_FILES_TEXT},
            "upload",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if kind.magic is not None:
        if not head.startswith(kind.magic):
            raise MentoringError(
                MentoringCode.TYPE_MISMATCH,
                _(
                    "“%(name)s” is named like a %(kind)s but its contents are not one. "
                    "Export it again or rename it to match what it is."
                )
                % {"name": name, "kind": kind.label},
                "upload",
            )
        return name, kind
    looks_binary = b"\x00" in head or head.startswith(BINARY_MAGICS)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        looks_binary = True
    if looks_binary:
        raise MentoringError(
            MentoringCode.TYPE_MISMATCH,
            _("“%(name)s” is named like a %(kind)s but isn't plain UTF-8 text.")
            % {"name": name, "kind": kind.label},
            "upload",
        )
    return name, kind


def agenda_file_add(
    *, session: Session, by: User, upload: UploadedFile, now: datetime
) -> AgendaFile:
    """Store a document for the mentor. Steps: check the mentee and the clock,
    the size, the type (extension and first bytes), the count; then store it
    under a random token. If saving the row fails, the stored file is removed."""
    _require_editable(session, by, now)
    size = upload.size or 0
    if size > MAX_FILE_BYTES:
        raise MentoringError(MentoringCode.TOO_BIG, _("Files can be at most 5 MB."), "upload")
    if size == 0:
        raise MentoringError(MentoringCode.EMPTY_FILE, _("That file is empty."), "upload")
    name, kind = _file_kind(upload)
    with transaction.atomic():
        agenda = _locked_agenda(session)
        if agenda.files.count() >= MAX_FILES:
            raise MentoringError(
                MentoringCode.TOO_MANY_FILES,
                _("An agenda holds at most %(max)d files.") % {"max": MAX_FILES},
                "upload",
            )
        stored = AgendaFile(
            agenda=agenda,
            token=secrets.token_urlsafe(24),
            original_name=name[-200:],
            content_type=kind.content_type,
            size=size,
            uploaded_by=by,
        )
        stored.file.save(name, upload, save=False)
        try:
            clean_or_refuse(stored)
            stored.save()
        except BaseException:
            stored.file.delete(save=False)
            raise
    return stored


def agenda_file_remove(*, session: Session, by: User, token: str, now: datetime) -> None:
    _require_editable(session, by, now)
    with transaction.atomic():
        stored = AgendaFile.objects.filter(token=token, agenda__session=session).first()
        if stored is None:
            raise MentoringError(MentoringCode.NO_FILE, _("That file isn't on this agenda."))
        storage, name = stored.file.storage, stored.file.name
        stored.delete()
        # The bytes go only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name) if name else None)


# --- questions -------------------------------------------------------------


def _new_question(
    *, program: Program, mentee: User, text: str, tried: str, topic: str, link: str
) -> Question:
    if not has_role(mentee, program, Role.MENTEE):
        raise MentoringError(MentoringCode.NOT_MENTEE, _("Only mentees keep a question list."))
    if not text.strip():
        raise MentoringError(MentoringCode.EMPTY, _("Write the question down."), field="text")
    if link.strip():
        _check_url(link, "link")
    question = Question(
        program=program,
        mentee=mentee,
        text=text.strip(),
        tried=tried.strip(),
        topic=topic.strip(),
        link=link.strip(),
    )
    clean_or_refuse(question)
    question.save()
    return question


def question_add(
    *, program: Program, mentee: User, text: str, tried: str, topic: str, link: str
) -> Question:
    """Jot a question down on the running list, any time."""
    with transaction.atomic():
        return _new_question(
            program=program, mentee=mentee, text=text, tried=tried, topic=topic, link=link
        )


def agenda_question_add(
    *,
    session: Session,
    by: User,
    text: str,
    tried: str,
    topic: str,
    link: str,
    now: datetime,
) -> Question:
    """A new question straight onto this agenda: it joins the running list too."""
    _require_editable(session, by, now)
    with transaction.atomic():
        question = _new_question(
            program=session.program, mentee=by, text=text, tried=tried, topic=topic, link=link
        )
        AgendaQuestion.objects.create(agenda=_locked_agenda(session), question=question)
    return question


def question_bring(
    *, session: Session, by: User, question: Question, now: datetime
) -> AgendaQuestion:
    """Put one of the mentee's own open questions on this session's agenda."""
    _require_editable(session, by, now)
    if question.mentee_id != by.pk or question.program_id != session.program_id:
        raise MentoringError(MentoringCode.NOT_YOURS, _("That question isn't on your list."))
    if question.status != QuestionStatus.OPEN:
        raise MentoringError(
            MentoringCode.NOT_OPEN, _("That question is already answered or solved.")
        )
    with transaction.atomic():
        entry, _created = AgendaQuestion.objects.get_or_create(
            agenda=_locked_agenda(session), question=question
        )
    return entry


def question_unbring(*, session: Session, by: User, question: Question, now: datetime) -> None:
    """Take a question off this agenda; it stays on the running list."""
    _require_editable(session, by, now)
    with transaction.atomic():
        AgendaQuestion.objects.filter(agenda__session=session, question=question).delete()


def _set_status(question: Question, old: QuestionStatus, **changes: object) -> None:
    """Compare-and-set: only one of two simultaneous clicks changes the status."""
    updated = Question.objects.filter(pk=question.pk, status=old).update(**changes)
    if updated != 1:
        raise MentoringError(
            MentoringCode.STALE, _("That question changed meanwhile. Reload and try again.")
        )
    for field, value in changes.items():
        setattr(question, field, value)


def question_answer(
    *,
    question: Question,
    by: User,
    answer: str,
    session: Session | None = None,
    now: datetime,
) -> Question:
    """Mark a question answered (by the mentee or their mentor), with the answer
    and, when it happened in a session, which one."""
    if not answers_question(by, question):
        raise MentoringError(
            MentoringCode.NOT_ALLOWED, _("Only the mentee and their mentor can answer this.")
        )
    if session is not None and (
        session.mentee_id != question.mentee_id or session.program_id != question.program_id
    ):
        raise MentoringError(
            MentoringCode.BAD_SESSION, _("That session isn't one of this mentee's.")
        )
    if question.status != QuestionStatus.OPEN:
        raise MentoringError(
            MentoringCode.NOT_OPEN, _("That question is already answered or solved.")
        )
    _check_field(Question, "answer", answer.strip(), "answer")
    with transaction.atomic():
        _set_status(
            question,
            QuestionStatus.OPEN,
            status=QuestionStatus.ANSWERED,
            answer=answer.strip(),
            answered_in=session,
            resolved_at=now,
        )
    return question


def question_solved_myself(*, question: Question, by: User, how: str, now: datetime) -> Question:
    """The mentee got unstuck on their own: worth celebrating."""
    if by.pk != question.mentee_id:
        raise MentoringError(MentoringCode.NOT_MENTEE, _("Only the mentee can mark this solved."))
    if question.status != QuestionStatus.OPEN:
        raise MentoringError(
            MentoringCode.NOT_OPEN, _("That question is already answered or solved.")
        )
    _check_field(Question, "solved_how", how.strip(), "how")
    with transaction.atomic():
        _set_status(
            question,
            QuestionStatus.OPEN,
            status=QuestionStatus.SOLVED_MYSELF,
            solved_how=how.strip(),
            resolved_at=now,
        )
    return question


def question_reopen(*, question: Question, by: User, now: datetime) -> Question:
    """Back onto the open list; the earlier answer is kept for reference."""
    if by.pk != question.mentee_id:
        raise MentoringError(MentoringCode.NOT_MENTEE, _("Only the mentee can reopen a question."))
    if question.status == QuestionStatus.OPEN:
        raise MentoringError(MentoringCode.ALREADY_OPEN, _("That question is already open."))
    with transaction.atomic():
        _set_status(
            question,
            QuestionStatus(question.status),
            status=QuestionStatus.OPEN,
            answered_in=None,
            resolved_at=None,
        )
    return question
