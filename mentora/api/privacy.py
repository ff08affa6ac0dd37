"""The API's part in a person's export and erasure (privacy can't import the API,
so it asks through mentora.privacy.hooks; ApiConfig.ready connects these).

Export: the person's tokens as they see them on their tokens page (never a
secret or its hash). Erasure: their tokens (personal, and the integrations they
made, which stood for their authority) and their idempotency keys (whose kept
answers name people) are deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mentora.api.models import IdempotencyKey, PersonalAccessToken

if TYPE_CHECKING:
    from mentora.accounts.models import User


def api_export_part(user: User) -> dict[str, list[dict[str, Any]]]:
    tokens = PersonalAccessToken.objects.filter(owner=user).select_related("program")
    return {
        "api_tokens.json": [
            {
                "id": t.pk,
                "name": t.name,
                "kind": t.kind,
                "starts_with": f"mnt_{t.prefix}",
                "scope": t.scope,
                "program": t.program.slug if t.program else None,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in tokens
        ]
    }


def forget_erased_person(user: User) -> None:
    PersonalAccessToken.objects.filter(owner=user).delete()
    IdempotencyKey.objects.filter(owner=user).delete()
