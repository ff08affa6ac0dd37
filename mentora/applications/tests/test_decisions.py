"""Decisions on an application (issue 14): admitting into the program (the
invitation an invited person gets), a place on the round's waitlist, declining
with one of the program's messages; reviewers only, from the status they saw."""

from __future__ import annotations

import subprocess

import pytest
from django.core import mail
from django.urls import reverse

from mentora.accounts.models import User
from mentora.applications import services
from mentora.applications.errors import ApplicationCode, ApplicationError
from mentora.applications.models import (
    Application,
    ApplicationStatus,
    DeclineTemplate,
    StatusChange,
    link_hash,
)
from mentora.applications.tests.factories import ApplicationFactory, RoundFactory
from mentora.programs.models import Membership, Role
from mentora.sealed import seal
from mentora.tests import factories as f
from mentora.tests.tasks import account_emails_send
from mentora.webhooks.delivery import new_secret
from mentora.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

S = ApplicationStatus
DECLINE_TEXT = "Thank you for applying. This time we had far more applicants than places."


@pytest.fixture
def mentees(program):
    return RoundFactory(program=program, role=Role.MENTEE)


@pytest.fixture
def ava(mentees):
    return ApplicationFactory(
        round=mentees,
        name="Ava Applicant",
        email="ava@example.org",
        time_zone="America/Chicago",
        status=S.IN_REVIEW,
    )


@pytest.fixture
def template(program):
    return DeclineTemplate.objects.create(program=program, name="Full", body=DECLINE_TEXT)


def detail(application):
    return reverse("application_detail", args=["bootcamp", application.pk])


def admit(client, application, capture, **data):
    with capture(execute=True):
        response = client.post(
            detail(application),
            {"decision": "admit", "from_status": application.status, **data},
        )
    account_emails_send()
    return response


def link_page(client, application, token):
    return client.get(reverse("application_link", args=["bootcamp", token])).content.decode()


# --- Admit ------------------------------------------------------------------------


def test_admitting_makes_the_account_the_membership_and_sends_the_invitation(
    client, admin_user, ava, cohort, django_capture_on_commit_callbacks
):
    hook = WebhookEndpoint.objects.create(
        program=ava.round.program,
        url="https://hooks.example.com/in",
        events=["person.invited", "application.status_changed"],
        secret_sealed=seal(new_secret()),
    )
    client.force_login(admin_user)

    response = admit(
        client, ava, django_capture_on_commit_callbacks, cohort=cohort.pk, note="Strong"
    )

    assert response.status_code == 302
    (user,) = User.objects.filter(email="ava@example.org")
    assert (user.name, user.time_zone) == ("Ava Applicant", "America/Chicago")
    assert not user.has_usable_password()
    (membership,) = Membership.objects.filter(user=user)
    assert (membership.role, membership.cohort) == (Role.MENTEE, cohort)
    assert membership.invitation_sent_at is not None
    ava.refresh_from_db()
    assert ava.status == S.ADMITTED and ava.admitted_at and ava.membership == membership
    (change,) = StatusChange.objects.filter(application=ava)
    assert (change.from_status, change.to_status, change.by, change.note) == (
        "in_review",
        "admitted",
        admin_user,
        "Strong",
    )
    # Exactly the invitation an invited person gets (set-password link), by the worker.
    assert [m.to for m in mail.outbox] == [["ava@example.org"]]
    assert "You're invited to Bootcamp Mentoring" in mail.outbox[0].subject
    events = set(WebhookDelivery.objects.filter(endpoint=hook).values_list("event_type", flat=True))
    assert events == {"person.invited", "application.status_changed"}
    page = client.get(detail(ava)).content.decode()
    assert "Spring 2027" in page


def test_admitting_links_an_existing_account_and_a_mentor_joins_no_cohort(
    client, success_manager, program, django_capture_on_commit_callbacks
):
    known = f.UserFactory(email="ben@example.org", name="Ben Chosen", time_zone="Asia/Tokyo")
    mentors = RoundFactory(program=program, role=Role.MENTOR)
    ben = ApplicationFactory(
        round=mentors, email="ben@example.org", name="Ben Other", status=S.INTERVIEW
    )
    client.force_login(success_manager)

    response = admit(client, ben, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert User.objects.filter(email__iexact="ben@example.org").count() == 1
    known.refresh_from_db()
    assert (known.name, known.time_zone) == ("Ben Chosen", "Asia/Tokyo")  # theirs stay
    membership = Membership.objects.get(user=known, program=program)
    assert (membership.role, membership.cohort) == (Role.MENTOR, None)
    assert len(mail.outbox) == 1
    ben.refresh_from_db()
    assert ben.status == S.ADMITTED


def test_admitting_twice_or_an_existing_member_is_refused_with_nothing_changed(
    client, admin_user, ava, mentee, program, mentees, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    admit(client, ava, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    stale = admit(
        client, Application(pk=ava.pk, status=S.IN_REVIEW), django_capture_on_commit_callbacks
    )
    mia = ApplicationFactory(round=mentees, email="mia@example.org", status=S.IN_REVIEW)

    member = admit(client, mia, django_capture_on_commit_callbacks)

    assert stale.status_code == 400 and "changed meanwhile" in stale.content.decode()
    assert member.status_code == 400
    assert "mia@example.org is already a mentee in Bootcamp Mentoring" in member.content.decode()
    mia.refresh_from_db()
    assert mia.status == S.IN_REVIEW and mia.admitted_at is None
    assert not StatusChange.objects.filter(application=mia).exists()
    assert Membership.objects.filter(program=program, role=Role.MENTEE).count() == 2
    assert mail.outbox == []
    with pytest.raises(ApplicationError) as refused:
        services.application_admit(
            application=mia, from_status=S.IN_REVIEW, cohort=None, note="", by=admin_user
        )
    assert refused.value.code == ApplicationCode.ALREADY_MEMBER


def test_a_closed_cohort_or_another_programs_is_refused(client, admin_user, ava, program):
    closed = f.CohortFactory(program=program, closed_at="2026-01-01T00:00:00Z")
    elsewhere = f.CohortFactory()

    for cohort in (closed, elsewhere):
        with pytest.raises(ApplicationError) as refused:
            services.application_admit(
                application=ava, from_status=S.IN_REVIEW, cohort=cohort, note="", by=admin_user
            )
        assert refused.value.code == ApplicationCode.BAD_COHORT
    client.force_login(admin_user)
    form = client.post(
        detail(ava), {"decision": "admit", "from_status": "in_review", "cohort": closed.pk}
    )
    assert form.status_code == 400
    assert not User.objects.filter(email="ava@example.org").exists()


# --- Waitlist ---------------------------------------------------------------------


def test_waitlist_positions_go_one_two_three_and_the_applicant_sees_theirs(
    client, admin_user, mentees, program
):
    people = []
    for n in range(3):
        token = f"token-{n}-" + "x" * 30
        people.append(
            (
                ApplicationFactory(round=mentees, status=S.INTERVIEW, link_hash=link_hash(token)),
                token,
            )
        )
    other_round = ApplicationFactory(round=RoundFactory(program=program), status=S.IN_REVIEW)
    client.force_login(admin_user)

    for application, _token in people:
        response = client.post(
            detail(application), {"decision": "waitlist", "from_status": "interview"}
        )
        assert response.status_code == 302
    client.post(detail(other_round), {"decision": "waitlist", "from_status": "in_review"})

    positions = [Application.objects.get(pk=a.pk).waitlist_position for a, _token in people]
    assert positions == [1, 2, 3]
    assert Application.objects.get(pk=other_round.pk).waitlist_position == 1  # its own round
    applicant = client.__class__()
    assert "You are number 2 on the waitlist" in link_page(applicant, *people[1])
    assert "Number 3 on the round's waitlist" in client.get(detail(people[2][0])).content.decode()
    # Off the waitlist, the place goes and those behind move up.
    client.post(detail(people[0][0]), {"from_status": "waitlisted", "to_status": "in_review"})
    assert Application.objects.get(pk=people[0][0].pk).waitlist_position is None
    assert "You are number 1 on the waitlist" in link_page(applicant, *people[1])
    again = client.post(detail(people[0][0]), {"decision": "waitlist", "from_status": "in_review"})
    assert again.status_code == 302
    assert Application.objects.get(pk=people[0][0].pk).waitlist_position == 4


# --- Decline ----------------------------------------------------------------------


def test_declining_sends_the_templates_text_and_the_applicant_sees_it(
    client, success_manager, mentees, template, django_capture_on_commit_callbacks
):
    token = "decline-token-" + "y" * 30
    ava = ApplicationFactory(round=mentees, email="ava@example.org", link_hash=link_hash(token))
    ava.status = S.IN_REVIEW
    ava.save()
    client.force_login(success_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail(ava),
            {"decision": "decline", "from_status": "in_review", "template": template.pk},
        )
    account_emails_send()

    assert response.status_code == 302
    ava.refresh_from_db()
    assert ava.status == S.DECLINED and ava.decline_message == DECLINE_TEXT
    assert [m.to for m in mail.outbox] == [["ava@example.org"]]
    assert DECLINE_TEXT in mail.outbox[0].body
    assert "Your application to Bootcamp Mentoring" in mail.outbox[0].subject
    assert StatusChange.objects.filter(application=ava, to_status="declined").count() == 1
    # The applicant sees it, even after the template is gone.
    services.decline_template_remove(template=template)
    assert "far more applicants than places" in link_page(client.__class__(), ava, token)


def test_declining_needs_a_template_of_the_program(client, admin_user, ava, program):
    elsewhere = DeclineTemplate.objects.create(program=f.ProgramFactory(), name="X", body="No.")
    client.force_login(admin_user)

    page = client.get(detail(ava)).content.decode()
    refused = client.post(
        detail(ava), {"decision": "decline", "from_status": "in_review", "template": elsewhere.pk}
    )

    assert "there are none yet" in page
    assert refused.status_code == 400
    ava.refresh_from_db()
    assert ava.status == S.IN_REVIEW and mail.outbox == []


def test_admins_add_and_remove_decline_messages_on_the_rounds_page(
    client, admin_user, success_manager, program
):
    rounds = reverse("application_rounds", args=["bootcamp"])
    client.force_login(admin_user)

    added = client.post(rounds, {"add_template": "1", "name": "Full", "body": DECLINE_TEXT})
    twice = client.post(rounds, {"add_template": "1", "name": "Full", "body": "Again"})
    empty = client.post(rounds, {"add_template": "1", "name": "Empty", "body": "  "})

    assert added.status_code == 302
    assert twice.status_code == 400 and "a message with this name" in twice.content.decode()
    assert empty.status_code == 400
    (template,) = DeclineTemplate.objects.filter(program=program)
    assert DECLINE_TEXT in client.get(rounds).content.decode()
    other = DeclineTemplate.objects.create(program=f.ProgramFactory(), name="Theirs", body="No.")
    assert client.post(rounds, {"remove_template": other.pk}).status_code == 404
    removed = client.post(rounds, {"remove_template": template.pk})
    assert removed.status_code == 302 and not DeclineTemplate.objects.filter(program=program)
    assert DeclineTemplate.objects.filter(pk=other.pk).exists()
    client.force_login(success_manager)
    refused = client.post(rounds, {"add_template": "1", "name": "SM", "body": "No."})
    assert refused.status_code == 404 and not DeclineTemplate.objects.filter(program=program)


# --- Who may decide, and a stale page ---------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_nobody_else_can_decide(client, request, ava, template, cohort, who):
    client.force_login(request.getfixturevalue(who))

    tries = [
        {"decision": "admit", "from_status": "in_review", "cohort": cohort.pk},
        {"decision": "waitlist", "from_status": "in_review"},
        {"decision": "decline", "from_status": "in_review", "template": template.pk},
    ]

    for data in tries:
        assert client.post(detail(ava), data).status_code == 404
    ava.refresh_from_db()
    assert ava.status == S.IN_REVIEW and not StatusChange.objects.exists()
    assert User.objects.filter(email="ava@example.org").count() == 0


@pytest.mark.parametrize("decision", ["admit", "waitlist", "decline"])
def test_a_stale_decision_is_refused(client, admin_user, ava, template, decision):
    client.force_login(admin_user)
    services.application_move(
        application=ava, from_status=S.IN_REVIEW, to_status=S.INTERVIEW, note="", by=admin_user
    )

    data = {"decision": decision, "from_status": "in_review", "template": template.pk}
    response = client.post(detail(ava), data)

    assert response.status_code == 400
    assert "changed meanwhile" in response.content.decode()
    ava.refresh_from_db()
    assert ava.status == S.INTERVIEW
    assert StatusChange.objects.filter(application=ava).count() == 1
    assert not User.objects.filter(email="ava@example.org").exists()


def test_a_decision_the_status_doesnt_allow_is_refused(admin_user, mentees):
    submitted = ApplicationFactory(round=mentees)

    with pytest.raises(ApplicationError) as refused:
        services.application_waitlist(
            application=submitted, from_status=S.SUBMITTED, note="", by=admin_user
        )

    assert refused.value.code == ApplicationCode.BAD_MOVE


# --- The pages are valid HTML (the walk in mentora/tests sees a submitted one only) ---


def test_the_decision_pages_are_valid_html(
    client, admin_user, ava, cohort, template, mentees, tmp_path, django_capture_on_commit_callbacks
):
    from mentora.tests.test_html_valid import REPO, _tool

    tool = _tool()
    tokens = {}
    for status in ("waitlisted", "declined", "admitted"):
        token = f"{status}-token-" + "z" * 30
        tokens[status] = token
        ApplicationFactory(
            round=mentees, status=S.IN_REVIEW, link_hash=link_hash(token), email=f"{status}@x.org"
        )
    client.force_login(admin_user)
    pages = [detail(ava), reverse("application_rounds", args=["bootcamp"])]
    by_token = {a.email.split("@")[0]: a for a in Application.objects.exclude(pk=ava.pk)}
    client.post(
        detail(by_token["waitlisted"]), {"decision": "waitlist", "from_status": "in_review"}
    )
    client.post(
        detail(by_token["declined"]),
        {"decision": "decline", "from_status": "in_review", "template": template.pk},
    )
    admit(client, by_token["admitted"], django_capture_on_commit_callbacks, cohort=cohort.pk)
    pages += [detail(a) for a in by_token.values()]
    refused = client.post(detail(ava), {"decision": "admit", "from_status": "interview"})
    (tmp_path / "refused.html").write_text(refused.content.decode())
    for n, path in enumerate(pages):
        response = client.get(path)
        assert response.status_code == 200, path
        (tmp_path / f"staff-{n}.html").write_text(response.content.decode())
    applicant = client.__class__()
    for status, token in tokens.items():
        text = link_page(applicant, None, token)
        (tmp_path / f"link-{status}.html").write_text(text)
    files = sorted(str(p) for p in tmp_path.glob("*.html"))

    result = subprocess.run(
        [str(tool), "--config", str(REPO / ".htmlvalidate.json"), *files],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-2000:]
