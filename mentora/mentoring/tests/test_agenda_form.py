"""The agenda is one form: every button saves everything typed, then does its
own thing; a refusal anywhere saves nothing and shows everything typed again;
a goal template never silently replaces a typed goal."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentora.mentoring.agenda import services
from mentora.mentoring.models import Agenda, AgendaFile, AgendaLink, AgendaQuestion, Question
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
INTERVIEWS = "How can I get better at interviews?"
TYPED = {"goal": "Practise the system design question", "working_on": "The booking project"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def session(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))


def agenda_url(program, session):
    return reverse("agenda", args=[program.slug, session.pk])


def page_fields(**typed):
    """What the page sends: every field of the one form, typed or empty."""
    fields = {
        "goal": "",
        "goal_template": "",
        "mentorship_goal": "",
        "working_on": "",
        "next_days": "",
        "url": "",
        "title": "",
        "text": "",
        "tried": "",
        "topic": "",
        "link": "",
    }
    fields.update(typed)
    return fields


def press(client, program, session, action, **typed):
    return client.post(agenda_url(program, session), {**page_fields(**typed), "action": action})


def assert_text_saved(session):
    agenda = Agenda.objects.get(session=session)
    assert (agenda.goal, agenda.working_on) == (TYPED["goal"], TYPED["working_on"])


def test_the_page_is_one_form_and_enter_saves(client, program, session, mentee):
    client.force_login(mentee)

    content = client.get(agenda_url(program, session)).content.decode()

    assert content.count('<form method="post"') - content.count('action="/accounts/logout/"') <= 1
    form = content[content.index('id="agenda-form"') :]
    # The first submit button (the one Enter presses) saves everything.
    assert form.index('value="save"') < form.index('value="template:')
    assert "mentoring/agenda_goal.js" in content and "<script>" not in content


def test_add_link_keeps_the_typed_goal_and_working_on(client, program, session, mentee):
    client.force_login(mentee)

    response = press(client, program, session, "link_add", url="https://github.com/mia/p", **TYPED)

    assert response.status_code == 302 and response.url.endswith("#shared")
    assert_text_saved(session)
    assert AgendaLink.objects.get().url == "https://github.com/mia/p"


def test_add_question_keeps_the_typed_text(client, program, session, mentee):
    client.force_login(mentee)

    response = press(client, program, session, "question_new", text="Why is CI red?", **TYPED)

    assert response.status_code == 302
    assert_text_saved(session)
    assert AgendaQuestion.objects.get().question.text == "Why is CI red?"


def test_upload_keeps_the_typed_text(client, program, session, mentee, media):
    client.force_login(mentee)
    data = {**page_fields(**TYPED), "action": "file_add"}
    data["upload"] = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")

    response = client.post(agenda_url(program, session), data)

    assert response.status_code == 302
    assert_text_saved(session)
    assert AgendaFile.objects.get().original_name == "cv.pdf"


def test_bringing_and_removing_keep_the_typed_text(client, program, session, mentee):
    question = f.QuestionFactory(program=program, mentee=mentee)
    link = services.agenda_link_add(
        session=session, by=mentee, url="https://example.org/a", title="", now=NOW
    )
    client.force_login(mentee)

    brought = press(client, program, session, f"bring:{question.pk}", **TYPED)
    assert_text_saved(session)
    removed = press(
        client, program, session, f"link_remove:{link.pk}", goal="Changed", working_on=""
    )

    assert brought.status_code == removed.status_code == 302
    assert AgendaQuestion.objects.filter(question=question).exists()
    assert not AgendaLink.objects.exists()
    assert Agenda.objects.get(session=session).goal == "Changed"


def test_save_also_adds_a_typed_link_and_question(client, program, session, mentee):
    """Enter in the link box presses Save: what was typed there is not lost."""
    client.force_login(mentee)

    response = press(
        client, program, session, "save", url="https://example.org/x", text="A question", **TYPED
    )

    assert response.status_code == 302
    assert_text_saved(session)
    assert AgendaLink.objects.get().url == "https://example.org/x"
    assert Question.objects.get().text == "A question"


def test_a_bad_link_saves_nothing_and_shows_everything_typed_again(
    client, program, session, mentee
):
    client.force_login(mentee)

    response = press(
        client, program, session, "link_add", url="javascript:alert(1)", text="Kept?", **TYPED
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "http:// or https://" in content
    assert f"\n{TYPED['goal']}</textarea>" in content
    assert f"\n{TYPED['working_on']}</textarea>" in content
    assert "\nKept?</textarea>" in content
    assert "Nothing was saved" in content
    assert not Agenda.objects.exists() and not Question.objects.exists()


def test_an_empty_add_link_asks_for_the_address_and_keeps_the_text(
    client, program, session, mentee
):
    client.force_login(mentee)

    response = press(client, program, session, "link_add", **TYPED)

    assert response.status_code == 400
    assert "Paste the address." in response.content.decode()
    assert f"\n{TYPED['goal']}</textarea>" in response.content.decode()
    assert not Agenda.objects.exists()


def test_a_refused_post_asks_to_choose_the_file_again(client, program, session, mentee, media):
    client.force_login(mentee)
    data = {**page_fields(goal="x" * 1001), "action": "save"}
    data["upload"] = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")

    response = client.post(agenda_url(program, session), data)

    assert response.status_code == 400
    assert "Choose the file again" in response.content.decode()
    assert not AgendaFile.objects.exists()
    assert not list(media.rglob("*.pdf"))


def test_a_refusal_after_the_text_is_valid_rolls_the_text_back(client, program, session, mentee):
    """The service says no (an eleventh link): the typed text is not half-saved."""
    for i in range(10):
        services.agenda_link_add(
            session=session, by=mentee, url=f"https://example.org/{i}", title="", now=NOW
        )
    client.force_login(mentee)

    response = press(client, program, session, "link_add", url="https://example.org/11", **TYPED)

    assert response.status_code == 400
    assert "at most 10 links" in response.content.decode()
    assert Agenda.objects.get(session=session).goal == ""
    assert f"\n{TYPED['goal']}</textarea>" in response.content.decode()


def test_a_post_without_the_goal_box_changes_only_what_its_button_names(
    client, program, session, mentee
):
    services.agenda_update(
        session=session,
        by=mentee,
        goal="Mine",
        goal_template="",
        mentorship_goal=None,
        working_on="Stuff",
        next_days="",
        planned_work_done="",
        previous_notes_reviewed=True,
        setup_checked=False,
        now=NOW,
    )
    client.force_login(mentee)

    client.post(agenda_url(program, session), {"action": "link_add", "url": "https://a.example"})

    agenda = Agenda.objects.get(session=session)
    assert (agenda.goal, agenda.working_on, agenda.previous_notes_reviewed) == (
        "Mine",
        "Stuff",
        True,
    )
    assert agenda.links.count() == 1


def test_an_unknown_button_changes_nothing(client, program, session, mentee):
    client.force_login(mentee)

    response = press(client, program, session, "explode", **TYPED)

    assert response.status_code == 302
    assert not Agenda.objects.exists()


def test_save_then_check_my_setup(client, program, session, mentee):
    client.force_login(mentee)

    response = press(client, program, session, "go_setup", **TYPED)

    assert response.url == reverse("setup_check", args=[program.slug, session.pk])
    assert_text_saved(session)


# --- goal templates ----------------------------------------------------------------


def test_a_template_fills_an_empty_goal(client, program, session, mentee):
    client.force_login(mentee)

    response = press(client, program, session, "template:interviews", working_on="Kept")

    assert response.status_code == 302
    agenda = Agenda.objects.get(session=session)
    assert (agenda.goal, agenda.goal_template, agenda.working_on) == (
        INTERVIEWS,
        "interviews",
        "Kept",
    )


def test_a_template_never_replaces_a_typed_goal_without_asking(client, program, session, mentee):
    client.force_login(mentee)

    response = press(client, program, session, "template:interviews", **TYPED)

    assert response.status_code == 302
    assert "offer=interviews" in response.url
    assert_text_saved(session)  # the typed goal is kept, not replaced
    offered = client.get(response.url).content.decode()
    assert INTERVIEWS in offered
    assert f"\n{TYPED['goal']}</textarea>" in offered
    for button in ("Replace my goal with this", "Add it below my goal", "Keep mine"):
        assert button in offered


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("template_replace:interviews", INTERVIEWS),
        ("template_append:interviews", f"{TYPED['goal']}\n{INTERVIEWS}"),
        ("save", TYPED["goal"]),  # "Keep mine"
    ],
)
def test_replace_append_or_keep_the_typed_goal(client, program, session, mentee, action, expected):
    client.force_login(mentee)

    press(client, program, session, action, **TYPED)

    assert Agenda.objects.get(session=session).goal == expected


def test_an_unknown_template_saves_nothing(client, program, session, mentee):
    client.force_login(mentee)

    response = press(client, program, session, "template:nonsense", **TYPED)

    assert response.status_code == 400
    assert "Pick one of the suggested goals." in response.content.decode()
    assert not Agenda.objects.exists()


def test_an_unknown_offer_is_ignored(client, program, session, mentee):
    client.force_login(mentee)

    response = client.get(agenda_url(program, session) + "?offer=nonsense")

    assert response.status_code == 200
    assert "Replace my goal with this" not in response.content.decode()


# --- the checklist items sit next to what they check -----------------------------------


def test_the_review_and_setup_ticks_sit_with_what_they_check(client, program, session, mentee):
    client.force_login(mentee)

    content = client.get(agenda_url(program, session)).content.decode()

    previous = content[content.index('id="previous"') :]
    assert previous.index('name="previous_notes_reviewed"') < previous.index("</section>")
    setup = content[content.index('id="setup"') :]
    assert setup.index('name="setup_checked"') < setup.index("</section>")
    assert setup.index('value="go_setup"') < setup.index("</section>")
