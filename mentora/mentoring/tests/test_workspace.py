"""The session workspace: notes, questions, action items, and who sees what."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from mentora.mentoring.errors import MentoringError
from mentora.mentoring.models import ActionItem, AgendaQuestion, Note, QuestionStatus
from mentora.mentoring.workspace import services
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def session(mentorship):
    """Just ended: notes and reflections are open."""
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW - timedelta(hours=1))


def ws_url(program, session):
    return reverse("session_workspace", args=[program.slug, session.pk])


def post(client, program, session, **data):
    return client.post(ws_url(program, session), data)


# --- who may open the pages ------------------------------------------------------


@pytest.mark.parametrize("page", ["session_workspace", "session_reflect"])
@pytest.mark.parametrize("person", ["outsider", "other_mentee"])
def test_session_pages_are_404_outside_the_mentorship(
    client, request, program, session, page, person
):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse(page, args=[program.slug, session.pk])).status_code == 404
    assert (
        client.post(
            reverse(page, args=[program.slug, session.pk]), {"action": "note_add", "body": "x"}
        ).status_code
        == 404
    )
    assert not Note.objects.exists()


@pytest.mark.parametrize("page", ["action_items", "my_feedback"])
def test_program_pages_are_404_for_an_outsider(client, program, outsider, page):
    client.force_login(outsider)

    assert client.get(reverse(page, args=[program.slug])).status_code == 404


def test_other_mentee_sees_only_their_own_action_items(client, program, mentorship, other_mentee):
    f.ActionItemFactory(mentorship=mentorship, title="Mia's private homework")
    client.force_login(other_mentee)

    response = client.get(reverse("action_items", args=[program.slug]))

    assert response.status_code == 200
    assert "Mia&#x27;s private homework" not in response.content.decode()


def test_other_mentee_cannot_toggle_someone_elses_item(client, program, mentorship, other_mentee):
    item = f.ActionItemFactory(mentorship=mentorship)
    client.force_login(other_mentee)

    response = client.post(
        reverse("action_items", args=[program.slug]), {"action": "item_toggle", "item_id": item.pk}
    )

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


# --- notes ----------------------------------------------------------------------


def test_private_note_is_visible_to_its_author_only(
    client, program, session, mentee, mentor, success_manager, admin_user
):
    f.NoteFactory(session=session, author=mentee, body="SECRET-PLAN-42", shared=False)
    f.NoteFactory(session=session, author=mentee, body="SHARED-THOUGHT", shared=True)

    client.force_login(mentee)
    assert "SECRET-PLAN-42" in client.get(ws_url(program, session)).content.decode()
    for person in (mentor, success_manager, admin_user):
        client.force_login(person)
        html = client.get(ws_url(program, session)).content.decode()
        assert "SHARED-THOUGHT" in html
        assert "SECRET-PLAN-42" not in html


def test_note_add_saves_a_shared_note_and_redirects(client, program, session, mentor):
    client.force_login(mentor)

    response = post(
        client, program, session, action="note_add", body="We covered **tests**", shared="on"
    )

    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.author, note.shared) == (mentor, True)
    assert "<strong>tests</strong>" in client.get(ws_url(program, session)).content.decode()


def test_note_add_unticked_share_makes_it_private(client, program, session, mentee):
    client.force_login(mentee)

    post(client, program, session, action="note_add", body="just for me")

    assert Note.objects.get().shared is False


def test_note_with_script_is_neutralised_on_the_page(client, program, session, mentee, mentor):
    f.NoteFactory(
        session=session, author=mentee, body="<script>steal()</script>[x](javascript:steal())"
    )
    client.force_login(mentor)

    html = client.get(ws_url(program, session)).content.decode()

    assert "<script>steal" not in html
    assert "javascript:steal" not in html


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write something in the note first."), ("x" * 10_001, "under 10,000 characters")],
)
def test_note_add_refuses_bad_body_with_a_field_message(
    client, program, session, mentee, body, message
):
    client.force_login(mentee)

    response = post(client, program, session, action="note_add", body=body, shared="on")

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Note.objects.exists()


def test_note_add_refused_seven_days_after_the_end(session, mentee):
    late = session.ends_at + timedelta(days=7, minutes=1)

    with pytest.raises(MentoringError, match="closed"):
        services.note_add(session=session, by=mentee, body="late", shared=True, now=late)


def test_note_add_allowed_on_the_seventh_day(session, mentee):
    services.note_add(
        session=session, by=mentee, body="ok", shared=True, now=session.ends_at + timedelta(days=7)
    )

    assert Note.objects.count() == 1


def test_staff_read_only_cannot_post(client, program, session, success_manager):
    client.force_login(success_manager)

    response = post(client, program, session, action="note_add", body="hello", shared="on")

    assert response.status_code == 404
    assert not Note.objects.exists()


def test_note_edit_and_delete_by_its_author(client, program, session, mentee):
    note = f.NoteFactory(session=session, author=mentee, body="first")
    client.force_login(mentee)

    post(
        client,
        program,
        session,
        action="note_edit",
        note_id=note.pk,
        **{f"note{note.pk}-body": "second"},
    )
    note.refresh_from_db()
    assert (note.body, note.shared) == ("second", False)

    post(client, program, session, action="note_delete", note_id=note.pk, confirm="yes")
    assert not Note.objects.exists()


def test_deleting_a_note_asks_first(client, program, session, mentee):
    note = f.NoteFactory(session=session, author=mentee, body="Keep **this** safe")
    client.force_login(mentee)

    asked = post(client, program, session, action="note_delete", note_id=note.pk)

    content = asked.content.decode()
    assert asked.status_code == 200
    assert "Delete this note?" in content
    assert "<strong>this</strong>" in content  # the note itself, to be sure which one
    assert 'name="confirm" value="yes"' in content
    assert ws_url(program, session) in content  # "Keep it" goes back
    assert Note.objects.filter(pk=note.pk).exists()

    not_yes = post(client, program, session, action="note_delete", note_id=note.pk, confirm="no")
    assert not_yes.status_code == 200 and Note.objects.filter(pk=note.pk).exists()

    done = post(client, program, session, action="note_delete", note_id=note.pk, confirm="yes")
    assert done.status_code == 302
    assert not Note.objects.filter(pk=note.pk).exists()


def test_note_of_the_other_party_cannot_be_edited_or_deleted(
    client, program, session, mentee, mentor
):
    note = f.NoteFactory(session=session, author=mentor, body="mentor's")
    client.force_login(mentee)

    assert post(client, program, session, action="note_delete", note_id=note.pk).status_code == 404
    confirmed = post(client, program, session, action="note_delete", note_id=note.pk, confirm="yes")
    assert confirmed.status_code == 404
    assert (
        post(
            client,
            program,
            session,
            action="note_edit",
            note_id=note.pk,
            **{f"note{note.pk}-body": "x"},
        ).status_code
        == 404
    )
    note.refresh_from_db()
    assert note.body == "mentor's"


# --- questions -------------------------------------------------------------------


def test_brought_question_ticked_answered_with_the_answer(client, program, session, mentee, mentor):
    agenda = f.AgendaFactory(session=session, goal="Understand Django signals")
    question = f.QuestionFactory(program=program, mentee=mentee, text="When to use signals?")
    AgendaQuestion.objects.create(agenda=agenda, question=question)
    client.force_login(mentor)

    html = client.get(ws_url(program, session)).content.decode()
    assert "Understand Django signals" in html and "When to use signals?" in html
    post(
        client,
        program,
        session,
        action="question_answered",
        question_id=question.pk,
        answer="Rarely.",
    )

    question.refresh_from_db()
    assert (question.status, question.answer, question.answered_in) == (
        QuestionStatus.ANSWERED,
        "Rarely.",
        session,
    )


def test_question_not_on_the_agenda_is_404(client, program, session, mentee):
    question = f.QuestionFactory(program=program, mentee=mentee)
    client.force_login(mentee)

    response = post(client, program, session, action="question_answered", question_id=question.pk)

    assert response.status_code == 404


# --- action items ----------------------------------------------------------------


def item_data(**overrides):
    data = {
        "action": "item_add",
        "title": "Write one test",
        "owner": "mentee",
        "due_on": "2027-01-06",
        "kind": "practice",
    }
    return {**data, **overrides}


def test_action_item_captured_for_the_mentee(client, program, session, mentee, mentor):
    client.force_login(mentor)

    response = post(client, program, session, **item_data())

    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.owner, item.session, item.created_by, item.due_on) == (
        mentee,
        session,
        mentor,
        date(2027, 1, 6),
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_on": "2027-01-01"}, "The due date is in the past"),
        ({"due_on": "2027-06-01"}, "within 90 days"),
        ({"due_on": "soon"}, "Enter a date"),
        ({"title": ""}, "Give the item a short title."),
        ({"owner": "outsider"}, "Select a valid choice"),
    ],
)
def test_action_item_bad_input_is_refused_next_to_the_field(
    client, program, session, mentee, overrides, message
):
    client.force_login(mentee)

    response = post(client, program, session, **item_data(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionItem.objects.exists()


def test_action_item_owner_must_be_a_party(session, mentorship, mentee, outsider):
    with pytest.raises(MentoringError) as error:
        services.action_item_add(
            mentorship=mentorship,
            session=session,
            by=mentee,
            title="x",
            owner=outsider,
            due_on=date(2027, 1, 6),
            kind="task",
            now=NOW,
        )

    assert error.value.field == "owner"


def test_action_item_done_toggled_by_the_other_party(client, program, session, mentorship, mentor):
    item = f.ActionItemFactory(mentorship=mentorship, session=session)
    client.force_login(mentor)

    post(client, program, session, action="item_toggle", item_id=item.pk)
    item.refresh_from_db()
    assert item.done_at == NOW

    post(client, program, session, action="item_toggle", item_id=item.pk)
    item.refresh_from_db()
    assert item.done_at is None


def test_action_items_page_marks_overdue_in_the_viewers_zone(client, program, mentorship, mentee):
    f.ActionItemFactory(mentorship=mentorship, title="Late one", due_on=date(2027, 1, 3))
    f.ActionItemFactory(mentorship=mentorship, title="Fine one", due_on=date(2027, 1, 5))
    client.force_login(mentee)

    html = client.get(reverse("action_items", args=[program.slug])).content.decode()

    assert html.count("Overdue") == 1
    assert html.index("Late one") < html.index("Overdue") < html.index("Fine one")
    assert "Europe/Berlin" in html


# --- query counts ------------------------------------------------------------------


def test_workspace_query_count_does_not_grow_with_notes_and_items(
    client, program, session, mentorship, mentee, mentor
):
    agenda = f.AgendaFactory(session=session, goal="Goal")

    def grow(n):
        for _ in range(n):
            f.NoteFactory(session=session, author=mentee)
            f.NoteFactory(session=session, author=mentor, shared=False)
            f.ActionItemFactory(mentorship=mentorship, session=session)
            q = f.QuestionFactory(program=program, mentee=mentee)
            AgendaQuestion.objects.create(agenda=agenda, question=q)

    client.force_login(mentee)
    few, many = count_queries_before_and_after(
        client, ws_url(program, session), grow=grow, first=1, more=4
    )

    assert few == many


def test_action_items_query_count_does_not_grow(client, program, session, mentorship, mentee):
    def grow(n):
        for _ in range(n):
            f.ActionItemFactory(mentorship=mentorship, session=session)

    client.force_login(mentee)
    few, many = count_queries_before_and_after(
        client, reverse("action_items", args=[program.slug]), grow=grow, first=1, more=4
    )

    assert few == many
