"""The webhooks app's part in the worker: its task is safe to run twice (a
delivery is claimed before it is sent, and recorded once), so the worker
retries it with its backoff when it fails (mentora.worker.retry)."""

from mentora.worker.registry import retry_safe

retry_safe("mentora.webhooks.")
