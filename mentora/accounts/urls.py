"""Pages of one's own account, mounted at /accounts/ before allauth's own."""

from django.urls import URLPattern, path

from mentora.accounts import views

global_patterns: list[URLPattern] = [
    # The address of allauth.usersessions' own page, which this replaces: it comes
    # first, so allauth's links to "usersessions_list" land here too.
    path("accounts/sessions/", views.session_list, name="account_sessions"),
    path(
        "accounts/sessions/end-others/",
        views.sessions_end_others,
        name="account_sessions_end_others",
    ),
    path(
        "accounts/sessions/<id:usersession_id>/end/", views.session_end, name="account_session_end"
    ),
]
