"""The agenda before a session: who may see and edit it, bad input, carry-over,
readiness, file uploads and downloads, setup check, and query counts."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentora.accounts.models import MentorProfile
from mentora.mentoring.agenda import services
from mentora.mentoring.errors import MentoringError
from mentora.mentoring.models import (
    Agenda,
    AgendaFile,
    AgendaLink,
    AgendaQuestion,
    GoalStatus,
    Question,
    QuestionStatus,
)
from mentora.programs.models import Mentorship
from mentora.scheduling.models import CancellationKind, CancelReason, SessionStatus
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def session(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))


@pytest.fixture
def past_session(mentorship):
    return f.SessionFactory(
        mentorship=mentorship, starts_at=NOW - timedelta(days=5), status=SessionStatus.HELD
    )


def agenda_url(program, session):
    return reverse("agenda", args=[program.slug, session.pk])


def post(client, program, session, **data):
    return client.post(agenda_url(program, session), data)


# --- who may see and edit ----------------------------------------------------


@pytest.mark.parametrize("page", ["agenda", "setup_check"])
@pytest.mark.parametrize("person", ["outsider", "other_mentee"])
def test_pages_are_404_outside_the_session(client, request, program, session, page, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse(page, args=[program.slug, session.pk])).status_code == 404
    assert client.post(reverse(page, args=[program.slug, session.pk])).status_code == 404


def test_other_success_manager_cannot_see_the_agenda(client, program, session):
    other_sm = f.UserFactory()
    f.MembershipFactory(user=other_sm, program=program, role="success_manager")
    client.force_login(other_sm)

    assert client.get(agenda_url(program, session)).status_code == 404


def test_mentee_sees_the_forms_before_the_start(client, program, session, mentee):
    client.force_login(mentee)

    response = client.get(agenda_url(program, session))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="action" value="save"' in content
    assert (
        content.count('<form method="post" enctype="multipart/form-data"') == 1
    )  # one agenda form
    assert "Not prepared yet" in content
    assert not Agenda.objects.exists()  # reading never writes


@pytest.mark.parametrize("person", ["mentor", "success_manager", "admin_user"])
def test_others_read_the_agenda_without_forms(client, request, program, session, mentee, person):
    services.agenda_update(**_agenda_fields(session, mentee, goal="Mock interview practice"))
    client.force_login(request.getfixturevalue(person))

    response = client.get(agenda_url(program, session))

    assert response.status_code == 200
    assert b"Mock interview practice" in response.content
    assert b'name="action"' not in response.content
    assert b"Partly prepared" in response.content


@pytest.mark.parametrize("person", ["mentor", "success_manager", "admin_user"])
def test_others_cannot_edit(client, request, program, session, person):
    client.force_login(request.getfixturevalue(person))

    response = post(client, program, session, action="save", goal="Hijacked")

    assert response.status_code == 403
    assert not Agenda.objects.filter(goal="Hijacked").exists()


def test_after_the_start_the_mentee_reads_it_and_cannot_edit(client, program, session, mentee):
    client.force_login(mentee)
    with time_machine.travel(session.starts_at + timedelta(minutes=1), tick=False):
        page = client.get(agenda_url(program, session))
        response = post(client, program, session, action="save", goal="Too late")

    assert page.status_code == 200
    assert b"The agenda closed when the session started" in page.content
    assert b'name="action"' not in page.content
    assert response.status_code == 403
    assert not Agenda.objects.filter(goal="Too late").exists()


def test_the_service_refuses_after_the_start_and_for_the_mentor(session, mentee, mentor):
    with pytest.raises(MentoringError) as closed:
        services.agenda_update(**_agenda_fields(session, mentee, now=session.starts_at))
    with pytest.raises(MentoringError) as not_mentee:
        services.agenda_update(**_agenda_fields(session, mentor))

    assert closed.value.code == "agenda_closed"
    assert not_mentee.value.code == "not_mentee"


# --- the goal form -----------------------------------------------------------


def _agenda_fields(session, by, **changes):
    fields = {
        "session": session,
        "by": by,
        "goal": "",
        "goal_template": "",
        "mentorship_goal": None,
        "working_on": "",
        "next_days": "",
        "planned_work_done": "",
        "previous_notes_reviewed": False,
        "setup_checked": False,
        "now": NOW,
    }
    fields.update(changes)
    return fields


def test_mentee_saves_the_agenda(client, program, session, mentee, mentorship):
    goal = f.MentorshipGoalFactory(mentorship=mentorship)
    client.force_login(mentee)

    response = post(
        client,
        program,
        session,
        action="save",
        goal="How can I get better at system design interviews?",
        goal_template="interviews",
        mentorship_goal=goal.pk,
        working_on="The booking project",
        next_days="Finish the tests",
        planned_work_done="yes",
        previous_notes_reviewed="on",
    )

    assert response.status_code == 302
    agenda = Agenda.objects.get(session=session)
    assert agenda.goal.startswith("How can I get better")
    assert agenda.goal_template == "interviews"
    assert agenda.mentorship_goal == goal
    assert agenda.previous_notes_reviewed and not agenda.setup_checked


def test_overlong_goal_is_refused_and_nothing_is_saved(client, program, session, mentee):
    client.force_login(mentee)

    response = post(client, program, session, action="save", goal="x" * 1001, working_on="kept?")

    assert response.status_code == 400
    assert b"at most 1000 characters" in response.content
    assert not Agenda.objects.exists()


def test_a_goal_of_another_mentorship_is_refused(client, program, session, mentee, other_mentee):
    foreign = f.MentorshipGoalFactory(mentorship=Mentorship.objects.get(mentee=other_mentee))
    client.force_login(mentee)

    response = post(client, program, session, action="save", mentorship_goal=foreign.pk)

    assert response.status_code == 400
    assert b"Pick one of this mentorship" in response.content
    assert not Agenda.objects.exists()
    with pytest.raises(MentoringError):
        services.agenda_update(**_agenda_fields(session, mentee, mentorship_goal=foreign))


def test_only_active_mentorship_goals_are_offered(client, program, session, mentee, mentorship):
    f.MentorshipGoalFactory(mentorship=mentorship, text="Get a junior role")
    f.MentorshipGoalFactory(mentorship=mentorship, text="Old goal", status=GoalStatus.ACHIEVED)
    client.force_login(mentee)

    content = client.get(agenda_url(program, session)).content.decode()

    assert "Get a junior role" in content
    assert "Old goal" not in content


def test_without_goals_the_page_leads_to_the_goals_page(client, program, session, mentee):
    """Through a button of the one form, so the agenda typed so far is saved first."""
    client.force_login(mentee)

    content = client.get(agenda_url(program, session)).content.decode()
    response = post(client, program, session, action="go_goals", goal="Typed first")

    assert 'value="go_goals"' in content
    assert response.url == reverse("mentorship_goals", args=[program.slug, session.mentorship_id])
    assert Agenda.objects.get(session=session).goal == "Typed first"


def test_work_not_done_suggests_another_plan_instead_of_cancelling(
    client, program, session, mentee
):
    services.agenda_update(**_agenda_fields(session, mentee, planned_work_done="no"))
    client.force_login(mentee)

    content = client.get(agenda_url(program, session)).content.decode()
    response = post(client, program, session, action="switch", switch="pair_on_project")

    assert "pair on your project" in content
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.agenda_switch == "pair_on_project"


# --- links -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example.org/cv.pdf", "not a url"]
)
def test_bad_links_are_refused(client, program, session, mentee, url):
    client.force_login(mentee)

    response = post(client, program, session, action="link_add", url=url)

    assert response.status_code == 400
    assert b"http:// or https://" in response.content
    assert not AgendaLink.objects.exists()


def test_the_service_refuses_non_web_links_too(session, mentee):
    with pytest.raises(MentoringError) as error:
        services.agenda_link_add(
            session=session, by=mentee, url="javascript:alert(1)", title="", now=NOW
        )

    assert error.value.field == "url"


def test_an_eleventh_link_is_refused(client, program, session, mentee):
    for i in range(10):
        services.agenda_link_add(
            session=session, by=mentee, url=f"https://example.org/{i}", title="", now=NOW
        )
    client.force_login(mentee)

    response = post(client, program, session, action="link_add", url="https://example.org/11")

    assert response.status_code == 400
    assert b"at most 10 links" in response.content
    assert AgendaLink.objects.count() == 10


def test_mentee_adds_and_removes_a_link(client, program, session, mentee):
    client.force_login(mentee)

    added = post(
        client, program, session, action="link_add", url="https://github.com/mia/p", title="Repo"
    )
    link = AgendaLink.objects.get()
    removed = post(client, program, session, action="link_remove", id=link.pk)

    assert added.status_code == removed.status_code == 302
    assert not AgendaLink.objects.exists()


# --- files -------------------------------------------------------------------


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("cv.pdf", PDF, "application/pdf"),
        ("screen.png", PNG, "image/png"),
        ("photo.JPG", JPEG, "image/jpeg"),
        ("notes.txt", "Grüße from my notes\n".encode(), "text/plain"),
        ("plan.md", b"# Plan\n\n- tests\n", "text/markdown"),
    ],
)
def test_accepted_files_are_stored_under_a_token(
    client, program, session, mentee, media, name, content, content_type
):
    client.force_login(mentee)

    response = post(client, program, session, action="file_add", upload=upload(name, content))

    assert response.status_code == 302
    stored = AgendaFile.objects.get()
    assert stored.original_name == name
    assert stored.content_type == content_type
    assert stored.size == len(content)
    path = str(stored.file.name)
    assert stored.token in path and name not in path
    assert (media / path).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "That kind of file"),
        ("noextension", PDF, "That kind of file"),
        ("cv.pdf", PNG, "its contents are not one"),
        ("photo.png", JPEG, "its contents are not one"),
        ("photo.jpg", PDF, "its contents are not one"),
        ("notes.txt", PNG, "plain UTF-8 text"),
        ("notes.md", b"\xff\xfe\x00\x00binary", "plain UTF-8 text"),
    ],
)
def test_wrong_or_mismatched_files_are_refused(
    client, program, session, mentee, media, name, content, message
):
    client.force_login(mentee)

    response = post(client, program, session, action="file_add", upload=upload(name, content))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AgendaFile.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_an_oversize_file_is_refused(client, program, session, mentee, media):
    client.force_login(mentee)
    big = PDF + b"0" * (5 * 1024 * 1024)

    response = post(client, program, session, action="file_add", upload=upload("big.pdf", big))

    assert response.status_code == 400
    assert b"at most 5 MB" in response.content
    assert not AgendaFile.objects.exists()


def test_an_eleventh_file_is_refused(client, program, session, mentee, media):
    for i in range(10):
        services.agenda_file_add(
            session=session, by=mentee, upload=upload(f"{i}.pdf", PDF), now=NOW
        )
    client.force_login(mentee)

    response = post(client, program, session, action="file_add", upload=upload("x.pdf", PDF))

    assert response.status_code == 400
    assert b"at most 10 files" in response.content
    assert AgendaFile.objects.count() == 10


@pytest.fixture
def stored_file(session, mentee, media):
    return services.agenda_file_add(
        session=session, by=mentee, upload=upload("my cv.pdf", PDF), now=NOW
    )


@pytest.mark.parametrize("person", ["mentee", "mentor", "success_manager", "admin_user"])
def test_people_who_see_the_session_download_the_file(
    client, request, program, session, stored_file, person
):
    client.force_login(request.getfixturevalue(person))

    response = client.get(
        reverse("agenda_file", args=[program.slug, session.pk, stored_file.token])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("person", ["outsider", "other_mentee"])
def test_others_cannot_download_the_file(client, request, program, session, stored_file, person):
    client.force_login(request.getfixturevalue(person))

    url = reverse("agenda_file", args=[program.slug, session.pk, stored_file.token])

    assert client.get(url).status_code == 404


def test_a_file_of_another_session_or_unknown_token_is_404(
    client, program, session, stored_file, mentee, mentorship
):
    other = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=9))
    client.force_login(mentee)

    wrong_session = reverse("agenda_file", args=[program.slug, other.pk, stored_file.token])
    unknown = reverse("agenda_file", args=[program.slug, session.pk, "nope"])

    assert client.get(wrong_session).status_code == 404
    assert client.get(unknown).status_code == 404


def test_a_missing_stored_file_is_404_not_500(client, program, session, stored_file, mentee):
    stored_file.file.storage.delete(stored_file.file.name)
    client.force_login(mentee)

    url = reverse("agenda_file", args=[program.slug, session.pk, stored_file.token])

    assert client.get(url).status_code == 404


def test_mentee_removes_a_file(
    client, program, session, stored_file, mentee, media, django_capture_on_commit_callbacks
):
    client.force_login(mentee)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, program, session, action="file_remove", token=stored_file.token)

    assert response.status_code == 302
    assert not AgendaFile.objects.exists()
    assert not (media / stored_file.file.name).exists()


# --- questions on the agenda ---------------------------------------------------


def test_mentee_brings_and_removes_an_open_question(client, program, session, mentee):
    question = f.QuestionFactory(program=program, mentee=mentee)
    client.force_login(mentee)

    brought = post(client, program, session, action="bring", id=question.pk)
    on_agenda = AgendaQuestion.objects.filter(question=question).exists()
    removed = post(client, program, session, action="unbring", id=question.pk)

    assert brought.status_code == removed.status_code == 302
    assert on_agenda
    assert not AgendaQuestion.objects.exists()
    assert Question.objects.filter(pk=question.pk, status=QuestionStatus.OPEN).exists()


def test_someone_elses_or_a_solved_question_cannot_be_brought(
    program, session, mentee, other_mentee
):
    theirs = f.QuestionFactory(program=program, mentee=other_mentee)
    solved = f.QuestionFactory(program=program, mentee=mentee, status=QuestionStatus.SOLVED_MYSELF)

    with pytest.raises(MentoringError):
        services.question_bring(session=session, by=mentee, question=theirs, now=NOW)
    with pytest.raises(MentoringError):
        services.question_bring(session=session, by=mentee, question=solved, now=NOW)
    assert not AgendaQuestion.objects.exists()


def test_a_new_question_goes_to_the_list_and_the_agenda(client, program, session, mentee):
    client.force_login(mentee)

    response = post(client, program, session, action="question_new", text="Why is CI red?")

    assert response.status_code == 302
    question = Question.objects.get(mentee=mentee)
    assert question.status == QuestionStatus.OPEN
    assert AgendaQuestion.objects.filter(question=question, agenda__session=session).exists()


def test_a_bad_new_question_saves_nothing(client, program, session, mentee):
    client.force_login(mentee)

    response = post(
        client, program, session, action="question_new", text="Ok?", link="javascript:x()"
    )

    assert response.status_code == 400
    assert not Question.objects.exists()
    assert not Agenda.objects.exists()


# --- carry-over ----------------------------------------------------------------


@pytest.fixture
def next_session(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=9))


def test_an_unanswered_question_carries_over_to_the_next_agenda(
    client, program, session, next_session, mentee
):
    open_q = f.QuestionFactory(program=program, mentee=mentee, text="Still puzzling")
    answered = f.QuestionFactory(program=program, mentee=mentee, text="Answered one")
    for q in (open_q, answered):
        services.question_bring(session=session, by=mentee, question=q, now=NOW)
    services.question_answer(question=answered, by=mentee, answer="Use a set", now=NOW)
    client.force_login(mentee)

    content = client.get(agenda_url(program, next_session)).content.decode()

    assert "Still puzzling" in content
    assert "Answered one" not in content
    assert list(services.open_questions_for(mentee, program)) == [open_q]


def test_a_cancelled_sessions_questions_return_to_the_list(session, mentee, program, mentor):
    question = f.QuestionFactory(program=program, mentee=mentee)
    services.question_bring(session=session, by=mentee, question=question, now=NOW)
    from mentora.scheduling.booking import services as scheduling

    scheduling.session_cancel(
        session=session, by=mentor, reason=CancelReason.ILLNESS, note="", now=NOW
    )

    session.refresh_from_db()
    assert session.cancellation_kind == CancellationKind.ON_TIME
    assert list(services.open_questions_for(mentee, program)) == [question]


# --- previous material -------------------------------------------------------------


def test_previous_shared_notes_and_open_items_show_never_private_notes(
    client, program, session, past_session, mentee, mentor, mentorship
):
    f.NoteFactory(session=past_session, author=mentor, body="Read chapter 3", shared=True)
    f.NoteFactory(session=past_session, author=mentor, body="Seems tired", shared=False)
    f.ActionItemFactory(mentorship=mentorship, title="Write a test for cancel")
    f.ActionItemFactory(mentorship=mentorship, title="Done already", done_at=NOW)
    client.force_login(mentee)

    content = client.get(agenda_url(program, session)).content.decode()

    assert "Read chapter 3" in content
    assert "Seems tired" not in content
    assert "Write a test for cancel" in content
    assert "Done already" not in content


# --- readiness -------------------------------------------------------------------


def _agenda(session, **fields):
    return Agenda.objects.create(session=session, **fields)


def test_readiness_of_no_agenda_is_not_yet(session):
    level, checklist = services.readiness(None)

    assert level == "not_yet"
    assert [item.done for item in checklist] == [False] * 5


def test_readiness_of_an_empty_agenda_is_not_yet(session):
    assert services.readiness(_agenda(session))[0] == "not_yet"


def test_readiness_goal_alone_is_partly(session):
    assert services.readiness(_agenda(session, goal="Interviews"))[0] == "partly"


def test_readiness_without_goal_is_at_most_partly(session, mentee, program):
    agenda = _agenda(session, previous_notes_reviewed=True, setup_checked=True)
    AgendaLink.objects.create(agenda=agenda, url="https://example.org")

    assert services.readiness(agenda)[0] == "partly"


def test_readiness_goal_and_one_more_is_partly(session):
    assert services.readiness(_agenda(session, goal="x", setup_checked=True))[0] == "partly"


def test_readiness_goal_and_two_more_is_prepared(session, mentee, program):
    agenda = _agenda(session, goal="Interviews", previous_notes_reviewed=True)
    q = f.QuestionFactory(program=program, mentee=mentee)
    AgendaQuestion.objects.create(agenda=agenda, question=q)

    level, checklist = services.readiness(agenda)

    assert level == "prepared"
    assert [i.key for i in checklist if i.done] == ["goal", "questions", "reviewed"]


def test_readiness_counts_files_as_shared(session, mentee, media):
    agenda = _agenda(session, goal="x", setup_checked=True)
    services.agenda_file_add(session=session, by=mentee, upload=upload("a.pdf", PDF), now=NOW)

    assert services.readiness(agenda)[0] == "prepared"


def test_whitespace_goal_is_not_a_goal(session):
    assert services.readiness(_agenda(session, goal="   "))[0] == "not_yet"


@pytest.mark.parametrize("person", ["mentee", "outsider", "success_manager"])
def test_readiness_page_is_for_mentors(client, request, program, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse("readiness", args=[program.slug])).status_code == 404


def test_readiness_page_lists_the_mentors_sessions_in_their_zone(
    client, program, session, mentor, mentee, other_mentee
):
    _agenda(session, goal="Interviews", setup_checked=True, previous_notes_reviewed=True)
    theirs = Mentorship.objects.get(mentee=other_mentee)
    f.SessionFactory(mentorship=theirs, starts_at=NOW + timedelta(days=3))
    client.force_login(mentor)

    content = client.get(reverse("readiness", args=[program.slug])).content.decode()

    assert "Prepared" in content and "Not prepared yet" in content
    assert "America/New_York" in content
    assert "EST" in content
    assert "3 of 5" in content


def test_readiness_page_query_count_does_not_grow(client, program, mentor, mentee, mentorship):
    client.force_login(mentor)
    made = [0]

    def grow(n):
        for _ in range(n):
            made[0] += 1
            s = f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=made[0]))
            agenda = _agenda(s, goal="g")
            AgendaLink.objects.create(agenda=agenda, url="https://example.org")

    few, many = count_queries_before_and_after(
        client, reverse("readiness", args=[program.slug]), grow=grow, first=1, more=4
    )

    assert few == many


def test_agenda_page_query_count_does_not_grow(
    client, program, session, past_session, mentee, mentorship
):
    client.force_login(mentee)

    def grow(n):
        for i in range(n):
            q = f.QuestionFactory(program=program, mentee=mentee)
            services.question_bring(session=session, by=mentee, question=q, now=NOW)
            f.QuestionFactory(program=program, mentee=mentee)
            services.agenda_link_add(
                session=session, by=mentee, url=f"https://example.org/{i}", title="", now=NOW
            )
            f.NoteFactory(session=past_session)
            f.ActionItemFactory(mentorship=mentorship)
            f.MentorshipGoalFactory(mentorship=mentorship)

    few, many = count_queries_before_and_after(
        client, agenda_url(program, session), grow=grow, first=1, more=4
    )

    assert few == many


# --- setup check -------------------------------------------------------------------


def test_setup_check_offers_the_meeting_link_and_loads_its_script(
    client, program, session, mentee, mentor
):
    MentorProfile.objects.filter(user=mentor).update(meeting_link="https://meet.example.com/mo")
    client.force_login(mentee)

    content = client.get(reverse("setup_check", args=[program.slug, session.pk])).content.decode()

    assert 'href="https://meet.example.com/mo" target="_blank"' in content
    assert "mentoring/setup_check.js" in content
    assert "<script>" not in content
    assert "Things to check" in content


def test_my_setup_works_ticks_the_checklist(client, program, session, mentee):
    client.force_login(mentee)

    response = client.post(reverse("setup_check", args=[program.slug, session.pk]))

    assert response.status_code == 302
    assert Agenda.objects.get(session=session).setup_checked


def test_the_mentor_cannot_tick_the_mentees_setup(client, program, session, mentor):
    client.force_login(mentor)

    response = client.post(reverse("setup_check", args=[program.slug, session.pk]))

    assert response.status_code == 403
    assert not Agenda.objects.filter(setup_checked=True).exists()
