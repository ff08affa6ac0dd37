"""A mentee with something in every place the program keeps a person's data.

`zelda` is the person exported or erased; her mentor is the conftest's `mentor`
(`Mo Mentor`). Every text she wrote carries "ZELDA-TEXT" and every text the
mentor wrote privately carries "MO-PRIVATE", so a test can look for either in a
ZIP or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from mentora.accounts.models import SecondFactorReset, User
from mentora.matching.models import (
    BulkMatchRow,
    BulkMatchRun,
    BulkObjective,
    PulseAnswer,
)
from mentora.matching.tests.factories import ConcernFactory, MentorRequestFactory, PulseFactory
from mentora.mentoring.models import AgendaFile, AgendaLink, WorkingAgreement
from mentora.notifications.models import Kind, Notification, NotificationPreference
from mentora.programs.models import Mentorship, Role
from mentora.scheduling.models import SessionStatus
from mentora.tests import factories as f

NAME = "Zelda Quintessa"
EMAIL = "zelda.quintessa@example.org"
FILE_BYTES = b"%PDF-1.4 zelda's portfolio ZELDA-FILE-BYTES"


@dataclass
class World:
    zelda: User
    mentor: User
    mentorship: Mentorship
    past: Any
    future: Any
    file: AgendaFile


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def build_world(program, cohort, success_manager, mentor, admin_user) -> World:
    now = timezone.now()
    zelda = f.UserFactory(email=EMAIL, name=NAME)
    f.MembershipFactory(
        user=zelda,
        program=program,
        role=Role.MENTEE,
        cohort=cohort,
        success_manager=success_manager,
    )
    f.MenteeProfileFactory(
        user=zelda,
        learning="ZELDA-TEXT learning Rust",
        target_roles="ZELDA-TEXT backend",
        prior_background="ZELDA-TEXT I was a nurse",
    )
    f.BackgroundAnswerFactory(user=zelda)
    mentorship = f.MentorshipFactory(
        program=program, mentor=mentor, mentee=zelda, started_at=now - timedelta(days=60)
    )
    past = f.SessionFactory(
        mentorship=mentorship,
        starts_at=now - timedelta(days=20),
        status=SessionStatus.HELD,
    )
    future = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=3))
    agenda = f.AgendaFactory(
        session=past,
        goal="ZELDA-TEXT agenda goal: understand ownership",
        working_on="ZELDA-TEXT my CLI tool",
    )
    AgendaLink.objects.create(agenda=agenda, url="https://example.org/zelda", title="ZELDA-TEXT")
    stored = AgendaFile(
        agenda=agenda,
        token="zelda-token-1",
        original_name="Zelda portfolio.pdf",
        content_type="application/pdf",
        size=len(FILE_BYTES),
        uploaded_by=zelda,
    )
    stored.file.save("ignored.pdf", ContentFile(FILE_BYTES), save=True)
    f.QuestionFactory(program=program, mentee=zelda, text="ZELDA-TEXT how do lifetimes work?")
    f.MentorshipGoalFactory(mentorship=mentorship, text="ZELDA-TEXT ship a crate")
    WorkingAgreement.objects.create(mentorship=mentorship, mentee_expects="ZELDA-TEXT honesty")
    f.NoteFactory(session=past, author=zelda, body="ZELDA-TEXT my shared note", shared=True)
    f.NoteFactory(session=past, author=zelda, body="ZELDA-TEXT my private note", shared=False)
    f.NoteFactory(session=past, author=mentor, body="Mo's shared note, kept", shared=True)
    f.NoteFactory(session=past, author=mentor, body="MO-PRIVATE she seems anxious", shared=False)
    f.ActionItemFactory(mentorship=mentorship, session=past, title="ZELDA-TEXT", created_by=zelda)
    f.ReflectionFactory(session=past, author=zelda, plan_now="ZELDA-TEXT plan")
    f.ReflectionFactory(session=past, author=mentor, topics_covered="MO-PRIVATE report")
    f.FeedbackFactory(session=past, rating=5, useful="ZELDA-TEXT the pairing")
    PulseFactory(
        mentorship=mentorship,
        respondent=zelda,
        asked_at=now - timedelta(days=10),
        answer=PulseAnswer.GOOD,
        answered_at=now - timedelta(days=10),
        comment="ZELDA-TEXT pulse comment",
    )
    ConcernFactory(mentorship=mentorship, raised_by=zelda, details="ZELDA-TEXT concern details")
    other_mentor = f.UserFactory(name="Olive Other-Mentor")
    f.MembershipFactory(user=other_mentor, program=program, role=Role.MENTOR)
    request_text = "ZELDA-TEXT I would love your help with systems programming, please."
    MentorRequestFactory(program=program, mentee=zelda, mentor=other_mentor, message=request_text)
    Notification.objects.create(
        recipient=zelda,
        kind=Kind.MENTORSHIPS,
        key="test:zelda",
        title="Hello Zelda",
        body="ZELDA-TEXT",
        created_at=now,
    )
    # Mentora's own words to others name her and quote her.
    Notification.objects.create(
        recipient=other_mentor,
        program=program,
        kind=Kind.MENTOR_REQUESTS,
        key="test:request",
        title=f"{NAME} asks you to be their mentor",
        body=f"{NAME} would like you as their mentor:\n“{request_text}”",
        created_at=now,
    )
    NotificationPreference.objects.create(user=zelda, kind=Kind.REMINDERS, choice="inbox")
    f.CalendarFeedFactory(user=zelda)
    f.CalendarConnectionFactory(
        owner=zelda, label="ZELDA-TEXT work calendar", url_host="quintessa.example.org"
    )
    Authenticator.objects.create(user=zelda, type=Authenticator.Type.TOTP, data={"secret": "x"})
    SocialAccount.objects.create(
        user=zelda, provider="campus", uid="zelda-campus-id", extra_data={"email": EMAIL}
    )
    SecondFactorReset.objects.create(
        user=zelda, by=admin_user, at=now, reason=f"{NAME} lost her phone", authenticators_removed=1
    )
    run = BulkMatchRun.objects.create(
        program=program, created_by=admin_user, created_at=now, objective=BulkObjective.TOTAL_FIT
    )
    BulkMatchRow.objects.create(
        run=run, mentee=zelda, mentor=mentor, score=50, reasons=[f"{NAME} is learning Rust"]
    )
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(zelda.pk),
        object_repr=EMAIL,
        action_flag=CHANGE,
        change_message=f"Changed name of {NAME}",
    )
    AccessAttempt.objects.create(
        username=EMAIL,
        ip_address="127.0.0.1",
        user_agent="test",
        get_data="",
        post_data=f"login={EMAIL}",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=1,
    )
    return World(zelda, mentor, mentorship, past, future, stored)


@pytest.fixture
def world(program, cohort, success_manager, mentor, admin_user, media) -> World:
    return build_world(program, cohort, success_manager, mentor, admin_user)
