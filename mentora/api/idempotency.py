"""`Idempotency-Key` on the POSTs that create: a retried request with the same key
and body gets the first answer again, and nothing is created twice.

The key is claimed first (a row with no answer yet: the unique constraint on
owner and key lets exactly one request through), the operation runs, and its
answer is stored. A second request while the first is still running gets a 409;
the same key with another body a 422. An unexpected failure (a 500) frees the
key, so the client's retry runs afresh. Keys are kept for `KEPT`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema, Status

from mentora.api.errors import ApiCode, ApiError
from mentora.api.handlers import domain_answer
from mentora.api.models import IdempotencyKey

if TYPE_CHECKING:
    from mentora.accounts.models import User

KEPT = timedelta(hours=24)
HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

Answer = tuple[int, dict[str, Any]]


def _request_hash(operation: str, body: dict[str, Any]) -> str:
    text = json.dumps([operation, body], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


def run_once(
    *,
    owner: User,
    key: str | None,
    operation: str,
    body: dict[str, Any],
    run: Callable[[], Answer],
) -> Answer:
    """`run()` once per (owner, key); without a key, simply `run()`.

    `run` returns (status, JSON body); a DomainError it raises is answered (and
    kept) like the API answers it everywhere else."""
    if key is None:
        return run()
    if not _valid_key(key):
        raise ApiError(
            ApiCode.INVALID,
            _("The Idempotency-Key must be 1 to 255 printable ASCII characters."),
            status=422,
            field=HEADER,
        )
    digest = _request_hash(operation, body)
    now = timezone.now()
    IdempotencyKey.objects.filter(owner=owner, key=key, created_at__lt=now - KEPT).delete()
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(
                owner=owner, key=key, operation=operation, request_hash=digest, created_at=now
            )
    except IntegrityError:
        return _earlier_answer(owner, key, digest)
    try:
        status, payload = run()
    except ApiError:
        claim.delete()
        raise
    except Exception as error:
        answer = domain_answer(error)
        if answer is None:
            claim.delete()
            raise
        status, payload = answer
    IdempotencyKey.objects.filter(pk=claim.pk).update(status_code=status, response=payload)
    return status, payload


def idempotency_keys_clear(*, now: datetime) -> int:
    """Keys older than `KEPT` (a retry then runs afresh); returns how many went."""
    return IdempotencyKey.objects.filter(created_at__lt=now - KEPT).delete()[0]


def _earlier_answer(owner: User, key: str, digest: str) -> Answer:
    earlier = IdempotencyKey.objects.filter(owner=owner, key=key).first()
    if earlier is None:  # freed by a failure in between: the client retries
        raise ApiError(
            ApiCode.IDEMPOTENCY_IN_PROGRESS,
            _("A request with this Idempotency-Key is being handled: try again."),
            status=409,
            field=HEADER,
        )
    if earlier.request_hash != digest:
        raise ApiError(
            ApiCode.IDEMPOTENCY_KEY_REUSED,
            _("This Idempotency-Key was used for a different request."),
            status=422,
            field=HEADER,
        )
    if earlier.status_code is None:
        raise ApiError(
            ApiCode.IDEMPOTENCY_IN_PROGRESS,
            _("A request with this Idempotency-Key is being handled: try again."),
            status=409,
            field=HEADER,
        )
    return earlier.status_code, earlier.response or {}


def answer_once(
    *, owner: User, key: str | None, operation: str, payload: Schema, run: Callable[[], Answer]
) -> Status:
    """An operation's answer for a POST that creates: `run_once` with the request's
    body, as ninja's Status (the code `run` chose: 201, or a kept refusal)."""
    status, body = run_once(
        owner=owner, key=key, operation=operation, body=payload.model_dump(), run=run
    )
    return Status(status, body)
