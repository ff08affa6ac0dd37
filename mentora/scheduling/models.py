"""Availability, cadences and sessions.

Times are stored in UTC. Availability and cadences are defined in the mentor's
zone (wall-clock times), so a weekly 18:00 stays 18:00 for the mentor across
daylight-saving changes and moves for a mentee in another zone.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mentora.accounts.timezones import validate_time_zone
from mentora.programs.models import Mentorship, Program


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyHours(models.Model):
    """A range of hours a mentor is available every week, in their own zone."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="weekly_hours_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["mentor", "weekday", "start_time"], name="weekly_hours_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class OverrideKind(models.TextChoices):
    EXTRA = "extra", "Extra hours"
    DAY_OFF = "day_off", "Day off"


class DateOverride(models.Model):
    """One date that differs from the weekly hours: extra hours, or a day off."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="date_overrides"
    )
    date = models.DateField()
    kind = models.CharField(max_length=16, choices=OverrideKind)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=OverrideKind.DAY_OFF, start_time__isnull=True, end_time__isnull=True)
                    | Q(kind=OverrideKind.EXTRA, end_time__gt=F("start_time"))
                ),
                name="override_times_match_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.get_kind_display()}"


class TimeOff(models.Model):
    """A mentor's time away: no slots on these dates (inclusive)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="time_off_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every two weeks"


class Cadence(models.Model):
    """When a mentorship's regular sessions happen, in the mentor's zone."""

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="cadence")
    frequency = models.CharField(max_length=16, choices=Frequency, default=Frequency.WEEKLY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    time_of_day = models.TimeField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    length_minutes = models.PositiveIntegerField(
        default=45, validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    starts_on = models.DateField(help_text="The first regular session is on or after this date.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(length_minutes__gte=15, length_minutes__lte=240),
                name="cadence_length_range",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_frequency_display()}, {self.get_weekday_display()} "
            f"{self.time_of_day:%H:%M} ({self.time_zone}), {self.length_minutes} min"
        )

    @property
    def step_days(self) -> int:
        return 14 if self.frequency == Frequency.BIWEEKLY else 7


class SessionKind(models.TextChoices):
    REGULAR = "regular", "Regular"
    MAKEUP = "makeup", "Makeup"
    EXTRA = "extra", "Extra"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    MENTEE_NO_SHOW = "mentee_no_show", "Mentee didn't come"
    MENTOR_NO_SHOW = "mentor_no_show", "Mentor didn't come"
    CANCELLED = "cancelled", "Cancelled"


MISSED_STATUSES = (
    SessionStatus.CANCELLED,
    SessionStatus.MENTEE_NO_SHOW,
    SessionStatus.MENTOR_NO_SHOW,
)


class CancelReason(models.TextChoices):
    SCHEDULE_CONFLICT = "schedule_conflict", "Something else came up at that time"
    ILLNESS = "illness", "I'm ill"
    WORK_NOT_DONE = "work_not_done", "I didn't finish my work"
    EMERGENCY = "emergency", "Personal emergency"
    CADENCE_CHANGED = "cadence_changed", "The regular schedule changed"
    MENTORSHIP_ENDED = "mentorship_ended", "The mentorship ended"
    # The original time of a session moved inside the notice period: counted as a
    # late cancellation (see Session.moved_to).
    MOVED_LATE = "moved_late", "Moved at short notice"
    OTHER = "other", "Other"


# Reasons only the system sets, as part of a bigger change the parties hear of
# separately (a new regular rhythm they agreed, an ended mentorship).
SYSTEM_CANCEL_REASONS = (CancelReason.CADENCE_CHANGED, CancelReason.MENTORSHIP_ENDED)
# Reasons a person picks on the cancel form (a late move records its own).
PERSON_CANCEL_REASONS = [
    c for c in CancelReason.choices if c[0] not in (*SYSTEM_CANCEL_REASONS, CancelReason.MOVED_LATE)
]


class CancellationKind(models.TextChoices):
    ON_TIME = "on_time", "Cancelled on time"
    LATE = "late", "Cancelled late"


class AgendaSwitch(models.TextChoices):
    """What to do with a session instead of cancelling it when work isn't done."""

    PAIR_ON_PROJECT = "pair_on_project", "Pair on my project together"
    WALK_THROUGH_EXAMPLES = "walk_through_examples", "Walk through examples"
    CAREER_STRATEGY = "career_strategy", "Talk about target industries, jobs and cities"


def _session_uid() -> uuid.UUID:
    return uuid.uuid4()


class SessionQuerySet(models.QuerySet["Session"]):
    def live(self) -> SessionQuerySet:
        """Sessions that hold the mentor's time (everything but cancelled)."""
        return self.exclude(status=SessionStatus.CANCELLED)


class Session(models.Model):
    """One meeting of a mentorship."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    # Copied from the mentorship so the database can refuse overlaps per mentor.
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_as_mentee"
    )
    kind = models.CharField(max_length=16, choices=SessionKind, default=SessionKind.REGULAR)
    status = models.CharField(max_length=20, choices=SessionStatus, default=SessionStatus.SCHEDULED)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The time the mentor is blocked: the session plus the program's buffers.
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    makeup_for = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="makeups"
    )
    # Set on the cancelled record of a session's original time when it was moved
    # inside the notice period: every counter of late cancellations reads that
    # record as it reads any other, and it points to the session that was kept.
    moved_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="moved_from"
    )
    uid = models.UUIDField(default=_session_uid, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Changed on every save, for the API's ?updated_since= (a queryset .update() sets it by hand).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.CharField(max_length=32, choices=CancelReason, blank=True)
    cancel_note = models.CharField(max_length=500, blank=True)
    cancellation_kind = models.CharField(max_length=16, choices=CancellationKind, blank=True)
    agenda_switch = models.CharField(max_length=32, choices=AgendaSwitch, blank=True)
    # The session's own meeting link, set by the mentor; blank: the generated room
    # (room_name on the program's video service), else the mentor's default link.
    meeting_url = models.URLField(max_length=500, blank=True)
    # An unguessable room generated for this session; a late move's new session
    # copies it, a cancelled session's name is never given to another.
    room_name = models.CharField(max_length=64, blank=True)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["mentor", "blocked_from"]),
            models.Index(fields=["mentee", "starts_at"]),
            models.Index(fields=["mentorship", "starts_at"]),
            models.Index(fields=["status", "ends_at"]),
            # Program figures by week read a date range of one program's sessions.
            models.Index(fields=["program", "starts_at"]),
            # ... and, from the index alone, what happened to each and whose it was.
            models.Index(
                fields=["program", "starts_at", "status", "cancellation_kind", "mentee"],
                name="session_program_week_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=F("starts_at"), blocked_until__gte=F("ends_at")),
                name="session_block_covers_session",
            ),
            models.CheckConstraint(
                condition=Q(kind=SessionKind.MAKEUP, makeup_for__isnull=False)
                | (~Q(kind=SessionKind.MAKEUP) & Q(makeup_for__isnull=True)),
                name="session_makeup_points_to_missed",
            ),
            # One missed session gets at most one (live) makeup.
            models.UniqueConstraint(
                fields=["makeup_for"],
                condition=~Q(status=SessionStatus.CANCELLED),
                name="session_one_live_makeup",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=SessionStatus.CANCELLED, cancelled_at__isnull=False)
                    & ~Q(cancel_reason="")
                    & ~Q(cancellation_kind="")
                )
                | (~Q(status=SessionStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="session_cancel_fields_match_status",
            ),
            models.CheckConstraint(
                condition=Q(moved_to__isnull=True)
                | Q(status=SessionStatus.CANCELLED, cancel_reason=CancelReason.MOVED_LATE),
                name="session_moved_to_only_on_a_late_move",
            ),
            # A moved session's replacement keeps its room: the only two sessions
            # with one name are linked by moved_to (checked in the booking service).
        ]
        # No overlapping sessions per mentor (migration 0002) or per mentee
        # (migration 0004): exclusion constraints on PostgreSQL; SQLite has no
        # equivalent, there the booking services check under the lock.

    def __str__(self) -> str:
        return f"{self.get_kind_display()} session {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def length(self) -> timedelta:
        return self.ends_at - self.starts_at

    def involves(self, user_id: int) -> bool:
        return user_id in (self.mentor_id, self.mentee_id)


class ChangeKind(models.TextChoices):
    BOOKED = "booked", "Booked"
    MOVED = "moved", "Moved"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDANCE = "attendance", "Attendance recorded"
    AGENDA_SWITCHED = "agenda_switched", "Kept with a changed agenda"


class SessionChange(models.Model):
    """The history of a session: nothing about it is ever silently rewritten."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=ChangeKind)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    old_starts_at = models.DateTimeField(null=True, blank=True)
    new_starts_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class MakeupRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the mentor"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    # Nobody answered before the mentorship ended (off-boarding closes it).
    EXPIRED = "expired", "Closed when the mentorship ended"


class MakeupRequest(models.Model):
    """A mentee's ask for a makeup that needs the mentor's agreement."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="makeup_request")
    requested_at = models.DateTimeField()
    message = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=16, choices=MakeupRequestStatus, default=MakeupRequestStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Makeup request for {self.session} ({self.get_status_display()})"


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's private calendar feed; the token is the only key to it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class CalendarKind(models.TextChoices):
    ICAL = "ical", _("Private iCalendar address (read only)")
    CALDAV = "caldav", _("CalDAV account (read, and write sessions)")


class CalendarConnection(models.Model):
    """A person's own calendar that Mentora reads busy times from (and, over
    CalDAV, may write their sessions into). Secrets are sealed at rest
    (mentora/sealed.py) and never shown again after they are saved."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_connections"
    )
    kind = models.CharField(max_length=16, choices=CalendarKind)
    label = models.CharField(max_length=100, blank=True)
    # Sealed: the iCalendar address, or the CalDAV server address.
    sealed_url = models.TextField()
    # Shown to the owner instead of the address: its host only ("calendar.google.com").
    url_host = models.CharField(max_length=255, blank=True)
    sealed_username = models.TextField(blank=True)
    sealed_password = models.TextField(blank=True)
    # CalDAV: the calendar sessions are written into (its URL, sealed; blank: don't write).
    sealed_write_calendar_url = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Refresh state (the worker's): conditional requests and the failure policy.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    sync_token = models.CharField(max_length=500, blank=True)
    next_refresh_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["disabled_at", "next_refresh_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.owner} ({self.url_host})"


class BusyInterval(models.Model):
    """A busy time read from a connected calendar: start and end only, never a
    title, a place or who attends."""

    connection = models.ForeignKey(
        CalendarConnection, on_delete=models.CASCADE, related_name="busy_intervals"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["connection", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="busy_interval_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Busy {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"


class CalendarEventCopy(models.Model):
    """A session written into a person's CalDAV calendar: where, so a move
    updates it and a cancellation deletes it."""

    connection = models.ForeignKey(
        CalendarConnection, on_delete=models.CASCADE, related_name="event_copies"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="calendar_copies")
    href = models.CharField(max_length=1000)
    etag = models.CharField(max_length=300, blank=True)
    written_sequence = models.PositiveIntegerField(default=0)
    written_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "session"], name="calendar_copy_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"Copy of session {self.session_id} in {self.connection_id}"
