"""The API's periodic jobs (run by the worker; see mentora.worker.registry)."""

from __future__ import annotations

from datetime import timedelta

from mentora.api.idempotency import idempotency_keys_clear
from mentora.worker.registry import periodic

# Idempotency keys past the time a retry is answered from them.
periodic(every=timedelta(hours=6), name="idempotency_keys_expire", windowed=False)(
    idempotency_keys_clear
)
