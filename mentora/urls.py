from django.contrib import admin
from django.urls import include, path

from mentora.accounts import urls as accounts_urls
from mentora.api import urls as api_urls
from mentora.applications import urls as application_urls
from mentora.csp_report import csp_report
from mentora.home import views as home_views
from mentora.home.onboarding import views as onboarding_views
from mentora.insights import urls as insights_urls
from mentora.matching import urls as matching_urls
from mentora.mentoring import urls as mentoring_urls
from mentora.notifications import urls as notifications_urls
from mentora.privacy import urls as privacy_urls
from mentora.programs import audit_views, invite_views, second_factor_views
from mentora.programs import views as program_views
from mentora.programs.cohorts import urls as cohort_urls
from mentora.programs.importing import urls as importing_urls
from mentora.programs.roster import urls as roster_urls
from mentora.programs.settings import urls as settings_urls
from mentora.scheduling import urls as scheduling_urls
from mentora.webhooks import urls as webhook_urls

program_patterns = [
    path("", home_views.program_home, name="program_home"),
    *roster_urls.program_patterns,
    *importing_urls.program_patterns,
    path("invite/", invite_views.invite_person, name="program_invite"),
    path("audit/", audit_views.program_audit, name="program_audit"),
    *settings_urls.program_patterns,
    *webhook_urls.program_patterns,
    *api_urls.program_patterns,
    *cohort_urls.program_patterns,
    path("mentors/<id:user_id>/", home_views.mentor_detail, name="mentor_detail"),
    path("mentees/<id:user_id>/", home_views.mentee_detail, name="mentee_detail"),
    *scheduling_urls.program_patterns,
    *mentoring_urls.program_patterns,
    *matching_urls.program_patterns,
    *notifications_urls.program_patterns,
    *insights_urls.program_patterns,
    *privacy_urls.program_patterns,
    *application_urls.program_patterns,
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("csp-report/", csp_report, name="csp_report"),
    path("accounts/profile/", program_views.profile_edit, name="profile_edit"),
    *settings_urls.global_patterns,
    path(
        "accounts/invitation/<uidb64>/<token>/",
        invite_views.accept_invitation,
        name="accept_invitation",
    ),
    *scheduling_urls.global_patterns,
    *notifications_urls.global_patterns,
    *matching_urls.global_patterns,
    *insights_urls.global_patterns,
    *privacy_urls.global_patterns,
    *application_urls.global_patterns,  # /apply/<slug>/...: public, no login
    *accounts_urls.global_patterns,  # before allauth's: its sessions page is replaced
    *api_urls.global_patterns,  # /api/v1/ and /accounts/tokens/ (before allauth's)
    # Before allauth's: removing a security key keeps the programs' second-factor rule.
    path(
        "accounts/2fa/webauthn/keys/",
        include(
            [
                path(
                    "<int:pk>/remove/",
                    second_factor_views.remove_security_key,
                    name="mfa_remove_webauthn",
                )
            ]
        ),
    ),
    path("accounts/", include("allauth.urls")),
    path("welcome/", onboarding_views.welcome, name="welcome"),
    path("welcome/<slug:step>/", onboarding_views.welcome_step, name="welcome_step"),
    path("", home_views.home, name="home"),
    path("p/<slug:slug>/", include(program_patterns)),
]
