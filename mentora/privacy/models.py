"""The record of each erasure: which account, in which program, by whom, when.

It holds no name and no email (that is what was erased); the account's row
stays (as "Erased person") so the other party's records and the program's
counts hold, and `erased_user_id` points at it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PersonErasure(models.Model):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="erasures"
    )
    erased_user_id = models.PositiveBigIntegerField(unique=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    # How many rows of each kind were replaced or deleted (no text of theirs).
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return (
            f"Erasure of account {self.erased_user_id} in {self.program_id} at {self.at:%Y-%m-%d}"
        )
