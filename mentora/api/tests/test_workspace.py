"""A session's workspace over the API: what each role reads (never the other
party's private notes, the mentor's feedback only if shared with them), the
agenda (the mentee, until the start), notes and action items (the two parties),
reflections and feedback (in the window), through the pages' services; another
mentee and an outsider get 404; a read-only token can't write; bad input is a
422 naming the field, a closed window a 409, and neither changes anything."""

from datetime import timedelta

import pytest

from mentora.api.models import TokenScope
from mentora.mentoring.models import (
    ActionItem,
    Agenda,
    AgendaLink,
    Feedback,
    Note,
    Question,
    Reflection,
)
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

MIA_PRIVATE = "Mia's private worry about the interview"
MO_PRIVATE = "Mo's private hunch about Mia"


def url(program, session, rest=""):
    return f"/api/v1/programs/{program.slug}/sessions/{session.pk}{rest}"


def send(client, method, path, header, body=None):
    call = getattr(client, method)
    return call(path, body or {}, content_type="application/json", **header)


@pytest.fixture
def upcoming(mentorship):
    """Tomorrow: the mentee may still prepare the agenda."""
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=1))


@pytest.fixture
def ended(mentorship):
    """Ended 15 minutes ago: notes, reflections and feedback are open."""
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=1))


@pytest.fixture
def old(mentorship):
    """A month ago: every window has closed."""
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(days=30))


@pytest.fixture
def written(ended, mentee, mentor):
    """Both parties wrote shared and private notes, reflected, and Mia gave
    feedback for her success manager only."""
    f.NoteFactory(session=ended, author=mentor, body="Shared: we fixed the booking test")
    f.NoteFactory(session=ended, author=mentor, body=MO_PRIVATE, shared=False)
    f.NoteFactory(session=ended, author=mentee, body=MIA_PRIVATE, shared=False)
    f.ReflectionFactory(session=ended, author=mentee, plan_now="Mia's plan")
    f.ReflectionFactory(session=ended, author=mentor, topics_covered="Mo's report: testing")
    f.FeedbackFactory(session=ended, rating=3, useful="Only for Sam", visibility="success_manager")
    f.ActionItemFactory(mentorship=ended.mentorship, session=ended, title="Write one test")
    return ended


def read(client, program, session, header):
    answer = client.get(url(program, session, "/workspace"), **header)
    assert answer.status_code == 200, answer.content
    return answer


# --- the read ------------------------------------------------------------------------


def test_the_mentee_reads_shared_notes_and_her_own_private_ones_never_mo_s(
    client, program, written, mentee, bearer
):
    answer = read(client, program, written, bearer(mentee))
    body = answer.json()
    assert body["viewer"] == "mentee"
    assert sorted(n["body"] for n in body["notes"]) == sorted(
        ["Shared: we fixed the booking test", MIA_PRIVATE]
    )
    assert MO_PRIVATE not in answer.content.decode()
    # Her own reflection only (the reflect page's rule), and her own feedback.
    assert [(r["role"], r["plan_now"]) for r in body["reflections"]] == [("mentee", "Mia's plan")]
    assert "Mo's report" not in answer.content.decode()
    assert body["feedback"]["useful"] == "Only for Sam"
    assert [i["title"] for i in body["action_items"]] == ["Write one test"]
    assert body["windows"]["notes_open"] and body["windows"]["reflection_open"]
    assert not body["windows"]["feedback_open"]  # given already


def test_the_mentor_reads_neither_mia_s_private_notes_nor_feedback_kept_for_sam(
    client, program, written, mentor, bearer
):
    answer = read(client, program, written, bearer(mentor))
    body = answer.json()
    text = answer.content.decode()
    assert body["viewer"] == "mentor"
    assert MIA_PRIVATE not in text
    assert MO_PRIVATE in text
    assert body["feedback"] is None
    assert "Only for Sam" not in text
    assert [r["role"] for r in body["reflections"]] == ["mentor"]
    assert "Mia's plan" not in text


def test_the_mentor_reads_feedback_shared_with_them(client, program, ended, mentor, bearer):
    f.FeedbackFactory(session=ended, rating=5, useful="Great pairing", visibility="mentor")
    body = read(client, program, ended, bearer(mentor)).json()
    assert (body["feedback"]["rating"], body["feedback"]["useful"]) == (5, "Great pairing")


def test_staff_read_shared_notes_both_reflections_and_the_feedback_only(
    client, program, written, success_manager, admin_user, bearer
):
    for person in (success_manager, admin_user):
        answer = read(client, program, written, bearer(person))
        body = answer.json()
        text = answer.content.decode()
        assert body["viewer"] == "staff"
        assert [n["body"] for n in body["notes"]] == ["Shared: we fixed the booking test"]
        assert MIA_PRIVATE not in text and MO_PRIVATE not in text
        assert sorted(r["role"] for r in body["reflections"]) == ["mentee", "mentor"]
        assert body["feedback"]["rating"] == 3
        assert not any(body["windows"][k] for k in ("notes_open", "reflection_open"))


def test_the_agenda_questions_and_links_show_to_both_parties(
    client, program, upcoming, mentee, mentor, bearer
):
    agenda = f.AgendaFactory(session=upcoming, goal="Land the interview")
    AgendaLink.objects.create(agenda=agenda, url="https://example.org/cv", title="CV")
    question = f.QuestionFactory(program=program, mentee=mentee, text="How to answer X?")
    agenda.agenda_questions.create(question=question)
    for person in (mentee, mentor):
        body = read(client, program, upcoming, bearer(person)).json()
        assert body["agenda"]["goal"] == "Land the interview"
        assert [link["url"] for link in body["agenda"]["links"]] == ["https://example.org/cv"]
        assert [q["text"] for q in body["questions"]] == ["How to answer X?"]
    assert read(client, program, upcoming, bearer(mentee)).json()["windows"]["agenda_editable"]
    assert not read(client, program, upcoming, bearer(mentor)).json()["windows"]["agenda_editable"]


# --- who may reach it at all ------------------------------------------------------

WRITES = [
    ("put", "/agenda", {"goal": "Mine now"}),
    ("post", "/agenda/questions", {"text": "A question"}),
    ("post", "/agenda/links", {"url": "https://example.org"}),
    ("post", "/notes", {"body": "A note"}),
    ("post", "/action-items", {"title": "A step", "owner": "mentee", "due_on": "2027-01-08"}),
    ("put", "/reflection", {"goal_met": "yes", "still_makes_sense": "yes"}),
    ("put", "/feedback", {"rating": 4}),
]


def _nothing_written(session):
    return not (
        Note.objects.filter(session=session).exists()
        or Agenda.objects.filter(session=session).exclude(goal="").exists()
        or AgendaLink.objects.exists()
        or Question.objects.exists()
        or ActionItem.objects.exists()
        or Reflection.objects.exists()
        or Feedback.objects.exists()
    )


@pytest.mark.parametrize("person", ["other_mentee", "outsider"])
def test_another_mentee_and_an_outsider_get_404_for_every_operation(
    client, request, program, ended, bearer, person
):
    header = bearer(request.getfixturevalue(person))
    assert client.get(url(program, ended, "/workspace"), **header).status_code == 404
    for method, rest, body in WRITES:
        answer = send(client, method, url(program, ended, rest), header, body)
        assert answer.status_code == 404, (rest, answer.content)
    assert _nothing_written(ended)


def test_staff_who_read_the_session_may_not_write_to_it(
    client, program, ended, success_manager, bearer
):
    header = bearer(success_manager)
    for method, rest, body in WRITES:
        answer = send(client, method, url(program, ended, rest), header, body)
        assert answer.status_code == 404, (rest, answer.content)
    assert _nothing_written(ended)


def test_a_read_only_token_reads_but_can_t_write(client, program, ended, mentee, bearer):
    header = bearer(mentee, scope=TokenScope.READ)
    assert client.get(url(program, ended, "/workspace"), **header).status_code == 200
    for method, rest, body in WRITES:
        answer = send(client, method, url(program, ended, rest), header, body)
        assert (answer.status_code, answer.json()["code"]) == (403, "read_only_token"), rest
    assert _nothing_written(ended)


def test_a_session_id_beyond_what_the_database_holds_is_404(client, program, mentee, bearer):
    path = f"/api/v1/programs/{program.slug}/sessions/99999999999999999999/workspace"
    assert client.get(path, **bearer(mentee)).status_code == 404


# --- the agenda --------------------------------------------------------------------


def test_the_mentee_sets_the_agenda_and_fields_left_out_stay(
    client, program, upcoming, mentee, bearer
):
    header = bearer(mentee)
    first = send(
        client,
        "put",
        url(program, upcoming, "/agenda"),
        header,
        {"goal": "Practise a system design answer", "setup_checked": True},
    )
    assert first.status_code == 200, first.content
    second = send(
        client, "put", url(program, upcoming, "/agenda"), header, {"working_on": "The cache"}
    )
    assert second.status_code == 200
    assert (second.json()["goal"], second.json()["setup_checked"]) == (
        "Practise a system design answer",
        True,
    )
    agenda = Agenda.objects.get(session=upcoming)
    assert (agenda.goal, agenda.working_on) == ("Practise a system design answer", "The cache")


def test_the_mentor_can_t_set_the_agenda_and_it_closes_at_the_start(
    client, program, upcoming, ended, mentee, mentor, bearer
):
    answer = send(client, "put", url(program, upcoming, "/agenda"), bearer(mentor), {"goal": "x"})
    assert (answer.status_code, answer.json()["code"]) == (409, "not_mentee")
    answer = send(client, "put", url(program, ended, "/agenda"), bearer(mentee), {"goal": "x"})
    assert (answer.status_code, answer.json()["code"]) == (409, "agenda_closed")
    assert not Agenda.objects.exclude(goal="").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"goal": "ok", "planned_work_done": "maybe"}, "planned_work_done"),
        ({"goal": "x" * 1001}, "goal"),
        ({"goal": "ok", "goal_template": "nope"}, "goal_template"),
        ({"goal": "ok", "mentorship_goal": 424242}, "mentorship_goal"),
    ],
)
def test_bad_agenda_input_is_422_naming_the_field_and_saves_nothing(
    client, program, upcoming, mentee, bearer, body, field
):
    f.AgendaFactory(session=upcoming, goal="Before")
    answer = send(client, "put", url(program, upcoming, "/agenda"), bearer(mentee), body)
    assert (answer.status_code, answer.json()["field"]) == (422, field), answer.content
    assert Agenda.objects.get(session=upcoming).goal == "Before"


def test_a_goal_of_another_mentorship_is_refused(
    client, program, upcoming, mentee, other_mentee, bearer
):
    elsewhere = f.MentorshipGoalFactory(mentorship=other_mentee.mentorships_as_mentee.get())
    body = {"goal": "ok", "mentorship_goal": elsewhere.pk}
    answer = send(client, "put", url(program, upcoming, "/agenda"), bearer(mentee), body)
    assert (answer.status_code, answer.json()["field"]) == (422, "mentorship_goal")


def test_the_mentee_adds_questions_and_links_until_the_start(
    client, program, upcoming, ended, mentee, mentor, bearer
):
    header = bearer(mentee)
    question = send(
        client,
        "post",
        url(program, upcoming, "/agenda/questions"),
        header,
        {"text": "How do I test a race?", "tried": "select_for_update"},
    )
    assert question.status_code == 201, question.content
    assert Question.objects.get().agenda_entries.get().agenda.session == upcoming
    link = send(
        client,
        "post",
        url(program, upcoming, "/agenda/links"),
        header,
        {"url": "https://example.org/pr/1", "title": "My PR"},
    )
    assert (link.status_code, link.json()["title"]) == (201, "My PR")
    for session, who, code in ((upcoming, mentor, "not_mentee"), (ended, mentee, "agenda_closed")):
        for rest, body in (
            ("/agenda/questions", {"text": "q"}),
            ("/agenda/links", {"url": "https://a.example"}),
        ):
            answer = send(client, "post", url(program, session, rest), bearer(who), body)
            assert (answer.status_code, answer.json()["code"]) == (409, code)
    assert (Question.objects.count(), AgendaLink.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("rest", "body", "field"),
    [
        ("/agenda/questions", {"text": ""}, "text"),
        ("/agenda/questions", {"text": "ok", "link": "ftp://example.org"}, "link"),
        ("/agenda/links", {"url": "ftp://example.org"}, "url"),
        ("/agenda/links", {"url": "not a url"}, "url"),
    ],
)
def test_bad_questions_and_links_are_422_naming_the_field(
    client, program, upcoming, mentee, bearer, rest, body, field
):
    answer = send(client, "post", url(program, upcoming, rest), bearer(mentee), body)
    assert (answer.status_code, answer.json()["field"]) == (422, field), answer.content
    assert not Question.objects.exists() and not AgendaLink.objects.exists()


# --- notes ---------------------------------------------------------------------------


def test_both_parties_write_notes_and_a_private_one_reaches_only_its_author(
    client, program, ended, mentee, mentor, success_manager, bearer
):
    mine = send(
        client,
        "post",
        url(program, ended, "/notes"),
        bearer(mentee),
        {"body": MIA_PRIVATE, "shared": False},
    )
    assert (mine.status_code, mine.json()["shared"]) == (201, False)
    theirs = send(client, "post", url(program, ended, "/notes"), bearer(mentor), {"body": "Hi"})
    assert (theirs.status_code, theirs.json()["shared"]) == (201, True)  # shared by default
    assert MIA_PRIVATE in read(client, program, ended, bearer(mentee)).content.decode()
    for person in (mentor, success_manager):
        assert MIA_PRIVATE not in read(client, program, ended, bearer(person)).content.decode()


def test_notes_close_a_week_after_the_session(client, program, old, mentee, bearer):
    answer = send(client, "post", url(program, old, "/notes"), bearer(mentee), {"body": "Late"})
    assert (answer.status_code, answer.json()["code"]) == (409, "notes_closed")
    assert not Note.objects.exists()


@pytest.mark.parametrize("body", [{"body": ""}, {"body": "   "}, {"body": "x" * 10_001}])
def test_a_bad_note_is_422_naming_the_body(client, program, ended, mentee, bearer, body):
    answer = send(client, "post", url(program, ended, "/notes"), bearer(mentee), body)
    assert (answer.status_code, answer.json()["field"]) == (422, "body"), answer.content
    assert not Note.objects.exists()


# --- action items --------------------------------------------------------------------


def test_either_party_captures_an_item_and_either_ticks_it_done(
    client, program, ended, mentee, mentor, bearer
):
    answer = send(
        client,
        "post",
        url(program, ended, "/action-items"),
        bearer(mentor),
        {"title": "Read the testing chapter", "owner": "mentee", "due_on": "2027-01-08"},
    )
    assert answer.status_code == 201, answer.content
    item = ActionItem.objects.get()
    assert (item.owner, item.created_by, item.session) == (mentee, mentor, ended)
    done = f"/api/v1/programs/{program.slug}/action-items/{item.pk}/done"
    for _twice in range(2):  # ticking what is ticked changes nothing
        answer = client.post(done, **bearer(mentee))
        assert answer.status_code == 200 and answer.json()["done_at"] is not None
    answer = client.delete(done, **bearer(mentor))
    assert (answer.status_code, answer.json()["done_at"]) == (200, None)


def test_someone_else_s_item_is_404(
    client, program, mentorship, other_mentee, outsider, success_manager, bearer
):
    item = f.ActionItemFactory(mentorship=mentorship)
    done = f"/api/v1/programs/{program.slug}/action-items/{item.pk}/done"
    for person in (other_mentee, outsider, success_manager):
        assert client.post(done, **bearer(person)).status_code == 404
    assert client.post(done, **bearer(other_mentee, scope=TokenScope.READ)).status_code == 403
    item.refresh_from_db()
    assert item.done_at is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": "sam"}, "owner"),
        ({"title": ""}, "title"),
        ({"due_on": "soon"}, "due_on"),
        ({"due_on": "2027-01-01"}, "due_on"),  # in the past: the service's rule
        ({"due_on": "2027-06-01"}, "due_on"),  # beyond 90 days
        ({"kind": "chore"}, "kind"),
    ],
)
def test_a_bad_item_is_422_naming_the_field(client, program, ended, mentee, bearer, change, field):
    body = {"title": "A step", "owner": "mentee", "due_on": "2027-01-08", **change}
    answer = send(client, "post", url(program, ended, "/action-items"), bearer(mentee), body)
    assert (answer.status_code, answer.json()["field"]) == (422, field), answer.content
    assert not ActionItem.objects.exists()


# --- reflections and feedback ------------------------------------------------------


def test_each_party_writes_their_own_reflection_and_changes_it_in_the_window(
    client, program, ended, mentee, mentor, bearer
):
    path = url(program, ended, "/reflection")
    first = send(
        client, "put", path, bearer(mentee), {"goal_met": "yes", "still_makes_sense": "yes"}
    )
    assert (first.status_code, first.json()["role"]) == (201, "mentee"), first.content
    again = send(
        client,
        "put",
        path,
        bearer(mentee),
        {"goal_met": "partly", "why_not": "Ran out of time", "still_makes_sense": "yes"},
    )
    assert (again.status_code, again.json()["goal_met"]) == (200, "partly")
    report = send(
        client,
        "put",
        path,
        bearer(mentor),
        {"goal_met": "yes", "still_makes_sense": "yes", "topics_covered": "Testing"},
    )
    assert (report.status_code, report.json()["topics_covered"]) == (201, "Testing")
    assert Reflection.objects.count() == 2


def test_only_the_mentor_reports_topics(client, program, ended, mentee, bearer):
    body = {"goal_met": "yes", "still_makes_sense": "yes", "topics_covered": "Mine"}
    answer = send(client, "put", url(program, ended, "/reflection"), bearer(mentee), body)
    assert (answer.status_code, answer.json()["field"]) == (409, "topics_covered")
    assert not Reflection.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"goal_met": "no", "still_makes_sense": "yes"}, "why_not"),
        ({"goal_met": "maybe", "still_makes_sense": "yes"}, "goal_met"),
        ({"goal_met": "yes", "still_makes_sense": ""}, "still_makes_sense"),
    ],
)
def test_a_bad_reflection_is_422_naming_the_field(
    client, program, ended, mentee, bearer, body, field
):
    answer = send(client, "put", url(program, ended, "/reflection"), bearer(mentee), body)
    assert (answer.status_code, answer.json()["field"]) == (422, field), answer.content
    assert not Reflection.objects.exists()


def test_reflections_open_at_the_end_and_close_after_the_window(
    client, program, upcoming, old, mentee, bearer
):
    body = {"goal_met": "yes", "still_makes_sense": "yes"}
    for session in (upcoming, old):
        answer = send(client, "put", url(program, session, "/reflection"), bearer(mentee), body)
        assert (answer.status_code, answer.json()["code"]) == (409, "reflection_closed")
    assert not Reflection.objects.exists()


def test_the_mentee_gives_feedback_once_and_the_mentor_can_t(
    client, program, ended, mentee, mentor, bearer
):
    path = url(program, ended, "/feedback")
    answer = send(client, "put", path, bearer(mentor), {"rating": 5})
    assert answer.status_code == 403
    assert not Feedback.objects.exists()
    body = {"rating": 4, "useful": "The pairing", "visibility": "success_manager"}
    given = send(client, "put", path, bearer(mentee), body)
    assert (given.status_code, given.json()["visibility"]) == (201, "success_manager")
    again = send(client, "put", path, bearer(mentee), {"rating": 1})
    assert (again.status_code, again.json()["code"]) == (409, "already_given")
    assert Feedback.objects.get().rating == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [({"rating": 7}, "rating"), ({"rating": 3, "visibility": "everyone"}, "visibility")],
)
def test_bad_feedback_is_422_naming_the_field(client, program, ended, mentee, bearer, body, field):
    answer = send(client, "put", url(program, ended, "/feedback"), bearer(mentee), body)
    assert (answer.status_code, answer.json()["field"]) == (422, field), answer.content
    assert not Feedback.objects.exists()


def test_feedback_closes_with_the_window(client, program, old, mentee, bearer):
    answer = send(client, "put", url(program, old, "/feedback"), bearer(mentee), {"rating": 4})
    assert (answer.status_code, answer.json()["code"]) == (409, "feedback_closed")
    assert not Feedback.objects.exists()
