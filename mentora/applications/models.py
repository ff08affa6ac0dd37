"""Applications to a program: rounds, their questions, the applications and
their answers, and every change of an application's status.

A round takes applications for one role (mentee or mentor) between `opens_at`
and `closes_at` (open-ended when empty) unless an admin closed it by hand. An
application starts as a draft (the applicant hasn't confirmed their email yet),
which nobody on the staff side ever sees; confirming submits it. From then on
every status change is a `StatusChange` row (who, when, from, to, a note).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentora.accounts.timezones import validate_time_zone
from mentora.programs.models import Membership, Program, Role

# Size limits (characters). A whole application's answers together stay under
# MAX_APPLICATION_CHARS, so a form can't be used to store a book.
MAX_SHORT_TEXT = 300
MAX_LONG_TEXT = 5000
MAX_LINK = 500
MAX_APPLICATION_CHARS = 20_000
MAX_INTRO = 5000
MAX_NOTE = 2000
MAX_CHOICES = 30
MAX_CHOICE_LENGTH = 200
MAX_QUESTIONS = 50


class RoundRole(models.TextChoices):
    """The roles a round takes applications for (programs.models.Role's values)."""

    MENTEE = Role.MENTEE.value, _("Mentee")
    MENTOR = Role.MENTOR.value, _("Mentor")


class ApplicationRound(models.Model):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="application_rounds"
    )
    role = models.CharField(_("applying as"), max_length=16, choices=RoundRole)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    closed_by_hand_at = models.DateTimeField(null=True, blank=True)
    intro = models.TextField(_("introduction"), max_length=MAX_INTRO, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=RoundRole.values), name="application_round_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="application_round_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["program", "opens_at"])]

    def __str__(self) -> str:
        return f"{self.program} · {self.get_role_display()} · {self.opens_at:%Y-%m-%d}"

    def is_open(self, now: datetime) -> bool:
        """Now is inside its dates and nobody closed it by hand."""
        return (
            self.closed_by_hand_at is None
            and self.opens_at <= now
            and (self.closes_at is None or now < self.closes_at)
        )


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    ONE_CHOICE = "one_choice", _("One choice")
    MANY_CHOICES = "many_choices", _("Several choices")
    YES_NO = "yes_no", _("Yes or no")
    LINK = "link", _("Web address")


CHOICE_KINDS = frozenset({QuestionKind.ONE_CHOICE, QuestionKind.MANY_CHOICES})


class Question(models.Model):
    round = models.ForeignKey(ApplicationRound, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Answers are seen by the reviewers only, never by mentors."),
    )

    class Meta:
        ordering = ["round", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="application_question_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (email not confirmed)")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    INTERVIEW = "interview", _("Interview")
    ADMITTED = "admitted", _("Admitted")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationStatus
# An application in one of these no longer holds the round for its email.
CLOSED_STATUSES = frozenset({S.DECLINED, S.WITHDRAWN})
# The plain moves reviewers make (a status and a note, nothing else). Admitting,
# waitlisting and declining are decisions, each with its own service (the
# membership, the waitlist position, the decline message) and from these:
REVIEW_MOVES: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.INTERVIEW}),
    S.IN_REVIEW: frozenset({S.INTERVIEW}),
    S.INTERVIEW: frozenset({S.IN_REVIEW}),
    S.WAITLISTED: frozenset({S.IN_REVIEW}),  # off the waitlist (its position goes)
}
ADMITTABLE = frozenset({S.IN_REVIEW, S.INTERVIEW, S.WAITLISTED})
WAITLISTABLE = frozenset({S.IN_REVIEW, S.INTERVIEW})
DECLINABLE = frozenset({S.IN_REVIEW, S.INTERVIEW, S.WAITLISTED})
MAX_DECLINE_TEMPLATES = 30
MAX_DECLINE_BODY = 5000
MAX_TEMPLATE_NAME = 100
# The applicant may withdraw from these.
WITHDRAWABLE = frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.INTERVIEW, S.WAITLISTED})


def link_hash(token: str) -> str:
    """What is stored of an applicant's link token (the token itself never is)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Application(models.Model):
    round = models.ForeignKey(
        ApplicationRound, on_delete=models.CASCADE, related_name="applications"
    )
    email = models.EmailField(_("email"), max_length=254)
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    status = models.CharField(max_length=16, choices=ApplicationStatus, default=S.DRAFT)
    link_hash = models.CharField(max_length=64, unique=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Decisions: admitted (when, and the membership it made), waitlisted (its
    # place in the round's line: 1, 2, 3 in the order waitlisted), declined
    # (the message the applicant was sent and sees on their link page).
    admitted_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    decline_message = models.TextField(max_length=MAX_DECLINE_BODY, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="application_status_valid",
            ),
            # One open application per round and email (emails are stored lowercased).
            models.UniqueConstraint(
                fields=["round", "email"],
                condition=~Q(status__in=[S.DECLINED, S.WITHDRAWN]),
                name="application_one_open_per_round_email",
            ),
            # Past the draft, the email was confirmed and it was submitted
            # (a draft withdrawn before confirming is the one exception).
            models.CheckConstraint(
                condition=Q(status__in=[S.DRAFT, S.WITHDRAWN])
                | Q(submitted_at__isnull=False, email_confirmed_at__isnull=False),
                name="application_submitted_when_past_draft",
            ),
            models.CheckConstraint(
                condition=Q(status=S.ADMITTED, admitted_at__isnull=False)
                | (~Q(status=S.ADMITTED) & Q(admitted_at__isnull=True)),
                name="application_admitted_at_when_admitted",
            ),
            models.CheckConstraint(
                condition=Q(status=S.WAITLISTED, waitlist_position__isnull=False)
                | (~Q(status=S.WAITLISTED) & Q(waitlist_position__isnull=True)),
                name="application_position_when_waitlisted",
            ),
            models.UniqueConstraint(
                fields=["round", "waitlist_position"],
                condition=Q(status=S.WAITLISTED),
                name="application_one_per_waitlist_position",
            ),
            models.CheckConstraint(
                condition=Q(status=S.DECLINED) | Q(decline_message=""),
                name="application_decline_message_when_declined",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def withdrawable(self) -> bool:
        return self.status in WITHDRAWABLE


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()

    class Meta:
        ordering = ["application", "question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="application_answer_once_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.question_id}"


class StatusChange(models.Model):
    """One move of an application. `by` empty: the applicant (through their link)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16, choices=ApplicationStatus)
    to_status = models.CharField(max_length=16, choices=ApplicationStatus)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField()
    note = models.TextField(max_length=MAX_NOTE, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="application_status_change_moves",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class DeclineTemplate(models.Model):
    """A message a program sends the applicants it declines (chosen when declining)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="decline_templates")
    name = models.CharField(_("name"), max_length=MAX_TEMPLATE_NAME)
    body = models.TextField(_("message"), max_length=MAX_DECLINE_BODY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"], name="application_decline_template_name_unique"
            ),
            models.CheckConstraint(
                condition=~Q(body=""), name="application_decline_template_has_body"
            ),
        ]

    def __str__(self) -> str:
        return self.name
