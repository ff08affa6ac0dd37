"""Scheduling pages inside a program (mounted under /p/<slug>/)."""

from django.urls import path

from mentora.scheduling.availability import views as availability_views
from mentora.scheduling.booking import views
from mentora.scheduling.cadence import views as cadence_views
from mentora.scheduling.calendars import views as connection_views
from mentora.scheduling.ical import views as calendar_views
from mentora.scheduling.rooms import views as room_views

program_patterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("mentorships/<id:mentorship_id>/book/", views.book, name="session_book"),
    path(
        "mentorships/<id:mentorship_id>/cadence/", cadence_views.cadence_edit, name="cadence_edit"
    ),
    path("sessions/<id:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<id:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path(
        "sessions/<id:session_id>/reschedule/", views.session_reschedule, name="session_reschedule"
    ),
    path("sessions/<id:session_id>/makeup/", views.session_makeup, name="session_makeup"),
    path(
        "sessions/<id:session_id>/attendance/", views.session_attendance, name="session_attendance"
    ),
    path("sessions/<id:session_id>/invite.ics", calendar_views.session_ics, name="session_ics"),
    path(
        "sessions/<id:session_id>/meeting-link/",
        room_views.session_meeting_link,
        name="session_meeting_link",
    ),
    path("availability/", availability_views.availability_edit, name="availability_edit"),
]

global_patterns = [
    path("calendar/<token:token>.ics", calendar_views.feed, name="calendar_feed"),
    path("accounts/calendar/", calendar_views.feed_settings, name="calendar_feed_settings"),
    path("accounts/calendars/", connection_views.calendars, name="calendar_connections"),
    path(
        "accounts/calendars/<id:connection_id>/refresh/",
        connection_views.calendar_refresh,
        name="calendar_connection_refresh",
    ),
    path(
        "accounts/calendars/<id:connection_id>/disconnect/",
        connection_views.calendar_disconnect,
        name="calendar_connection_disconnect",
    ),
]
