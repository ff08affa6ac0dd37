"""The task that sends one webhook delivery (see delivery.py)."""

from __future__ import annotations

from django_tasks import task

from mentora.webhooks import delivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    return delivery.attempt(delivery_id)
