"""Django admin: rounds, questions, applications, answers and status changes,
read-only (program admins manage rounds on their page; applicants and reviewers
write the rest through the services, so every move is in the history)."""

from django.contrib import admin

from mentora.applications.models import (
    Answer,
    Application,
    ApplicationRound,
    DeclineTemplate,
    Question,
    StatusChange,
)
from mentora.worker.admin import ReadOnlyAdmin, ReadOnlyInline


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ("order", "kind", "label", "required", "sensitive")


@admin.register(ApplicationRound)
class ApplicationRoundAdmin(ReadOnlyAdmin):
    list_display = ("program", "role", "opens_at", "closes_at", "closed_by_hand_at")
    list_filter = ("program", "role")
    list_select_related = ("program",)
    search_fields = ("program__name", "program__slug")
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("label", "round", "order", "kind", "required", "sensitive")
    list_filter = ("kind", "sensitive", "round__program")
    list_select_related = ("round__program",)
    search_fields = ("label",)


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ("from_status", "to_status", "by", "at")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("name", "email", "round", "status", "submitted_at", "created_at")
    list_filter = ("status", "round__role", "round__program")
    list_select_related = ("round__program",)
    search_fields = ("name", "email")
    exclude = ("link_hash",)
    inlines = [StatusChangeInline]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    # The words stay on the record's page, out of the list.
    list_display = ("application", "question")
    list_select_related = ("application", "question")
    search_fields = ("application__email", "application__name")


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("application", "from_status", "to_status", "by", "at")
    list_filter = ("to_status",)
    list_select_related = ("application", "by")
    search_fields = ("application__email", "application__name")


@admin.register(DeclineTemplate)
class DeclineTemplateAdmin(ReadOnlyAdmin):
    list_display = ("program", "name", "created_at")
    list_filter = ("program",)
    list_select_related = ("program",)
    search_fields = ("program__name", "name")
