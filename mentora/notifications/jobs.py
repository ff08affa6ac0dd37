"""The notifications app's periodic jobs (run by the worker; see
mentora.worker.registry). Each windowed job gets the span of time since it last ran
(`since`, exclusive, to `now`, inclusive) and queues a task for every event whose
moment falls inside it. After a worker outage the next window covers the whole
outage, so messages are late but none is lost; deliveries are once per person
and event, so overlapping windows could not double anything either.
`stalled_emails` sends again the emails whose worker died mid-send (delivery.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentora.matching.models import MentorRequest
from mentora.mentoring.models import ActionItem
from mentora.notifications.delivery import resend_stalled
from mentora.notifications.models import Channel, Delivery, DeliveryStatus
from mentora.notifications.reminders import reminders_lookahead
from mentora.notifications.tasks import deliver_digest, enqueue
from mentora.scheduling.models import Session, SessionStatus
from mentora.worker.registry import periodic, retry_safe

NUDGE_AFTER = timedelta(days=3)
ATTENDANCE_AFTER = timedelta(hours=24)
REQUEST_EXPIRY_NOTICE = timedelta(days=2)
ACTION_ITEM_HOUR = time(9)  # due-tomorrow and overdue notices go out at 09:00 local
DIGEST_HOUR = time(18)  # the digest goes out at 18:00 in the person's zone

# Our tasks rebuild their messages and deliver exactly once: safe to run twice.
retry_safe("mentora.notifications.")

periodic(every=timedelta(minutes=5), name="reminders", windowed=False)(reminders_lookahead)
# Not atomic: each resend is claimed on its own, and no transaction stays open
# during an SMTP conversation.
periodic(every=timedelta(minutes=1), name="stalled_emails", windowed=False, atomic=False)(
    resend_stalled
)


@periodic(every=timedelta(minutes=1))
def after_sessions(*, since: datetime, now: datetime) -> int:
    """Reflection requests at the end, the nudge 3 days later, and the mentor's
    unmarked-attendance notice after 24 hours."""
    queued = 0
    ended = Session.objects.filter(status__in=(SessionStatus.SCHEDULED, SessionStatus.HELD))
    steps = (
        ("reflection_request", timedelta(0), ended),
        ("reflection_nudge", NUDGE_AFTER, ended),
        ("attendance_unmarked", ATTENDANCE_AFTER, ended.filter(status=SessionStatus.SCHEDULED)),
    )
    for event, delay, sessions in steps:
        due = sessions.filter(ends_at__gt=since - delay, ends_at__lte=now - delay)
        for session_id in due.values_list("pk", flat=True).iterator():
            enqueue(event, session_id)
            queued += 1
    return queued


def _local_moment(day: date, at: time, zone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone or "UTC"))


@periodic(every=timedelta(minutes=15))
def action_items(*, since: datetime, now: datetime) -> int:
    """'Due tomorrow' the morning before, 'overdue' the morning after, in the owner's zone."""
    queued = 0
    items = ActionItem.objects.filter(
        done_at__isnull=True,
        due_on__gte=since.date() - timedelta(days=2),
        due_on__lte=now.date() + timedelta(days=2),
    ).values_list("pk", "due_on", "owner__time_zone")
    for item_id, due_on, zone in items.iterator():
        for overdue, day in (
            (False, due_on - timedelta(days=1)),
            (True, due_on + timedelta(days=1)),
        ):
            if since < _local_moment(day, ACTION_ITEM_HOUR, zone) <= now:
                enqueue(
                    "action_item_due",
                    item_id,
                    {"due_on": due_on.isoformat(), "overdue": overdue},
                )
                queued += 1
    return queued


@periodic(every=timedelta(minutes=15))
def requests_expiring(*, since: datetime, now: datetime) -> int:
    due = MentorRequest.objects.open().filter(
        expires_at__gt=since + REQUEST_EXPIRY_NOTICE, expires_at__lte=now + REQUEST_EXPIRY_NOTICE
    )
    queued = 0
    for request_id in due.values_list("pk", flat=True).iterator():
        enqueue("request_expiring", request_id)
        queued += 1
    return queued


@periodic(every=timedelta(minutes=5))
def digests(*, since: datetime, now: datetime) -> int:
    """A digest for everyone with held messages whose 18:00 passed in the window."""
    people = (
        Delivery.objects.filter(
            channel=Channel.EMAIL, status=DeliveryStatus.QUEUED, recipient__is_active=True
        )
        .values_list("recipient_id", "recipient__time_zone")
        .order_by()  # Delivery's default ordering would make DISTINCT one row per message
        .distinct()
    )
    queued = 0
    for user_id, zone in people:
        local_today = now.astimezone(ZoneInfo(zone or "UTC")).date()
        for day in (local_today - timedelta(days=1), local_today):
            if since < _local_moment(day, DIGEST_HOUR, zone) <= now:
                deliver_digest.enqueue(user_id, day.isoformat())
                queued += 1
    return queued
