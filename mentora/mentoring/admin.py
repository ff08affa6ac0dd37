"""Django admin for the session workspace: goals, working agreements, agendas and their
links, files and questions, notes, action items, reflections and feedback.

All read-only: these are a person's own words (the mentee's agenda and questions,
either party's notes and reflections, the mentee's feedback), written through the
workspace's services under mentoring/access.py's rules of who may write what and
when. Staff look them up here and never edit them. Long free text stays out of the
lists; a private note's page (its text) opens for superusers only.

Gap: support access (programs/audit.py) logs the app's pages only; reading these
records here leaves no AccessAuditEntry.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mentora.mentoring.models import (
    ActionItem,
    Agenda,
    AgendaFile,
    AgendaLink,
    AgendaQuestion,
    Feedback,
    MentorshipGoal,
    Note,
    Question,
    Reflection,
    ReflectionReopening,
    WorkingAgreement,
)
from mentora.worker.admin import ReadOnlyAdmin, ReadOnlyInline, related_column

PARTIES = ("mentor__email", "mentor__name", "mentee__email", "mentee__name")
MENTORSHIP_SEARCH = tuple(f"mentorship__{n}" for n in PARTIES)
SESSION_SEARCH = tuple(f"session__{n}" for n in PARTIES)
AGENDA_SEARCH = tuple(f"agenda__session__{n}" for n in PARTIES)
MENTORSHIP_PARTIES = ("mentorship__mentor", "mentorship__mentee")
SESSION_PARTIES = ("session__mentor", "session__mentee")

mentor_of_session = related_column("session.mentor", _("mentor"))
mentee_of_session = related_column("session.mentee", _("mentee"))
session_of_agenda = related_column("agenda.session", _("session"))
mentee_of_agenda = related_column("agenda.session.mentee", _("mentee"))


@admin.register(MentorshipGoal)
class MentorshipGoalAdmin(ReadOnlyAdmin):
    list_display = ("text", "mentorship", "status", "target_date", "created_at")
    list_filter = ("status", "mentorship__program")
    search_fields = ("text", *MENTORSHIP_SEARCH)
    list_select_related = MENTORSHIP_PARTIES
    date_hierarchy = "created_at"


@admin.register(WorkingAgreement)
class WorkingAgreementAdmin(ReadOnlyAdmin):
    list_display = ("mentorship", "updated_at", "updated_by")
    list_filter = ("mentorship__program",)
    search_fields = MENTORSHIP_SEARCH
    list_select_related = (*MENTORSHIP_PARTIES, "updated_by")


class AgendaLinkInline(ReadOnlyInline):
    model = AgendaLink
    fields = ("title", "url", "added_at")
    readonly_fields = fields


class AgendaFileInline(ReadOnlyInline):
    model = AgendaFile
    # Never the stored file or its token: the app serves a file only to who may see it.
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


class AgendaQuestionInline(ReadOnlyInline):
    model = AgendaQuestion
    fields = ("question", "added_at")
    readonly_fields = fields


@admin.register(Agenda)
class AgendaAdmin(ReadOnlyAdmin):
    list_display = (
        "session",
        mentor_of_session,
        mentee_of_session,
        "goal_template",
        "planned_work_done",
        "updated_at",
    )
    list_filter = ("goal_template", "planned_work_done", "session__program")
    search_fields = SESSION_SEARCH
    list_select_related = SESSION_PARTIES
    date_hierarchy = "updated_at"
    inlines = (AgendaLinkInline, AgendaFileInline, AgendaQuestionInline)


@admin.register(AgendaLink)
class AgendaLinkAdmin(ReadOnlyAdmin):
    list_display = ("title", "url", session_of_agenda, mentee_of_agenda, "added_at")
    search_fields = ("title", "url", *AGENDA_SEARCH)
    list_select_related = ("agenda__session__mentee",)


@admin.register(AgendaFile)
class AgendaFileAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        session_of_agenda,
        mentee_of_agenda,
        "content_type",
        "size",
        "uploaded_at",
    )
    list_filter = ("content_type",)
    search_fields = ("original_name", *AGENDA_SEARCH)
    list_select_related = ("agenda__session__mentee",)
    # The stored file and its token stay out: the app serves a file only to who may see it.
    exclude = ("file", "token")


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "mentee", "program", "topic", "status", "created_at")
    list_filter = ("status", "program")
    search_fields = ("mentee__email", "mentee__name", "topic")
    list_select_related = ("mentee", "program")
    date_hierarchy = "created_at"


@admin.register(AgendaQuestion)
class AgendaQuestionAdmin(ReadOnlyAdmin):
    list_display = ("question", session_of_agenda, mentee_of_agenda, "added_at")
    search_fields = AGENDA_SEARCH
    list_select_related = ("question", "agenda__session__mentee")


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin):
    """Never the text in the list (a private note is its author's alone); a private
    note's page only for a superuser."""

    list_display = ("session", "author", "shared", mentor_of_session, mentee_of_session)
    list_filter = ("shared", "session__program")
    search_fields = ("author__email", "author__name", *SESSION_SEARCH)
    list_select_related = ("author", *SESSION_PARTIES)
    date_hierarchy = "created_at"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The note's text is also its title on its page and its history, so a
        # private note's page opens for a superuser only.
        if obj is not None and not obj.shared and not request.user.is_superuser:
            return False
        return super().has_view_permission(request, obj)


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "owner", "mentorship", "kind", "due_on", "done_at")
    list_filter = ("kind", "mentorship__program")
    search_fields = ("title", "owner__email", "owner__name", *MENTORSHIP_SEARCH)
    list_select_related = ("owner", *MENTORSHIP_PARTIES)
    date_hierarchy = "due_on"


@admin.register(Reflection)
class ReflectionAdmin(ReadOnlyAdmin):
    list_display = ("session", "author", "goal_met", "still_makes_sense", "created_at")
    list_filter = ("goal_met", "still_makes_sense", "session__program")
    search_fields = ("author__email", "author__name", *SESSION_SEARCH)
    list_select_related = ("session", "author")
    date_hierarchy = "created_at"


@admin.register(ReflectionReopening)
class ReflectionReopeningAdmin(ReadOnlyAdmin):
    list_display = ("session", "party", "reopened_by", "reopened_at", "until")
    list_filter = ("session__program",)
    search_fields = ("party__email", "party__name", *SESSION_SEARCH)
    list_select_related = ("session", "party", "reopened_by")
    date_hierarchy = "reopened_at"


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = (
        "session",
        mentor_of_session,
        mentee_of_session,
        "rating",
        "visibility",
        "created_at",
    )
    list_filter = ("rating", "visibility", "session__program")
    search_fields = SESSION_SEARCH
    list_select_related = SESSION_PARTIES
    date_hierarchy = "created_at"
