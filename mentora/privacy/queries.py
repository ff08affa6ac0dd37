"""What the program holds about one person, one read per source.

The export (export.py) and the erasure (services.py) use the same reads, so
"the notes they wrote" or "the agendas that are theirs" mean the same in both.
These reads decide nothing about who asks: the export is always of the person
signed in, the erasure always checked by access.py first.

What counts as a person's own (docs/architecture.md, Privacy):
- what they wrote: notes (their private ones too), agendas (the mentee's
  preparation for their session) with their links and the files they uploaded,
  their questions, action items they created, reflections, feedback, pulse
  answers, concerns they raised, mentor requests they sent, closing reflections;
- records they are a party to: memberships, mentorships, sessions (and their
  makeup requests), the goals and working agreement of their mentorships, the
  shared notes the other party wrote on their sessions, action items they own,
  requests sent to them (as a mentor);
- never the other party's private notes, reflections or feedback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.db.models import Q, QuerySet

from mentora.accounts.models import BackgroundAnswer, MenteeProfile, MentorProfile
from mentora.applications.models import Application
from mentora.matching.models import Concern, MentorRequest, Pulse
from mentora.mentoring.models import (
    ActionItem,
    Agenda,
    AgendaFile,
    AgendaLink,
    Feedback,
    MentorshipGoal,
    Note,
    Question,
    Reflection,
    WorkingAgreement,
)
from mentora.notifications.models import Delivery, Notification, NotificationPreference
from mentora.programs.models import Membership, Mentorship
from mentora.scheduling.models import (
    CalendarConnection,
    DateOverride,
    MakeupRequest,
    Session,
    TimeOff,
    WeeklyHours,
)

if TYPE_CHECKING:
    from mentora.accounts.models import User


def mentor_profile(user: User) -> MentorProfile | None:
    return MentorProfile.objects.filter(user=user).prefetch_related("stack").first()


def mentee_profile(user: User) -> MenteeProfile | None:
    return MenteeProfile.objects.filter(user=user).prefetch_related("stack").first()


def background_answers(user: User) -> QuerySet[BackgroundAnswer]:
    return BackgroundAnswer.objects.filter(user=user)


def calendar_connections(user: User) -> QuerySet[CalendarConnection]:
    """Calendars they connected (never their sealed address or credentials)."""
    return CalendarConnection.objects.filter(owner=user).order_by("created_at", "pk")


def authenticators(user: User) -> QuerySet[Authenticator]:
    """Their second factors (allauth.mfa): kinds and dates, never a secret."""
    return Authenticator.objects.filter(user=user).order_by("created_at", "pk")


def social_accounts(user: User) -> QuerySet[SocialAccount]:
    """Their single sign-on identities: the provider and what it told us."""
    return SocialAccount.objects.filter(user=user).order_by("date_joined", "pk")


def signed_in_sessions(user: User) -> QuerySet[UserSession]:
    """Where they are signed in: each session's address, browser and times."""
    return UserSession.objects.filter(user=user).order_by("created_at", "pk")


def memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related(
        "program", "cohort", "success_manager"
    )


def other_program_ids(user: User, program_id: int) -> set[int]:
    """Programs other than `program_id` the person is or was a member of."""
    return set(
        Membership.objects.filter(user=user)
        .exclude(program_id=program_id)
        .values_list("program_id", flat=True)
    )


def mentorships(user: User) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("program", "mentor", "mentee")
        .order_by("started_at", "pk")
    )


def sessions(user: User) -> QuerySet[Session]:
    return (
        Session.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("program", "mentor", "mentee")
        .order_by("starts_at", "pk")
    )


def makeup_requests(user: User) -> QuerySet[MakeupRequest]:
    return MakeupRequest.objects.filter(Q(session__mentor=user) | Q(session__mentee=user))


def weekly_hours(user: User) -> QuerySet[WeeklyHours]:
    return WeeklyHours.objects.filter(mentor=user).order_by("weekday", "start_time")


def date_overrides(user: User) -> QuerySet[DateOverride]:
    return DateOverride.objects.filter(mentor=user).order_by("date")


def time_off(user: User) -> QuerySet[TimeOff]:
    return TimeOff.objects.filter(mentor=user).order_by("starts_on")


def agendas(user: User) -> QuerySet[Agenda]:
    """The agendas of the person's sessions as a mentee: their preparation."""
    return (
        Agenda.objects.filter(session__mentee=user)
        .select_related("session", "mentorship_goal")
        .prefetch_related("links", "agenda_questions")
        .order_by("session__starts_at", "pk")
    )


def agenda_links(user: User) -> QuerySet[AgendaLink]:
    return AgendaLink.objects.filter(agenda__session__mentee=user)


def files_uploaded(user: User) -> QuerySet[AgendaFile]:
    return AgendaFile.objects.filter(uploaded_by=user).select_related("agenda__session")


def questions(user: User) -> QuerySet[Question]:
    return Question.objects.filter(mentee=user).select_related("program")


def goals(user: User) -> QuerySet[MentorshipGoal]:
    """The goals of the person's mentorships (the mentee writes them)."""
    return MentorshipGoal.objects.filter(
        Q(mentorship__mentee=user) | Q(mentorship__mentor=user)
    ).select_related("mentorship")


def working_agreements(user: User) -> QuerySet[WorkingAgreement]:
    return WorkingAgreement.objects.filter(
        Q(mentorship__mentee=user) | Q(mentorship__mentor=user)
    ).select_related("mentorship")


def notes_written(user: User) -> QuerySet[Note]:
    """Every note the person wrote, private ones included."""
    return Note.objects.filter(author=user).select_related("session")


def notes_shared_with(user: User) -> QuerySet[Note]:
    """The other party's shared notes on the person's sessions (never a private one)."""
    return (
        Note.objects.filter(Q(session__mentor=user) | Q(session__mentee=user), shared=True)
        .exclude(author=user)
        .select_related("session", "author")
    )


def action_items(user: User) -> QuerySet[ActionItem]:
    """Action items the person owns or created."""
    return ActionItem.objects.filter(Q(owner=user) | Q(created_by=user)).select_related(
        "mentorship", "owner"
    )


def action_items_created(user: User) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(created_by=user)


def reflections(user: User) -> QuerySet[Reflection]:
    return Reflection.objects.filter(author=user).select_related("session")


def feedback_given(user: User) -> QuerySet[Feedback]:
    """The mentee's feedback on their sessions."""
    return Feedback.objects.filter(session__mentee=user).select_related("session")


def pulses_answered(user: User) -> QuerySet[Pulse]:
    return Pulse.objects.filter(respondent=user).exclude(answer="").select_related("mentorship")


def pulses(user: User) -> QuerySet[Pulse]:
    return Pulse.objects.filter(respondent=user)


def concerns_raised(user: User) -> QuerySet[Concern]:
    return Concern.objects.filter(raised_by=user).select_related("mentorship", "program")


def requests_sent(user: User) -> QuerySet[MentorRequest]:
    return MentorRequest.objects.filter(mentee=user).select_related("program", "mentor")


def requests_received(user: User) -> QuerySet[MentorRequest]:
    return MentorRequest.objects.filter(mentor=user).select_related("program", "mentee")


def notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("program")


def deliveries(user: User) -> QuerySet[Delivery]:
    return Delivery.objects.filter(recipient=user)


def preferences(user: User) -> QuerySet[NotificationPreference]:
    return NotificationPreference.objects.filter(user=user)


def sessions_cancelled_by(user: User) -> QuerySet[Session]:
    return Session.objects.filter(cancelled_by=user)


def applications(user: User) -> QuerySet[Application]:
    """The applications made with the person's email, in any program (an applicant
    needs no account, so the email is what ties them to the person)."""
    return (
        Application.objects.filter(email__iexact=user.email)
        .select_related("round__program")
        .prefetch_related("answers__question")
        .order_by("created_at", "pk")
    )


def erasure_preview(user: User) -> dict[str, int]:
    """What an erasure of `user` deletes beyond off-boarding (for its confirm page)."""
    return {
        "files": files_uploaded(user).count(),
        "programs": Membership.objects.filter(user=user).values("program_id").distinct().count(),
    }
