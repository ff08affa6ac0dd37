"""The API at /api/v1/, the personal access tokens page at /accounts/tokens/ and a
program's integration tokens at /p/<slug>/settings/integrations/."""

from django.urls import URLPattern, URLResolver, path

from mentora.api import views
from mentora.api.api import api

global_patterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("accounts/tokens/", views.token_list, name="account_tokens"),
    path("accounts/tokens/<id:token_id>/revoke/", views.token_revoke, name="account_token_revoke"),
]

program_patterns: list[URLPattern] = [
    path("settings/integrations/", views.integration_tokens, name="integration_tokens"),
    path(
        "settings/integrations/<id:token_id>/revoke/",
        views.integration_token_revoke,
        name="integration_token_revoke",
    ),
]
