"""The API's own records: access tokens and idempotency keys.

A token's secret is never stored: only its SHA-256 (`secret_hash`) and a short
visible `prefix` to tell tokens apart in a list. A token acts as its owner,
never more: the owner's roles decide what it may see, its scope (read, or read
and write) and its program (one, or all of the owner's) narrow that further.

A personal token is its owner's own (their profile's tokens page). A program
service token is an integration's (`name`: "Learning platform"): made by a
program admin on the program's settings, listed to and revocable by every
admin of the program, always for that one program, and working only while the
admin who made it (its `owner`) is still an admin there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mentora.programs.models import Program


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class TokenKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    SERVICE = "service", _("Program integration")


class PersonalAccessToken(models.Model):
    kind = models.CharField(max_length=8, choices=TokenKind, default=TokenKind.PERSONAL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=TokenScope, default=TokenScope.READ)
    # None: every program the owner takes part in.
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "revoked_at"], name="api_token_owner_live"),
            models.Index(fields=["program", "kind", "revoked_at"], name="api_token_program_live"),
        ]
        constraints = [
            # An integration belongs to one program, never to "all of them".
            models.CheckConstraint(
                condition=~models.Q(kind="service") | models.Q(program__isnull=False),
                name="api_service_token_has_program",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_service(self) -> bool:
        return self.kind == TokenKind.SERVICE

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE


class IdempotencyKey(models.Model):
    """A POST that creates, sent with `Idempotency-Key`: the first answer, kept so
    a retry with the same key and body gets it again and creates nothing twice.
    `status_code` is None while the first request is still running."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_idempotency_keys"
    )
    key = models.CharField(max_length=255)
    operation = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="api_idempotency_owner_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created")]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
