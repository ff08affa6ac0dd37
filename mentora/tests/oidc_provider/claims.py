"""The claims the test provider puts in its ID tokens and userinfo."""

from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = settings.TEST_USERS[request.user.username]
        claims = {"email": user["email"], "name": user.get("name", request.user.username)}
        if "email_verified" in user:  # a provider may leave the claim out altogether
            claims["email_verified"] = user["email_verified"]
        return claims
