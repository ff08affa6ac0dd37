"""The running question list: who may read and change it, each action, bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mentora.mentoring.agenda import services
from mentora.mentoring.errors import MentoringError
from mentora.mentoring.models import Question, QuestionStatus
from mentora.programs.models import Mentorship, Role
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def url(program):
    return reverse("questions", args=[program.slug])


@pytest.fixture
def question(program, mentee):
    return f.QuestionFactory(program=program, mentee=mentee, text="What is a migration?")


@pytest.fixture
def session(mentee, mentor):
    mentorship = Mentorship.objects.get(mentee=mentee, mentor=mentor)
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))


# --- who may see it ------------------------------------------------------------


def test_mentee_sees_their_list_grouped(client, url, program, mentee):
    f.QuestionFactory(program=program, mentee=mentee, text="Open one")
    f.QuestionFactory(program=program, mentee=mentee, text="Answered one", status="answered")
    f.QuestionFactory(
        program=program, mentee=mentee, text="Mine to celebrate", status="solved_myself"
    )
    client.force_login(mentee)

    response = client.get(url)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Open one") < content.index("Mine to celebrate")
    assert "Answered one" in content
    assert "proof you can get yourself unstuck" in content
    assert 'name="action" value="add"' in content


@pytest.mark.parametrize("person", ["mentor", "success_manager", "admin_user"])
def test_mentor_and_staff_read_the_list_without_forms(
    client, request, url, question, mentee, person
):
    client.force_login(request.getfixturevalue(person))

    response = client.get(f"{url}?mentee={mentee.pk}")

    assert response.status_code == 200
    assert b"What is a migration?" in response.content
    assert b'name="action"' not in response.content


def test_mentor_picks_whose_list_to_read(client, url, mentor, mentee, other_mentee):
    client.force_login(mentor)

    content = client.get(url).content.decode()

    assert f"?mentee={mentee.pk}" in content and f"?mentee={other_mentee.pk}" in content


@pytest.mark.parametrize("person", ["other_mentee", "outsider"])
def test_others_get_404(client, request, url, question, mentee, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(f"{url}?mentee={mentee.pk}").status_code == 404


def test_another_mentor_and_another_success_manager_get_404(client, url, program, mentee):
    for role in (Role.MENTOR, Role.SUCCESS_MANAGER):
        someone = f.UserFactory()
        f.MembershipFactory(user=someone, program=program, role=role)
        client.force_login(someone)

        assert client.get(f"{url}?mentee={mentee.pk}").status_code == 404


def test_outsider_gets_404_on_the_program(client, url, outsider):
    client.force_login(outsider)

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("raw", ["abc", "999999", ""])
def test_bad_mentee_parameter_is_404(client, url, mentor, raw):
    client.force_login(mentor)

    assert client.get(f"{url}?mentee={raw}").status_code == 404


def test_the_mentor_cannot_change_the_list(client, url, question, mentor, mentee):
    client.force_login(mentor)

    response = client.post(
        f"{url}?mentee={mentee.pk}", {"action": "solved", "id": question.pk, "how": "x"}
    )

    assert response.status_code == 403
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN


def test_a_mentee_cannot_touch_someone_elses_question(client, url, question, other_mentee):
    client.force_login(other_mentee)

    response = client.post(url, {"action": "answered", "id": question.pk, "answer": "ha"})

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN


# --- actions ---------------------------------------------------------------------


def test_mentee_adds_a_question_with_optional_fields(client, url, program, mentee):
    client.force_login(mentee)

    response = client.post(
        url,
        {
            "action": "add",
            "text": "How do I read a traceback?",
            "tried": "Googled it",
            "topic": "Python",
            "link": "https://docs.python.org/3/",
        },
    )

    assert response.status_code == 302
    q = Question.objects.get(mentee=mentee)
    assert (q.topic, q.tried, q.status) == ("Python", "Googled it", QuestionStatus.OPEN)


def test_only_the_text_is_required(client, url, mentee):
    client.force_login(mentee)

    assert client.post(url, {"action": "add", "text": "Why?"}).status_code == 302
    assert Question.objects.filter(mentee=mentee, tried="", link="").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Write the question down."),
        ({"text": "x" * 1001}, "at most 1000 characters"),
        ({"text": "ok", "link": "javascript:alert(1)"}, "http:// or https://"),
        ({"text": "ok", "link": "ftp://example.org/a"}, "http:// or https://"),
        ({"text": "ok", "topic": "t" * 61}, "at most 60 characters"),
        ({"text": "ok", "tried": "t" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_questions_are_refused_and_nothing_saved(client, url, mentee, data, message):
    client.force_login(mentee)

    response = client.post(url, {"action": "add", **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_mark_answered(client, url, question, mentee):
    client.force_login(mentee)

    response = client.post(url, {"action": "answered", "id": question.pk, "answer": "A schema"})

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.answer == "A schema"
    assert question.resolved_at == NOW


def test_overlong_answer_is_refused(client, url, question, mentee):
    client.force_login(mentee)

    response = client.post(url, {"action": "answered", "id": question.pk, "answer": "a" * 4001})

    assert response.status_code == 400
    assert b"at most 4000 characters" in response.content
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN


def test_solved_myself_is_celebrated(client, url, question, mentee):
    client.force_login(mentee)

    response = client.post(
        url, {"action": "solved", "id": question.pk, "how": "Read the docs"}, follow=True
    )

    assert b"You solved it yourself!" in response.content
    question.refresh_from_db()
    assert question.status == QuestionStatus.SOLVED_MYSELF
    assert question.solved_how == "Read the docs"


def test_reopen_keeps_the_earlier_answer(client, url, question, mentee):
    services.question_answer(question=question, by=mentee, answer="Kept", now=NOW)
    client.force_login(mentee)

    response = client.post(url, {"action": "reopen", "id": question.pk})

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN
    assert question.answer == "Kept"
    assert question.resolved_at is None


def test_unknown_action_is_a_message_not_a_500(client, url, question, mentee):
    client.force_login(mentee)

    response = client.post(url, {"action": "explode", "id": question.pk}, follow=True)

    assert response.status_code == 200
    assert b"That action isn" in response.content


# --- services ----------------------------------------------------------------------


def test_the_mentor_answers_in_a_session(question, mentor, session):
    services.question_answer(question=question, by=mentor, answer="Yes", session=session, now=NOW)

    question.refresh_from_db()
    assert question.answered_in == session
    assert question.status == QuestionStatus.ANSWERED


def test_another_mentee_cannot_answer(question, other_mentee):
    with pytest.raises(MentoringError):
        services.question_answer(question=question, by=other_mentee, answer="", now=NOW)


def test_a_session_of_another_mentee_is_refused(question, mentor, other_mentee):
    theirs = Mentorship.objects.get(mentee=other_mentee)
    other_session = f.SessionFactory(mentorship=theirs)

    with pytest.raises(MentoringError) as error:
        services.question_answer(
            question=question, by=mentor, answer="", session=other_session, now=NOW
        )

    assert error.value.code == "bad_session"


def test_answering_twice_is_refused(question, mentee, mentor):
    services.question_answer(question=question, by=mentee, answer="first", now=NOW)
    stale = Question.objects.get(pk=question.pk)
    stale.status = QuestionStatus.OPEN  # a second tab that still shows it open

    with pytest.raises(MentoringError) as error:
        services.question_answer(question=stale, by=mentor, answer="second", now=NOW)

    assert error.value.code == "stale"
    question.refresh_from_db()
    assert question.answer == "first"


def test_only_the_mentee_marks_solved_or_reopens(question, mentor, mentee):
    with pytest.raises(MentoringError):
        services.question_solved_myself(question=question, by=mentor, how="", now=NOW)
    services.question_solved_myself(question=question, by=mentee, how="", now=NOW)
    with pytest.raises(MentoringError):
        services.question_reopen(question=question, by=mentor, now=NOW)


def test_only_mentees_of_the_program_keep_a_list(program, mentor):
    with pytest.raises(MentoringError):
        services.question_add(program=program, mentee=mentor, text="?", tried="", topic="", link="")


def test_open_questions_leave_out_answered_and_solved(program, mentee, question):
    f.QuestionFactory(program=program, mentee=mentee, status=QuestionStatus.ANSWERED)
    f.QuestionFactory(program=program, mentee=mentee, status=QuestionStatus.SOLVED_MYSELF)

    assert list(services.open_questions_for(mentee, program)) == [question]


def test_question_page_query_count_does_not_grow(client, url, program, mentee, session):
    client.force_login(mentee)

    def grow(n):
        for _ in range(n):
            f.QuestionFactory(program=program, mentee=mentee)
            q = f.QuestionFactory(program=program, mentee=mentee)
            services.question_answer(question=q, by=mentee, answer="a", session=session, now=NOW)
            s = f.QuestionFactory(program=program, mentee=mentee)
            services.question_solved_myself(question=s, by=mentee, how="h", now=NOW)

    few, many = count_queries_before_and_after(client, url, grow=grow, first=1, more=4)

    assert few == many
