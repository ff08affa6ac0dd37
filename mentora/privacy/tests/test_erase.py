"""person_erase: no trace of the name or email in any text column, the counts of
insights unchanged, the other party's records intact, and its refusals."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.sessions.models import Session as LoginSession
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import SecondFactorReset
from mentora.insights.access import Scope
from mentora.insights.figures import Period, figures
from mentora.insights.queries import mentor_rows
from mentora.matching.models import MentorRequest, Pulse, RequestStatus
from mentora.mentoring.models import AgendaFile, Feedback, Note, Reflection
from mentora.notifications.models import Notification
from mentora.privacy import services
from mentora.privacy.errors import PrivacyCode, PrivacyError
from mentora.privacy.models import PersonErasure
from mentora.privacy.tests.conftest import EMAIL, NAME
from mentora.programs.models import Membership, MembershipStatus, Mentorship, MentorshipStatus, Role
from mentora.scheduling.models import CalendarConnection, CancellationKind, Session, SessionStatus
from mentora.tests import factories as f

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def traces(needle: str) -> list[str]:
    """Every (model.field) of every installed model holding `needle` (case-insensitive)."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        manager = model._base_manager
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            if isinstance(field, models.JSONField):
                rows = manager.annotate(_as_text=Cast(field.name, models.TextField())).filter(
                    _as_text__icontains=needle
                )
            else:
                rows = manager.filter(**{f"{field.name}__icontains": needle})
            if rows.exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def test_the_walk_finds_what_is_there(world):
    # The search itself works: before the erasure it finds her in many places.
    assert "accounts.User.email" in traces(EMAIL)
    assert "matching.BulkMatchRow.reasons" in traces(NAME)
    assert "axes.AccessAttempt.username" in traces(EMAIL)
    assert "socialaccount.SocialAccount.extra_data" in traces(EMAIL)
    assert "scheduling.CalendarConnection.url_host" in traces("Quintessa")
    assert "accounts.SecondFactorReset.reason" in traces(NAME)


def test_her_calendars_second_factors_and_sign_on_identities_go(world, program, admin_user):
    zelda = world.zelda

    services.person_erase(user=zelda, program=program, by=admin_user)

    assert not CalendarConnection.objects.filter(owner=zelda).exists()
    assert not Authenticator.objects.filter(user=zelda).exists()
    assert not SocialAccount.objects.filter(user=zelda).exists()
    # Who reset her second factor, and when, stays on record; why (it names her) goes.
    assert list(SecondFactorReset.objects.filter(user=zelda).values_list("reason", flat=True)) == [
        "[erased]"
    ]


def test_no_text_column_of_any_model_keeps_her_name_email_or_writing(world, program, admin_user):
    services.person_erase(user=world.zelda, program=program, by=admin_user)

    assert traces(NAME) == []
    assert traces(EMAIL) == []
    assert traces("ZELDA-TEXT") == []
    assert traces("Quintessa") == []


@pytest.mark.postgres
def test_no_trace_on_postgresql_either(world, program, admin_user, is_postgres):
    assert is_postgres
    services.person_erase(user=world.zelda, program=program, by=admin_user)
    assert traces(NAME) == traces(EMAIL) == traces("ZELDA-TEXT") == []


def test_identity_is_replaced_and_the_account_closed(world, program, admin_user):
    erasure = services.person_erase(user=world.zelda, program=program, by=admin_user)
    zelda = world.zelda

    assert zelda.name == "Erased person"
    assert zelda.email == f"erased-{zelda.pk}@erased.invalid"
    assert not zelda.has_usable_password() and not zelda.is_active
    assert zelda.erased_at is not None and zelda.time_zone == "Europe/Berlin"
    assert not EmailAddress.objects.filter(user=zelda).exists()
    assert not Notification.objects.filter(recipient=zelda).exists()
    assert (erasure.program, erasure.erased_user_id, erasure.by) == (program, zelda.pk, admin_user)
    # The record holds no name or email.
    assert NAME not in str(erasure.summary) and EMAIL not in str(erasure.summary)


def test_she_is_signed_out_everywhere_and_others_stay_signed_in(
    client, world, program, admin_user, mentor
):
    client.force_login(world.zelda)
    other = Client()
    other.force_login(mentor)
    services.person_erase(user=world.zelda, program=program, by=admin_user)

    assert not any(
        s.get_decoded().get("_auth_user_id") == str(world.zelda.pk)
        for s in LoginSession.objects.all()
    )
    assert client.get(reverse("profile_edit")).status_code == 302  # to the login page
    assert other.get(reverse("profile_edit")).status_code == 200


def test_where_she_was_signed_in_is_deleted_with_its_addresses(world, program, admin_user, mentor):
    f.signed_in_session(world.zelda, ip="198.51.100.7")
    f.signed_in_session(world.zelda, ip="198.51.100.8")
    kept = f.signed_in_session(mentor, ip="203.0.113.5")

    services.person_erase(user=world.zelda, program=program, by=admin_user)

    assert not UserSession.objects.filter(user=world.zelda).exists()
    assert list(UserSession.objects.values_list("pk", flat=True)) == [kept.pk]


def test_her_file_is_deleted_from_storage(
    world, program, admin_user, django_capture_on_commit_callbacks
):
    storage, name = world.file.file.storage, world.file.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.person_erase(user=world.zelda, program=program, by=admin_user)
    assert not storage.exists(name)
    assert not AgendaFile.objects.filter(pk=world.file.pk).exists()


def test_the_other_partys_records_stay_as_written(world, program, admin_user):
    services.person_erase(user=world.zelda, program=program, by=admin_user)

    mine = set(Note.objects.filter(author=world.mentor).values_list("body", flat=True))
    assert mine == {"Mo's shared note, kept", "MO-PRIVATE she seems anxious"}
    assert Reflection.objects.get(author=world.mentor).topics_covered == "MO-PRIVATE report"
    # Hers are kept as rows with their text replaced.
    assert set(Note.objects.filter(author=world.zelda).values_list("body", flat=True)) == {
        "[erased]"
    }


def test_rows_that_are_counted_stay(world, program, admin_user):
    services.person_erase(user=world.zelda, program=program, by=admin_user)

    assert Session.objects.get(pk=world.past.pk).status == SessionStatus.HELD
    assert Feedback.objects.get(session=world.past).rating == 5
    pulse = Pulse.objects.get(respondent=world.zelda)
    assert (pulse.answer, pulse.comment) == ("good", "[erased]")
    reflection = Reflection.objects.get(author=world.zelda)
    assert (reflection.goal_met, reflection.plan_now) == ("yes", "[erased]")


def _mentor_numbers(program, period):
    """The mentors' numbers of the period (their load now is not history: left out)."""
    rows = mentor_rows(program, period.start, period.end, timezone.now())
    return {
        r.mentor.pk: (
            r.sessions,
            r.held,
            r.late_cancellations,
            r.feedback_count,
            r.feedback_average,
            r.reflections,
        )
        for r in rows
    }


def test_insights_figures_of_the_program_are_the_same_after(world, program, admin_user):
    zone = ZoneInfo(program.time_zone)
    today = timezone.now().astimezone(zone).date()
    # Whole past weeks: the weeks she took part in, before today's erasure.
    last = today - timedelta(days=today.weekday() + 1)
    period = Period.covering(last - timedelta(weeks=9), last, zone)
    cohort = Membership.objects.get(user=world.zelda).cohort
    before = [figures(Scope(program, None), period), figures(Scope(program, None), period, cohort)]
    mentors_before = _mentor_numbers(program, period)
    assert mentors_before[world.mentor.pk] == (1, 1, 0, 1, 5.0, 1)
    assert before[0].total.held == 1 and before[0].total.feedback_count == 1
    assert before[0].total.prepared == 1

    services.person_erase(user=world.zelda, program=program, by=admin_user)

    after = [figures(Scope(program, None), period), figures(Scope(program, None), period, cohort)]
    assert [a.weeks for a in after] == [b.weeks for b in before]
    assert [a.total for a in after] == [b.total for b in before]
    assert [a.end_reasons for a in after] == [b.end_reasons for b in before]
    assert _mentor_numbers(program, period) == mentors_before


def test_she_leaves_first_future_sessions_cancelled_on_time_requests_withdrawn(
    world, program, admin_user
):
    services.person_erase(user=world.zelda, program=program, by=admin_user)

    future = Session.objects.get(pk=world.future.pk)
    assert future.status == SessionStatus.CANCELLED
    assert future.cancellation_kind == CancellationKind.ON_TIME
    assert Mentorship.objects.get(pk=world.mentorship.pk).status == MentorshipStatus.ENDED
    assert not MentorRequest.objects.filter(mentee=world.zelda, status=RequestStatus.OPEN).exists()
    membership = Membership.objects.get(user=world.zelda, program=program)
    assert (membership.status, membership.is_active) == (MembershipStatus.LEFT, False)


def test_others_inbox_keeps_the_message_without_her_name_or_words(world, program, admin_user):
    services.person_erase(user=world.zelda, program=program, by=admin_user)

    message = Notification.objects.get(key="test:request")
    assert message.title == "Erased person asks you to be their mentor"
    assert "[erased]" in message.body and "ZELDA" not in message.body


def test_an_erasure_is_not_repeated(world, program, admin_user):
    services.person_erase(user=world.zelda, program=program, by=admin_user)

    with pytest.raises(PrivacyError) as refused:
        services.person_erase(user=world.zelda, program=program, by=admin_user)
    assert refused.value.code == PrivacyCode.ALREADY_ERASED
    assert PersonErasure.objects.count() == 1


def test_a_person_in_another_program_needs_a_superuser(world, program, admin_user):
    elsewhere = f.ProgramFactory(slug="elsewhere-2")
    f.MembershipFactory(user=world.zelda, program=elsewhere, role=Role.MENTOR)

    with pytest.raises(PrivacyError) as refused:
        services.person_erase(user=world.zelda, program=program, by=admin_user)
    assert refused.value.code == PrivacyCode.OTHER_PROGRAMS
    world.zelda.refresh_from_db()
    assert world.zelda.name == NAME and world.zelda.erased_at is None

    root = f.UserFactory(is_superuser=True, is_staff=True)
    services.person_erase(user=world.zelda, program=program, by=root)
    assert not Membership.objects.filter(user=world.zelda, is_active=True).exists()
    assert traces(EMAIL) == []


def test_refusals_self_superuser_and_non_member(program, admin_user, outsider):
    with pytest.raises(PrivacyError) as refused:
        services.person_erase(user=admin_user, program=program, by=admin_user)
    assert refused.value.code == PrivacyCode.SELF

    root = f.UserFactory(is_superuser=True)
    f.MembershipFactory(user=root, program=program, role=Role.MENTOR)
    with pytest.raises(PrivacyError) as refused:
        services.person_erase(user=root, program=program, by=admin_user)
    assert refused.value.code == PrivacyCode.SUPERUSER

    with pytest.raises(PrivacyError) as refused:
        services.person_erase(user=outsider, program=program, by=admin_user)
    assert refused.value.code == PrivacyCode.NOT_IN_PROGRAM


def test_a_mentor_is_erased_too_and_their_mentees_keep_their_records(
    program, mentor, mentee, mentorship, admin_user
):
    today = timezone.localdate()
    f.TimeOffFactory(
        mentor=mentor,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=35),
        note="Mo's holiday in Lisbon",
    )
    session = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() - timedelta(days=2))
    f.NoteFactory(session=session, author=mentee, body="Mia's own note", shared=False)
    services.person_erase(user=mentor, program=program, by=admin_user)

    assert traces("Mo Mentor") == [] and traces("mo@example.org") == []
    assert traces("Lisbon") == []
    assert Note.objects.get(author=mentee).body == "Mia's own note"
    assert Mentorship.objects.get(pk=mentorship.pk).end_reason == "mentor_unavailable"


def test_her_api_tokens_and_kept_api_answers_go(world, program, admin_user):
    from mentora.api import tokens
    from mentora.api.models import IdempotencyKey, PersonalAccessToken

    zelda = world.zelda
    mine = tokens.token_create(owner=zelda, name="Zelda's sync", scope="write", days=30)
    IdempotencyKey.objects.create(
        owner=zelda,
        key="k1",
        operation="session_book:1",
        request_hash="0" * 64,
        status_code=201,
        response={"mentee": {"name": zelda.name}},
        created_at=timezone.now(),
    )
    theirs = tokens.token_create(owner=admin_user, name="Ada's", scope="read", days=30)

    services.person_erase(user=zelda, program=program, by=admin_user)

    assert not PersonalAccessToken.objects.filter(pk=mine.token.pk).exists()
    assert not IdempotencyKey.objects.filter(owner=zelda).exists()
    assert PersonalAccessToken.objects.filter(pk=theirs.token.pk).exists()


def test_her_applications_go_with_their_answers(world, program, admin_user):
    from mentora.applications.models import Answer, Application
    from mentora.applications.tests.factories import (
        ApplicationFactory,
        QuestionFactory,
        RoundFactory,
        answer,
    )

    zelda = world.zelda
    round_ = RoundFactory(program=program)
    question = QuestionFactory(round=round_, label="Why?")
    hers = ApplicationFactory(round=round_, email=zelda.email.upper(), name=zelda.name)
    answer(hers, question, "ZELDA-TEXT in an application")
    someone_else = ApplicationFactory(round=round_)

    services.person_erase(user=zelda, program=program, by=admin_user)

    assert not Application.objects.filter(pk=hers.pk).exists()
    assert not Answer.objects.filter(application_id=hers.pk).exists()
    assert Application.objects.filter(pk=someone_else.pk).exists()
    assert traces(NAME) == traces(EMAIL) == traces("ZELDA-TEXT") == []
