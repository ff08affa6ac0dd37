"""Workspace pages inside a program (mounted under /p/<slug>/)."""

from django.urls import path

from mentora.mentoring.agenda import views as agenda_views
from mentora.mentoring.goals import views as goal_views
from mentora.mentoring.workspace import views as workspace_views

program_patterns = [
    path("sessions/<id:session_id>/agenda/", agenda_views.agenda_edit, name="agenda"),
    path(
        "sessions/<id:session_id>/agenda/files/<token:token>/",
        agenda_views.agenda_file,
        name="agenda_file",
    ),
    path("sessions/<id:session_id>/setup-check/", agenda_views.setup_check, name="setup_check"),
    path("questions/", agenda_views.question_list, name="questions"),
    path("readiness/", agenda_views.readiness, name="readiness"),
    path(
        "sessions/<id:session_id>/workspace/", workspace_views.workspace, name="session_workspace"
    ),
    path("sessions/<id:session_id>/reflect/", workspace_views.reflect, name="session_reflect"),
    path(
        "sessions/<id:session_id>/reflect/reopen/",
        workspace_views.reflection_reopen,
        name="reflection_reopen",
    ),
    path("action-items/", workspace_views.action_items, name="action_items"),
    path("feedback/", workspace_views.my_feedback, name="my_feedback"),
    path("mentorships/<id:mentorship_id>/goals/", goal_views.goals, name="mentorship_goals"),
]
