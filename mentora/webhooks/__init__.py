"""Webhooks: signed events to the other systems of a program (issue 15).

Lower apps announce what happened through their hooks; events.py listens and,
after commit, records one WebhookDelivery per event and subscribed endpoint and
queues the task that sends it (tasks.py, delivery.py)."""
