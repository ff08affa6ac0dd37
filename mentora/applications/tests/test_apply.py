"""Applying without an account: the public pages, the draft, the emailed link
(confirm, status, edit while a draft, withdraw) and the abuse protections."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentora.applications import limits
from mentora.applications.models import (
    MAX_APPLICATION_CHARS,
    Answer,
    Application,
    ApplicationStatus,
    QuestionKind,
    StatusChange,
)
from mentora.applications.tests.factories import (
    QuestionFactory,
    RoundFactory,
    application_with_token,
)
from mentora.programs.models import Role
from mentora.tests.tasks import account_emails_send

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def round_(program):
    return RoundFactory(program=program, role=Role.MENTEE, intro="Spring round: learn Django.")


@pytest.fixture
def questions(round_):
    return {
        "why": QuestionFactory(round=round_, kind=QuestionKind.LONG_TEXT, label="Why apply?"),
        "track": QuestionFactory(
            round=round_,
            kind=QuestionKind.ONE_CHOICE,
            label="Track",
            choices=["Backend", "Frontend"],
        ),
        "tools": QuestionFactory(
            round=round_,
            kind=QuestionKind.MANY_CHOICES,
            label="Tools",
            choices=["Git", "Docker", "SQL"],
            required=False,
        ),
        "laptop": QuestionFactory(round=round_, kind=QuestionKind.YES_NO, label="Own a laptop?"),
        "repo": QuestionFactory(
            round=round_, kind=QuestionKind.LINK, label="Your code", required=False
        ),
        "story": QuestionFactory(
            round=round_,
            kind=QuestionKind.SHORT_TEXT,
            label="Anything we should know?",
            required=False,
            sensitive=True,
        ),
    }


def form_data(questions, **overrides):
    data = {
        "name": "Ava Applicant",
        "email": "Ava@Example.org",
        "time_zone": "Europe/Lisbon",
        f"q_{questions['why'].pk}": "I want to build things.",
        f"q_{questions['track'].pk}": "Backend",
        f"q_{questions['tools'].pk}": ["Git", "SQL"],
        f"q_{questions['laptop'].pk}": "yes",
        f"q_{questions['repo'].pk}": "https://github.com/ava/todo",
        f"q_{questions['story'].pk}": "I care for my father in the evenings.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def apply_url(round_):
    return reverse("apply_form", args=[round_.program.slug, round_.pk])


def send(client, round_, data, capture):
    with capture(execute=True):
        response = client.post(apply_url(round_), data)
    account_emails_send()
    return response


def link_in(message) -> str:
    found = re.search(r"https?://\S+/apply/\S+/a/[A-Za-z0-9_-]+/", message.body)
    assert found, message.body
    return urlsplit(found.group(0)).path


# --- The public pages -------------------------------------------------------------


def test_the_program_page_shows_each_open_round_with_its_link(client, program, round_):
    RoundFactory(program=program, role=Role.MENTOR, intro="Mentor with us.")
    RoundFactory(
        program=program, role=Role.MENTOR, intro="Old round.", closed_by_hand_at=timezone.now()
    )
    program.description = "Twelve weeks of mentoring for career changers."
    program.save()

    page = client.get(reverse("apply_program", args=[program.slug]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Bootcamp Mentoring" in text and "Twelve weeks of mentoring" in text
    assert "Spring round: learn Django." in text and "Mentor with us." in text
    assert "Old round." not in text
    assert "Apply as a mentee" in text and "Apply as a mentor" in text
    assert apply_url(round_) in text


def test_a_program_without_rounds_has_no_public_page(client, program):
    assert client.get(reverse("apply_program", args=[program.slug])).status_code == 404
    assert client.get(reverse("apply_program", args=["no-such"])).status_code == 404


def test_the_form_asks_the_round_s_questions(client, round_, questions):
    page = client.get(apply_url(round_)).content.decode()

    for question in questions.values():
        assert question.label in page
    assert 'name="website"' in page  # the honeypot
    assert "Only the people who review applications read this answer." in page


# --- Apply, confirm, see the status ---------------------------------------------------


def test_apply_confirm_and_the_application_reaches_the_queue(
    client, round_, questions, admin_user, django_capture_on_commit_callbacks
):
    response = send(client, round_, form_data(questions), django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("apply_sent", args=["bootcamp", round_.pk])
    application = Application.objects.get()
    assert application.status == S.DRAFT
    assert application.email == "ava@example.org"
    assert application.email_confirmed_at is None
    values = {a.question.label: a.value for a in Answer.objects.all()}
    assert values["Tools"] == ["Git", "SQL"] and values["Own a laptop?"] is True
    # The email carries the link; nobody on the staff side sees the draft.
    assert [m.to for m in mail.outbox] == [["ava@example.org"]]
    assert "Confirm your application to Bootcamp Mentoring" in mail.outbox[0].subject
    link = link_in(mail.outbox[0])
    staff = client.__class__()
    staff.force_login(admin_user)
    queue = staff.get(reverse("application_queue", args=["bootcamp"])).content.decode()
    assert "Ava Applicant" not in queue
    detail = reverse("application_detail", args=["bootcamp", application.pk])
    assert staff.get(detail).status_code == 404

    opened = client.get(link)
    assert opened.status_code == 200
    assert "Confirm my email and submit" in opened.content.decode()
    confirmed = client.post(link, {"action": "confirm"})

    assert confirmed.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.email_confirmed_at and application.submitted_at
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.by) == (S.DRAFT, S.SUBMITTED, None)
    assert "Submitted" in client.get(link).content.decode()
    assert "Ava Applicant" in staff.get(reverse("application_queue", args=["bootcamp"])).text
    assert staff.get(detail).status_code == 200


def test_a_draft_can_be_edited_through_its_link_and_not_once_submitted(client, round_, questions):
    application, token = application_with_token(
        round=round_, status=S.DRAFT, email_confirmed_at=None, submitted_at=None
    )
    edit = reverse("application_edit", args=["bootcamp", token])

    page = client.get(edit)
    saved = client.post(edit, form_data(questions, name="Ava Renamed", email=None))

    assert page.status_code == 200
    assert saved.status_code == 302
    application.refresh_from_db()
    assert application.name == "Ava Renamed" and application.status == S.DRAFT
    assert Answer.objects.filter(application=application).count() == 6

    client.post(reverse("application_link", args=["bootcamp", token]), {"action": "confirm"})
    refused = client.post(edit, form_data(questions, name="Too Late", email=None))
    application.refresh_from_db()
    assert refused.status_code == 302 and application.name == "Ava Renamed"


def test_withdraw_through_the_link_is_recorded(client, round_):
    application, token = application_with_token(round=round_, status=S.IN_REVIEW)
    link = reverse("application_link", args=["bootcamp", token])

    response = client.post(link, {"action": "withdraw"})

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == S.WITHDRAWN
    change = StatusChange.objects.get(application=application)
    assert (change.from_status, change.to_status, change.by) == (S.IN_REVIEW, S.WITHDRAWN, None)
    assert "Withdraw my application" not in client.get(link).content.decode()
    # Withdrawn, the round is free for the same email again.
    assert client.post(link, {"action": "withdraw"}).status_code == 302
    assert StatusChange.objects.filter(application=application).count() == 1


def test_a_link_opens_only_its_own_application(client, round_, program):
    _mine, token = application_with_token(round=round_, name="Mine Applicant")
    theirs, _their_token = application_with_token(round=round_, name="Their Applicant")
    elsewhere = RoundFactory()  # another program

    assert (
        "Mine Applicant" in client.get(reverse("application_link", args=["bootcamp", token])).text
    )
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("application_link", args=["bootcamp", tampered])).status_code == 404
    assert (
        client.post(
            reverse("application_link", args=["bootcamp", tampered]), {"action": "withdraw"}
        ).status_code
        == 404
    )
    # The right token at another program's address is no link either.
    wrong_program = reverse("application_link", args=[elsewhere.program.slug, token])
    assert client.get(wrong_program).status_code == 404
    assert client.get(f"/apply/bootcamp/a/{token}x!/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.SUBMITTED


def test_applying_again_with_the_same_email_replaces_the_draft_and_its_link(
    client, round_, questions, django_capture_on_commit_callbacks
):
    send(client, round_, form_data(questions), django_capture_on_commit_callbacks)
    first = link_in(mail.outbox[0])
    send(client, round_, form_data(questions, name="Ava Again"), django_capture_on_commit_callbacks)

    assert Application.objects.count() == 1
    assert Application.objects.get().name == "Ava Again"
    assert client.get(first).status_code == 404
    assert client.get(link_in(mail.outbox[1])).status_code == 200


def test_applying_again_after_submitting_keeps_the_answers_and_sends_a_new_link(
    client, round_, questions, django_capture_on_commit_callbacks
):
    application, _token = application_with_token(round=round_, email="ava@example.org")

    response = send(
        client,
        round_,
        form_data(questions, name="Someone Else"),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 302  # the same page: nobody learns who applied
    application.refresh_from_db()
    assert application.name != "Someone Else" and application.status == S.SUBMITTED
    assert "You have applied already" in mail.outbox[0].body
    assert client.get(link_in(mail.outbox[0])).status_code == 200


# --- Refusals: nothing stored, a clear message ---------------------------------------


@pytest.mark.parametrize(
    ("which", "value", "message"),
    [
        ("why", "", "This question needs an answer."),
        ("why", "x" * 5001, "At most 5000 characters (this is 5001)."),
        ("track", "Design", "Choose one of the choices."),
        ("tools", ["Git", "Cobol"], "Choose among the choices."),
        ("repo", "javascript:alert(1)", "Enter a web address starting with https:// or http://."),
        ("repo", "not a link", "Enter a web address starting with https:// or http://."),
        ("laptop", "maybe", "Choose one of the choices."),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(
    client, round_, questions, which, value, message, django_capture_on_commit_callbacks
):
    data = form_data(questions, **{f"q_{questions[which].pk}": value})

    response = send(client, round_, data, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists() and not Answer.objects.exists()
    assert mail.outbox == []


def test_missing_name_email_or_a_bad_time_zone_is_refused(client, round_, questions):
    data = form_data(questions, name="", email="not-an-email", time_zone="Mars/Olympus")

    response = client.post(apply_url(round_), data)

    assert response.status_code == 400
    text = response.content.decode()
    assert "is not a time zone we know" in text and "valid email" in text
    assert not Application.objects.exists()


def test_the_whole_application_has_a_size_limit(client, round_, questions):
    extra = [
        QuestionFactory(round=round_, kind=QuestionKind.LONG_TEXT, label=f"Essay {n}")
        for n in range(4)
    ]
    data = form_data(questions, **{f"q_{q.pk}": "y" * 5000 for q in extra})

    response = client.post(apply_url(round_), data)

    assert response.status_code == 400
    assert f"an application holds at most {MAX_APPLICATION_CHARS}" in response.content.decode()
    assert not Application.objects.exists()


def test_the_honeypot_is_thanked_and_nothing_is_kept_or_sent(
    client, round_, questions, django_capture_on_commit_callbacks
):
    data = form_data(questions, website="https://spam.example")

    response = send(client, round_, data, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("apply_sent", args=["bootcamp", round_.pk])
    assert not Application.objects.exists() and mail.outbox == []


def test_a_closed_round_refuses(client, program, questions, round_):
    round_.closed_by_hand_at = timezone.now()
    round_.save()
    later = RoundFactory(program=program, opens_at=timezone.now() + timedelta(days=3))

    shown = client.get(apply_url(round_))
    posted = client.post(apply_url(round_), form_data(questions))

    assert "taking applications" in shown.content.decode() and shown.status_code == 200
    assert posted.status_code == 409
    assert client.post(apply_url(later), {"name": "Early Bird"}).status_code == 409
    assert not Application.objects.exists()


def test_a_draft_can_t_be_confirmed_once_its_round_closed(client, round_):
    application, token = application_with_token(
        round=round_, status=S.DRAFT, email_confirmed_at=None, submitted_at=None
    )
    round_.closes_at = timezone.now() - timedelta(minutes=1)
    round_.opens_at = timezone.now() - timedelta(days=2)
    round_.save()

    client.post(reverse("application_link", args=["bootcamp", token]), {"action": "confirm"})

    application.refresh_from_db()
    assert application.status == S.DRAFT and not StatusChange.objects.exists()


def test_the_rate_limit_per_address(client, round_, questions, monkeypatch):
    monkeypatch.setattr(limits, "PER_ADDRESS", 2)
    for n in range(2):
        ok = client.post(apply_url(round_), form_data(questions, email=f"a{n}@example.org"))
        assert ok.status_code == 302

    refused = client.post(apply_url(round_), form_data(questions, email="a9@example.org"))

    assert refused.status_code == 429
    assert "Too many applications from your address" in refused.content.decode()
    assert Application.objects.count() == 2


def test_the_rate_limit_per_email(client, round_, questions, monkeypatch):
    monkeypatch.setattr(limits, "PER_EMAIL", 2)
    for n in range(2):
        address = {"REMOTE_ADDR": f"203.0.113.{n}"}
        assert client.post(apply_url(round_), form_data(questions), **address).status_code == 302

    refused = client.post(apply_url(round_), form_data(questions), REMOTE_ADDR="203.0.113.9")

    assert refused.status_code == 429
    assert "Too many applications for this email" in refused.content.decode()


def test_a_draft_can_be_withdrawn_and_the_applicant_sees_each_status(client, round_):
    draft, token = application_with_token(
        round=round_, status=S.DRAFT, email_confirmed_at=None, submitted_at=None
    )
    link = reverse("application_link", args=["bootcamp", token])

    client.post(link, {"action": "withdraw"})

    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN
    assert "You withdrew this application." in client.get(link).content.decode()
    _reviewed, other = application_with_token(round=round_, status=S.INTERVIEW)
    page = client.get(reverse("application_link", args=["bootcamp", other])).content.decode()
    assert "Interview" in page and "Withdraw my application" in page
