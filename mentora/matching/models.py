"""Matching data: mentor requests, relationship pulses, concerns, bulk-match runs.

Ended or declined things are kept: a request is closed with a status, a concern
is resolved with an outcome, a bulk run stays as the record of what was proposed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from mentora.programs.models import Mentorship, Program

MIN_REQUEST_MESSAGE = 40  # "at least a couple of sentences"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for the mentor"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", "I have no room for another mentee"
    OUTSIDE_EXPERTISE = "outside_expertise", "It's outside my expertise"
    SCHEDULE = "schedule", "Our schedules don't fit"
    OTHER = "other", "Another reason"


class WithdrawReason(models.TextChoices):
    BY_MENTEE = "by_mentee", "Withdrawn by the mentee"
    MATCHED_ELSEWHERE = "matched_elsewhere", "The mentee was matched with another mentor"
    MENTOR_FULL = "mentor_full", "The mentor's last place was taken"
    # Off-boarding (matching/lifecycle/offboarding.py) closes what a person leaving leaves open.
    MENTEE_LEFT = "mentee_left", "The mentee is no longer in the program"
    MENTOR_LEFT = "mentor_left", "The mentor is no longer mentoring in the program"


class MentorRequestQuerySet(models.QuerySet["MentorRequest"]):
    def open(self) -> MentorRequestQuerySet:
        return self.filter(status=RequestStatus.OPEN)


class MentorRequest(models.Model):
    """A mentee asks a mentor to mentor them, with a message saying what for."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentor_requests")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests_sent"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests_received"
    )
    message = models.TextField(max_length=2000)
    status = models.CharField(max_length=16, choices=RequestStatus, default=RequestStatus.OPEN)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Changed on every save, for the API's ?updated_since= (a queryset .update() sets it by hand).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=24, choices=DeclineReason, blank=True)
    decline_note = models.CharField(max_length=500, blank=True)
    withdraw_reason = models.CharField(max_length=24, choices=WithdrawReason, blank=True)
    mentorship = models.OneToOneField(
        Mentorship,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="from_request",
        help_text="The mentorship that accepting this request started.",
    )

    objects = MentorRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="request_not_self"
            ),
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"],
                condition=Q(status="open"),
                name="request_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(status="declined") | Q(decline_reason=""),
                name="request_decline_reason_only_when_declined",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="request_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="accepted", mentorship__isnull=False)
                | (~Q(status="accepted") & Q(mentorship__isnull=True)),
                name="request_accepted_has_mentorship",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="request_expires_after_created",
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} asks {self.mentor} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN


class PulseAnswer(models.TextChoices):
    GOOD = "good", "Going well"
    DECIDING = "deciding", "Still deciding"
    NOT_A_FIT = "not_a_fit", "Not a fit"


class Pulse(models.Model):
    """One party's answer to "How is this mentorship going?", asked at set times."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="pulses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulses"
    )
    asked_at = models.DateTimeField()
    answer = models.CharField(max_length=16, choices=PulseAnswer, blank=True)
    comment = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "respondent", "asked_at"], name="pulse_once_per_ask"
            ),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True)
                | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="pulse_answer_and_time_together",
            ),
        ]
        indexes = [models.Index(fields=["mentorship", "answer"])]

    def __str__(self) -> str:
        return f"Pulse of {self.respondent} on {self.mentorship}: {self.answer or 'unanswered'}"


class ConcernReason(models.TextChoices):
    MISSED_SESSIONS = "missed_sessions", "Sessions keep being missed or cancelled"
    NOT_HELPFUL = "not_helpful", "The sessions aren't helping me move forward"
    EXPERTISE = "expertise", "Our areas or goals don't match"
    SCHEDULE = "schedule", "Our schedules don't work together"
    COMMUNICATION = "communication", "We don't communicate well"
    CONDUCT = "conduct", "Something made me uncomfortable"
    OTHER = "other", "Something else"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class ConcernOutcome(models.TextChoices):
    KEEP_GOING = "keep_going", "Keep going"
    PAUSED = "paused", "Pause the mentorship"
    REMATCHED = "rematched", "Re-match with another mentor"


class Concern(models.Model):
    """ "Things aren't working out": raised privately to the mentee's success manager."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="concerns")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.PROTECT, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    reason = models.CharField(max_length=24, choices=ConcernReason)
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=16, choices=ConcernStatus, default=ConcernStatus.OPEN)
    created_at = models.DateTimeField()
    # Changed on every save, for the API's ?updated_since= (a queryset .update() sets it by hand).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns_resolved",
    )
    outcome = models.CharField(max_length=16, choices=ConcernOutcome, blank=True)
    resolution_note = models.TextField(max_length=2000, blank=True)
    new_mentorship = models.ForeignKey(
        Mentorship,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="started_by_concern",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True, outcome="")
                | Q(status="resolved", resolved_at__isnull=False) & ~Q(outcome=""),
                name="concern_resolution_fields_match_status",
            ),
            models.CheckConstraint(
                condition=Q(outcome="rematched") | Q(new_mentorship__isnull=True),
                name="concern_new_mentorship_only_on_rematch",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"Concern by {self.raised_by} on {self.mentorship} ({self.get_status_display()})"


class BulkObjective(models.TextChoices):
    TOTAL_FIT = "total_fit", "Highest total fit"
    MOST_MATCHED = "most_matched", "Most mentees matched, then fit"


class BulkRunStatus(models.TextChoices):
    # A large cohort is matched by the worker first: COMPUTING until its rows exist.
    COMPUTING = "computing", "Computing"
    PREVIEW = "preview", "Preview"
    # The worker creates the mentorships; all or nothing, then PUBLISHED.
    PUBLISHING = "publishing", "Publishing"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"
    # The worker's job failed (job_error says why); nothing was created.
    FAILED = "failed", "Failed"


class BulkMatchRun(models.Model):
    """A proposed whole-cohort match. Nothing is created until it is published."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="bulk_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    objective = models.CharField(max_length=16, choices=BulkObjective)
    min_score = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    # The chosen mentees and mentors, pins and exclusions (user ids), as submitted.
    parameters = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=BulkRunStatus, default=BulkRunStatus.PREVIEW)
    published_at = models.DateTimeField(null=True, blank=True)
    total_score = models.FloatField(default=0.0)
    # The worker's job on this run (computing the match, or publishing it): the
    # run's page shows progress_done of progress_total and, if it failed, why.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    job_started_at = models.DateTimeField(null=True, blank=True)
    job_finished_at = models.DateTimeField(null=True, blank=True)
    job_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False)
                | (~Q(status="published") & Q(published_at__isnull=True)),
                name="bulk_run_published_fields_match",
            ),
        ]

    def __str__(self) -> str:
        return f"Bulk match in {self.program} ({self.get_status_display()})"


class BulkMatchRow(models.Model):
    """One line of a bulk-match preview: a proposed pair, or an unmatched mentee."""

    run = models.ForeignKey(BulkMatchRun, on_delete=models.CASCADE, related_name="rows")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    score = models.FloatField(default=0.0)
    pinned = models.BooleanField(default=False)
    # Matched: the factor-by-factor reasons; unmatched: why not.
    reasons = models.JSONField(default=list)
    unmatched_reason = models.CharField(max_length=120, blank=True)
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="bulk_row_one_per_mentee"),
            models.CheckConstraint(
                condition=Q(mentor__isnull=False) | ~Q(unmatched_reason=""),
                name="bulk_row_unmatched_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="bulk_row_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.mentor or 'unmatched'} ({self.score:.0f})"


class ProposedCadence(models.Model):
    """A regular time Mentora proposed when staff, a cohort publish or a re-match
    started the mentorship; either party confirms it (it becomes the cadence and
    goes away) or chooses another time. Stored in the mentor's zone, as a cadence is."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="proposed_cadence"
    )
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    time_of_day = models.TimeField()
    time_zone = models.CharField(max_length=64)  # the mentor's zone when proposed
    length_minutes = models.PositiveIntegerField()
    starts_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="proposed_cadence_weekday"),
            models.CheckConstraint(
                condition=Q(length_minutes__gte=15), name="proposed_cadence_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentorship_id}: {self.weekday} {self.time_of_day:%H:%M} {self.time_zone}"
