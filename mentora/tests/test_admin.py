"""Django admin: every model of Mentora is in it, staff can look anything up, and the
records whose writes go through a service (or that are a person's own words) can't
be added, changed or deleted there.

One world holds a row of every model, so each changelist and each change page is
opened with data; a model added without an admin fails the first test.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import SecondFactorReset, User
from mentora.api.models import IdempotencyKey
from mentora.api.tokens import token_create
from mentora.matching.models import (
    BulkMatchRow,
    BulkMatchRun,
    BulkObjective,
    ProposedCadence,
)
from mentora.matching.tests.factories import (
    ConcernFactory,
    MentorRequestFactory,
    PulseFactory,
)
from mentora.mentoring.models import (
    AgendaFile,
    AgendaLink,
    AgendaQuestion,
    Note,
    ReflectionReopening,
    WorkingAgreement,
)
from mentora.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Notification,
    NotificationPreference,
    ScheduledReminder,
    Which,
)
from mentora.programs.models import AccessAuditEntry, Membership, ProgramSettingChange, Role
from mentora.scheduling.models import (
    BusyInterval,
    CalendarConnection,
    CalendarEventCopy,
    CalendarFeed,
    SessionChange,
)
from mentora.sealed import seal
from mentora.tests import factories as f
from mentora.tests.querycount import count_queries_before_and_after
from mentora.webhooks.models import WebhookDelivery, WebhookEndpoint
from mentora.worker.models import PeriodicRun

pytestmark = pytest.mark.django_db

SEALED_TEXT = "gAAAAA-sealed-calendar-address"
PRIVATE_TEXT = "Private: I think she is about to quit the bootcamp"


def mentora_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("mentora.")]


def url(model: type[models.Model] | models.Model, view: str, *args: object) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(
        email="root@example.org", password="x-long-enough-password", name="Root"
    )


@pytest.fixture
def root(client: Client, superuser: User) -> Client:
    client.force_login(superuser)
    return client


@pytest.fixture
def world(program, mentorship, mentee, mentor, admin_user, settings, tmp_path):
    """A row of every model, around Mia Mentee's mentorship with Mo Mentor."""
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    session = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(days=2))
    later = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=5))
    SessionChange.objects.create(
        session=later, kind="booked", at=now, by=mentee, new_starts_at=later.starts_at
    )
    f.MakeupRequestFactory(session=later, message="Could we meet on Friday instead?")
    CalendarFeed.objects.create(user=mentee)
    calendar = CalendarConnection.objects.create(
        owner=mentor, kind="ical", sealed_url=SEALED_TEXT, url_host="calendar.example.com"
    )
    BusyInterval.objects.create(
        connection=calendar, starts_at=later.starts_at, ends_at=later.ends_at
    )
    CalendarEventCopy.objects.create(
        connection=calendar, session=later, href="/mentor/work/session.ics", written_at=now
    )
    f.WeeklyHoursFactory(mentor=mentor)
    f.DateOverrideFactory(mentor=mentor, date=now.date() + timedelta(days=9))
    away = now.date() + timedelta(days=20)
    f.TimeOffFactory(mentor=mentor, starts_on=away, ends_on=away + timedelta(days=2))
    f.CadenceFactory(mentorship=mentorship)
    f.TechnologyFactory(name="Django")
    f.BackgroundAnswerFactory(user=mentee)
    SecondFactorReset.objects.create(user=mentee, by=admin_user, at=now, reason="Lost phone")

    goal = f.MentorshipGoalFactory(mentorship=mentorship)
    WorkingAgreement.objects.create(mentorship=mentorship, how_often="Weekly", updated_by=mentee)
    agenda = f.AgendaFactory(session=session, goal="Review my booking tests", mentorship_goal=goal)
    AgendaLink.objects.create(agenda=agenda, url="https://example.org/pr/1", title="My PR")
    AgendaFile.objects.create(
        agenda=agenda,
        file=ContentFile(b"print('hi')", name="x"),
        token="file-token-kept-secret",
        original_name="solution.py",
        content_type="text/x-python",
        size=11,
        uploaded_by=mentee,
    )
    question = f.QuestionFactory(program=program, mentee=mentee)
    AgendaQuestion.objects.create(agenda=agenda, question=question)
    f.NoteFactory(session=session, author=mentor, body="Shared: we walked through the tests")
    f.NoteFactory(session=session, author=mentor, body=PRIVATE_TEXT, shared=False)
    f.ActionItemFactory(mentorship=mentorship)
    f.ReflectionFactory(session=session)
    ReflectionReopening.objects.create(
        session=session,
        party=mentee,
        reopened_by=admin_user,
        reopened_at=now,
        until=now + timedelta(days=7),
    )
    f.FeedbackFactory(session=session, useful="The walk through the tests")

    MentorRequestFactory(program=program, mentee=f.UserFactory(name="Sid Seeker"), mentor=mentor)
    PulseFactory(mentorship=mentorship)
    ConcernFactory(mentorship=mentorship)
    run = BulkMatchRun.objects.create(
        program=program, created_by=admin_user, created_at=now, objective=BulkObjective.TOTAL_FIT
    )
    BulkMatchRow.objects.create(run=run, mentee=mentee, mentor=mentor, score=80)
    ProposedCadence.objects.create(
        mentorship=mentorship,
        weekday=1,
        time_of_day=time(18),
        time_zone=mentor.time_zone,
        length_minutes=45,
        starts_on=now.date(),
        created_at=now,
    )

    notification = Notification.objects.create(
        recipient=mentee, program=program, kind=Kind.MENTORSHIPS, key="t:1", title="Hello",
        created_at=now,
    )  # fmt: skip
    Delivery.objects.create(
        recipient=mentee,
        key="t:1",
        channel=Channel.EMAIL,
        status=DeliveryStatus.SENT,
        notification=notification,
        created_at=now,
        sent_at=now,
    )
    NotificationPreference.objects.create(user=mentee, kind=Kind.REMINDERS, choice="inbox")
    ScheduledReminder.objects.create(
        session=later, which=Which.FIRST, starts_at=later.starts_at, run_after=now
    )
    from mentora.insights.models import RiskPolicy

    RiskPolicy.for_program(program).save()
    PeriodicRun.objects.create(name="reminders", covered_until=now)
    AccessAuditEntry.objects.create(
        program=program, user=admin_user, at=now, kind="notes", method="GET", path="/p/x/"
    )
    ProgramSettingChange.objects.create(
        program=program, changed_by=admin_user, changed_at=now, field="notice_hours",
        old_value="24", new_value="48",
    )  # fmt: skip
    token_create(owner=mentee, name="LMS sync", scope="read", days=30)
    IdempotencyKey.objects.create(
        owner=mentee, key="k-1", operation="session_book", request_hash="0" * 64, created_at=now
    )
    hook = WebhookEndpoint.objects.create(
        program=program,
        url="https://hooks.example.com/in",
        events=["session.booked"],
        secret_sealed=seal("whsec_c2VjcmV0"),
        created_by=admin_user,
    )
    WebhookDelivery.objects.create(
        endpoint=hook, event_id="msg_1", event_type="session.booked", payload={"data": {}}
    )
    return {"session": later, "past_session": session}


# --- Every model is in the admin ---------------------------------------------


def test_every_model_of_mentora_is_in_the_admin():
    missing = [m._meta.label for m in mentora_models() if m not in site._registry]

    assert missing == []


def test_the_world_has_a_row_of_every_model_of_the_apps_this_file_knows(world):
    known = {"accounts", "programs", "scheduling", "mentoring", "matching"}
    known |= {"notifications", "insights", "worker"}
    empty = [
        m._meta.label
        for m in mentora_models()
        if m._meta.app_label in known and not m._default_manager.exists()
    ]

    assert empty == []


# --- Staff can look anything up ----------------------------------------------


def test_every_changelist_and_change_page_answers_with_data(root, world):
    failures = []
    for model in site._registry:
        if not model.__module__.startswith("mentora."):
            continue
        response = root.get(url(model, "changelist"))
        if response.status_code != 200:
            failures.append((model._meta.label, "changelist", response.status_code))
        row = model._default_manager.first()
        if row is not None:
            response = root.get(url(model, "change", row.pk))
            if response.status_code != 200:
                failures.append((model._meta.label, "change", response.status_code))

    assert failures == []


def test_every_search_answers(root, world):
    failures = []
    for model, model_admin in site._registry.items():
        if model.__module__.startswith("mentora.") and model_admin.search_fields:
            response = root.get(url(model, "changelist"), {"q": "Mia"})
            if response.status_code != 200:
                failures.append((model._meta.label, response.status_code))

    assert failures == []


@pytest.mark.parametrize(
    ("model", "q", "expected"),
    [
        ("scheduling.Session", "mia@example.org", 2),
        ("scheduling.Session", "Mo Mentor", 2),
        ("scheduling.Session", "nobody@example.org", 0),
        ("scheduling.WeeklyHours", "mo@example.org", 1),
        ("mentoring.Note", "Mo Mentor", 2),
        ("mentoring.Agenda", "mia@example.org", 1),
        ("mentoring.Feedback", "Mia Mentee", 1),
        ("mentoring.AgendaFile", "solution", 1),
        ("matching.MentorRequest", "Sid Seeker", 1),
        ("matching.Concern", "mia@example.org", 1),
        ("notifications.Notification", "mia@example.org", 1),
        ("accounts.BackgroundAnswer", "Mia", 1),
    ],
)
def test_search_finds_by_name_and_email(root, world, model, q, expected):
    response = root.get(url(apps.get_model(model), "changelist"), {"q": q})

    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


@pytest.mark.parametrize(
    ("model", "by_program"),
    [
        ("scheduling.Session", "program__id__exact"),
        ("mentoring.Note", "session__program__id__exact"),
        ("mentoring.Feedback", "session__program__id__exact"),
        ("matching.Pulse", "mentorship__program__id__exact"),
        ("matching.Concern", "program__id__exact"),
    ],
)
def test_a_list_filters_by_program(root, world, program, outsider, model, by_program):
    changelist = url(apps.get_model(model), "changelist")
    elsewhere = outsider.memberships.get().program

    ours = root.get(changelist, {by_program: program.pk})
    theirs = root.get(changelist, {by_program: elsewhere.pk})

    assert ours.context["cl"].result_count >= 1
    assert theirs.context["cl"].result_count == 0


DRILL_DOWNS = [
    {"year": "9999", "month": "12", "day": "31"},  # Django computes the next day
    {"year": "9999"},  # and the next year
    {"year": "9" * 20},  # too big for a date at all
    {"year": "٣"},  # an Arabic-Indic 3: int() takes it
    {"year": "2027", "month": "2", "day": "30"},
    {"year": "2027", "month": "-1"},
    {"year": "x"},
    {"month": "99999999999999999999"},
]


def test_a_date_drill_down_to_no_real_date_is_refused_not_a_500(root, world):
    client = root
    client.raise_request_exception = False
    failures = []
    for model, model_admin in site._registry.items():
        field = model_admin.date_hierarchy
        if not model.__module__.startswith("mentora.") or not field:
            continue
        for parts in DRILL_DOWNS:
            query = {f"{field}__{part}": value for part, value in parts.items()}
            response = client.get(url(model, "changelist"), query)
            if response.status_code >= 500:
                failures.append((model._meta.label, parts))

    assert failures == []


def test_a_real_date_drill_down_still_narrows_the_list(root, world):
    starts = world["session"].starts_at
    query = {"starts_at__year": starts.year, "starts_at__month": starts.month}

    response = root.get(url(world["session"], "changelist"), query)

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_a_sessions_page_links_to_what_is_kept_about_it(root, world):
    session = world["past_session"]
    page = root.get(url(session, "change", session.pk)).content.decode()
    links = re.findall(r'href="(/admin/[a-z]+/[a-z]+/\?session__id__exact=\d+)"', page)
    counts = {}
    for link in links:
        response = root.get(link)
        assert response.status_code == 200, link
        assert "?e=1" not in response.get("Location", ""), link
        counts[link.split("/")[3]] = response.context["cl"].result_count

    assert counts["note"] == 2
    assert counts["agenda"] == counts["reflection"] == counts["feedback"] == 1
    assert counts["makeuprequest"] == 0  # the makeup request is the later session's


# --- Private text ------------------------------------------------------------


def test_no_note_text_in_the_notes_list(root, world):
    response = root.get(url(Note, "changelist"))

    assert response.status_code == 200
    assert PRIVATE_TEXT not in response.content.decode()
    assert "we walked through the tests" not in response.content.decode()


def test_a_superuser_reads_a_private_note_on_its_page(root, world):
    note = Note.objects.get(shared=False)

    response = root.get(url(Note, "change", note.pk))

    assert PRIVATE_TEXT in response.content.decode()


def test_staff_who_may_view_notes_dont_open_a_private_one(client, world):
    staff = f.UserFactory(email="stella@example.org", name="Stella Staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_note"))
    client.force_login(staff)
    private = Note.objects.get(shared=False)
    shared = Note.objects.get(shared=True)

    private_page = client.get(url(Note, "change", private.pk))
    private_history = client.get(url(Note, "history", private.pk))
    shared_page = client.get(url(Note, "change", shared.pk))

    assert private_page.status_code == 403
    assert private_history.status_code == 403
    assert PRIVATE_TEXT not in private_page.content.decode()
    assert "we walked through the tests" in shared_page.content.decode()


def test_secret_tokens_are_never_shown(root, world):
    feed = CalendarFeed.objects.get()
    file = AgendaFile.objects.get()

    feed_page = root.get(url(CalendarFeed, "change", feed.pk)).content.decode()
    file_page = root.get(url(AgendaFile, "change", file.pk)).content.decode()
    agenda_page = root.get(url(file.agenda, "change", file.agenda_id)).content.decode()

    assert feed.token not in feed_page
    calendar = CalendarConnection.objects.get()
    calendar_page = root.get(url(CalendarConnection, "change", calendar.pk)).content.decode()
    assert SEALED_TEXT not in calendar_page
    assert "calendar.example.com" in calendar_page
    assert file.token not in file_page
    assert file.token not in agenda_page
    assert "solution.py" in agenda_page


# --- Read-only where a write goes through a service --------------------------

READ_ONLY = [
    "scheduling.WeeklyHours",
    "scheduling.DateOverride",
    "scheduling.TimeOff",
    "scheduling.Cadence",
    "scheduling.Session",
    "scheduling.SessionChange",
    "scheduling.MakeupRequest",
    "scheduling.CalendarFeed",
    "scheduling.CalendarConnection",
    "scheduling.BusyInterval",
    "scheduling.CalendarEventCopy",
    "mentoring.MentorshipGoal",
    "mentoring.WorkingAgreement",
    "mentoring.Agenda",
    "mentoring.AgendaLink",
    "mentoring.AgendaFile",
    "mentoring.Question",
    "mentoring.AgendaQuestion",
    "mentoring.Note",
    "mentoring.ActionItem",
    "mentoring.Reflection",
    "mentoring.ReflectionReopening",
    "mentoring.Feedback",
    "matching.MentorRequest",
    "matching.Pulse",
    "matching.Concern",
    "matching.BulkMatchRun",
    "matching.BulkMatchRow",
    "matching.ProposedCadence",
    "notifications.Notification",
    "notifications.Delivery",
    "notifications.NotificationPreference",
    "notifications.ScheduledReminder",
    "accounts.BackgroundAnswer",
    "accounts.SecondFactorReset",
    "worker.PeriodicRun",
    "api.PersonalAccessToken",
    "api.IdempotencyKey",
    "webhooks.WebhookEndpoint",
    "webhooks.WebhookDelivery",
]
# Editable on purpose (settings-like, no service owns their writes): see each admin.py.
EDITABLE = ["accounts.Technology", "accounts.MentorProfile", "accounts.MenteeProfile"]
EDITABLE += ["insights.RiskPolicy"]


@pytest.mark.parametrize("label", READ_ONLY)
def test_a_read_only_record_cant_be_added(root, world, label):
    model = apps.get_model(label)
    count = model._default_manager.count()

    assert root.get(url(model, "add")).status_code == 403
    assert root.post(url(model, "add"), {}).status_code == 403
    assert model._default_manager.count() == count


@pytest.mark.parametrize("label", READ_ONLY)
def test_a_read_only_record_cant_be_changed(root, world, label):
    model = apps.get_model(label)
    row = model._default_manager.first()
    before = model_to_dict(row)
    page = root.get(url(model, "change", row.pk))
    # Whatever the form would have held, with every text field changed.
    data = {k: v for k, v in before.items() if v is not None and not isinstance(v, list)}
    data |= {k: "changed" for k, v in before.items() if isinstance(v, str)}

    response = root.post(url(model, "change", row.pk), data)

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert response.status_code == 403
    row.refresh_from_db()
    assert model_to_dict(row) == before


@pytest.mark.parametrize("label", READ_ONLY)
def test_a_read_only_record_cant_be_deleted(root, world, label):
    model = apps.get_model(label)
    row = model._default_manager.first()

    direct = root.post(url(model, "delete", row.pk), {"post": "yes"})
    bulk = root.post(
        url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert direct.status_code == 403
    assert bulk.status_code in (200, 302)  # the list again: no such action
    assert model._default_manager.filter(pk=row.pk).exists()


def test_every_model_is_either_read_only_or_editable_on_purpose():
    ours = {
        m._meta.label
        for m in mentora_models()
        if m._meta.app_label
        not in {"programs", "privacy", "applications"}  # their own admins' tests
    }

    assert ours == set(READ_ONLY) | set(EDITABLE) | {"accounts.User"}


@pytest.mark.parametrize("label", EDITABLE)
def test_an_editable_settings_record_keeps_its_save_button(root, world, label):
    model = apps.get_model(label)
    row = model._default_manager.first()

    page = root.get(url(model, "change", row.pk))

    assert page.status_code == 200
    assert b'name="_save"' in page.content


# --- Flat query counts on the big lists --------------------------------------


def _grow_sessions(mentorship):
    def grow(n: int) -> None:
        for _ in range(n):
            session = f.SessionFactory(mentorship=f.MentorshipFactory(program=mentorship.program))
            f.NoteFactory(session=session, shared=False)
            f.FeedbackFactory(session=session)
            f.AgendaFactory(session=session)
            PulseFactory(mentorship=session.mentorship)
            ConcernFactory(mentorship=session.mentorship)

    return grow


@pytest.mark.parametrize(
    "label",
    [
        "scheduling.Session",
        "mentoring.Note",
        "mentoring.Feedback",
        "mentoring.Agenda",
        "matching.Pulse",
        "matching.Concern",
    ],
)
def test_a_big_list_keeps_a_flat_query_count(root, mentorship, label):
    few, many = count_queries_before_and_after(
        root, url(apps.get_model(label), "changelist"), grow=_grow_sessions(mentorship)
    )

    assert many == few


def test_the_memberships_list_keeps_a_flat_query_count(root, program, cohort, success_manager):
    def grow(n: int) -> None:
        for _ in range(n):
            f.MembershipFactory(
                program=program, role=Role.MENTEE, cohort=cohort, success_manager=success_manager
            )

    few, many = count_queries_before_and_after(root, url(Membership, "changelist"), grow=grow)

    assert many == few
