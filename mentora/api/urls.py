"""The API at /api/v1/ and the personal access tokens page at /accounts/tokens/."""

from django.urls import URLPattern, URLResolver, path

from mentora.api import views
from mentora.api.api import api

global_patterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("accounts/tokens/", views.token_list, name="account_tokens"),
    path("accounts/tokens/<id:token_id>/revoke/", views.token_revoke, name="account_token_revoke"),
]
