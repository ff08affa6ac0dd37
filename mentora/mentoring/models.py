"""The session workspace: what is prepared before, written during, and
reflected on after a session, plus the mentorship's own goals.

Visibility (docs/architecture.md, Privacy): a mentee's agenda, questions, notes,
reflections and concerns are visible to that mentee, their mentor where shared,
and their success manager; private notes to their author only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from mentora.programs.models import Mentorship, Program
from mentora.scheduling.models import Session

USER = settings.AUTH_USER_MODEL


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Working on it"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Set aside"


class MentorshipGoal(models.Model):
    """What the mentee wants from the mentorship over the coming weeks (1 to 5 active)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=300)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=GoalStatus, default=GoalStatus.ACTIVE)
    mentor_comment = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="goal_text_set")]

    def __str__(self) -> str:
        return self.text


class WorkingAgreement(models.Model):
    """How the two will work together ("shape your time together"); revisable."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="working_agreement"
    )
    how_often = models.CharField(max_length=300, blank=True)
    contact_between_sessions = models.CharField(max_length=300, blank=True)
    mentee_expects = models.TextField(max_length=1000, blank=True)
    mentor_expects = models.TextField(max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"Working agreement of {self.mentorship}"


class GoalTemplate(models.TextChoices):
    """Starting points for a session goal, from the source articles."""

    ROLES = "roles", "What roles make sense for me?"
    STUDY = "study", "What should I study for a role I want?"
    INTERVIEWS = "interviews", "How can I get better at interviews?"
    NEW_JOB = "new_job", "How can I start off right at my new job?"
    ASKING_HELP = "asking_help", "How do I ask for help at work?"
    NETWORKING = "networking", "How can I network better?"
    PORTFOLIO = "portfolio", "Review my portfolio and profiles"
    UNBLOCK = "unblock", "Unblock me on my project"
    CODE_REVIEW = "code_review", "Review my code"


class WorkDone(models.TextChoices):
    YES = "yes", "Yes, I did what I planned"
    PARTLY = "partly", "Partly"
    NO = "no", "No, I didn't complete my work"


class Agenda(models.Model):
    """The mentee's preparation for one session; the mentor reads it before."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="agenda")
    goal = models.TextField(max_length=1000, blank=True)
    goal_template = models.CharField(max_length=20, choices=GoalTemplate, blank=True)
    mentorship_goal = models.ForeignKey(
        MentorshipGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="agendas"
    )
    working_on = models.TextField("what I've been working on", max_length=2000, blank=True)
    next_days = models.TextField(
        "what I want to accomplish in the next few days", max_length=2000, blank=True
    )
    planned_work_done = models.CharField(max_length=8, choices=WorkDone, blank=True)
    previous_notes_reviewed = models.BooleanField(default=False)
    setup_checked = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # Program figures count sessions prepared with a goal (insights/figures.py):
            # the sessions that have one, without reading the agendas themselves.
            models.Index(fields=["session"], condition=~Q(goal=""), name="agenda_with_goal_idx"),
        ]

    def __str__(self) -> str:
        return f"Agenda for {self.session}"


class AgendaLink(models.Model):
    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=500)
    title = models.CharField(max_length=120, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.url


def agenda_upload_path(instance: AgendaFile, filename: str) -> str:
    # Never the person's file name on disk: it may hold anything.
    return f"agenda/{instance.agenda.session.uid}/{instance.token}"


class AgendaFile(models.Model):
    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=agenda_upload_path)
    token = models.CharField(max_length=64, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class QuestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    SOLVED_MYSELF = "solved_myself", "Solved it myself"


class Question(models.Model):
    """An item in the mentee's running list: jotted any time, brought to
    sessions, carried over until answered or solved."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    mentee = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(max_length=1000)
    tried = models.TextField("what I've tried", max_length=2000, blank=True)
    topic = models.CharField(max_length=60, blank=True)
    link = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=QuestionStatus, default=QuestionStatus.OPEN)
    answer = models.TextField(max_length=4000, blank=True)
    solved_how = models.TextField(max_length=2000, blank=True)
    answered_in = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="answered_questions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["mentee", "program", "status"])]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="question_text_set")]

    def __str__(self) -> str:
        return self.text[:60]


class AgendaQuestion(models.Model):
    """A question brought to a session's agenda (a question may be brought to several)."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="agenda_questions")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="agenda_entries")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agenda", "question"], name="agenda_question_once")
        ]

    def __str__(self) -> str:
        return f"{self.question} on {self.agenda}"


class Note(models.Model):
    """Text taken during or after a session: shared with the other party, or private."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="session_notes")
    body = models.TextField(max_length=10000)
    shared = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="note_body_set")]

    def __str__(self) -> str:
        return self.body[:60]


class ActionKind(models.TextChoices):
    PRACTICE = "practice", "Practice exercise"
    TASK = "task", "Task"
    STRETCH = "stretch", "Stretch goal"


class ActionItem(models.Model):
    """A next step out of a session, often a small practice exercise."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="action_items")
    due_on = models.DateField()
    kind = models.CharField(max_length=16, choices=ActionKind, default=ActionKind.PRACTICE)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_on"]),
            # Program figures count items created and done by week from the index alone.
            models.Index(
                fields=["mentorship", "created_at", "done_at"], name="action_item_weeks_idx"
            ),
        ]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="action_title_set")]

    def __str__(self) -> str:
        return self.title


class GoalMet(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class StillMakesSense(models.TextChoices):
    YES = "yes", "Yes"
    UNSURE = "unsure", "Not sure"
    NO = "no", "No"


class Reflection(models.Model):
    """Each party's answer after a session; the mentor's is their session report."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="reflections")
    goal_met = models.CharField(max_length=8, choices=GoalMet)
    why_not = models.TextField(max_length=2000, blank=True)
    plan_now = models.TextField(max_length=2000, blank=True)
    still_makes_sense = models.CharField(max_length=8, choices=StillMakesSense)
    topics_covered = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="reflection_once_per_person")
        ]
        indexes = [
            # Program figures read the answers of a period's sessions from the index alone.
            models.Index(fields=["session", "author", "goal_met"], name="reflection_goal_idx"),
        ]

    def __str__(self) -> str:
        return f"Reflection by {self.author} on {self.session}"


class FeedbackVisibility(models.TextChoices):
    MENTOR = "mentor", "My mentor sees it, with my name"
    SUCCESS_MANAGER = "success_manager", "Only my success manager sees it"


class Feedback(models.Model):
    """The mentee's word to the mentor about one session."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="feedback")
    useful = models.TextField("what was particularly useful", max_length=2000, blank=True)
    less_productive = models.TextField("what felt less productive", max_length=2000, blank=True)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    visibility = models.CharField(
        max_length=20, choices=FeedbackVisibility, default=FeedbackVisibility.MENTOR
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_range"
            )
        ]
        indexes = [
            # Program figures read a period's ratings from the index alone.
            models.Index(fields=["session", "rating"], name="feedback_rating_idx"),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.session}: {self.rating}/5"


class ReflectionReopening(models.Model):
    """A success manager (or program admin) opened one party's closed reflection
    window on a session again, until `until` (mentoring/access.reflection_open)."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="reflection_reopenings"
    )
    party = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reopened_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    reopened_at = models.DateTimeField()
    until = models.DateTimeField()

    class Meta:
        ordering = ["reopened_at", "pk"]
        indexes = [models.Index(fields=["session", "party", "until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__gt=models.F("reopened_at")),
                name="reflection_reopening_until_after_reopened",
            )
        ]

    def __str__(self) -> str:
        return f"Reflection of {self.party} on {self.session} open until {self.until}"
