"""Matching pages (lifecycle), mounted under /p/<slug>/ by mentora.matching.urls."""

from django.urls import URLPattern, path

from mentora.matching.lifecycle import offboarding_views, views

program_patterns: list[URLPattern] = [
    path(
        "mentorships/<id:mentorship_id>/regular-time/",
        views.regular_time,
        name="regular_time",
    ),
    # off-boarding
    path(
        "memberships/<id:membership_id>/graduate/",
        offboarding_views.membership_graduate,
        name="membership_graduate",
    ),
    path(
        "memberships/<id:membership_id>/leave/",
        offboarding_views.membership_leave,
        name="membership_leave",
    ),
    path(
        "people/<id:user_id>/deactivate/",
        offboarding_views.account_deactivate,
        name="account_deactivate",
    ),
    path(
        "cohorts/<id:cohort_id>/graduate/",
        offboarding_views.cohort_graduate,
        name="cohort_graduate",
    ),
    path(
        "mentorships/<id:mentorship_id>/complete/",
        offboarding_views.mentorship_complete,
        name="mentorship_complete",
    ),
    path(
        "mentorships/<id:mentorship_id>/closing/",
        offboarding_views.closing_reflection,
        name="closing_reflection",
    ),
]
