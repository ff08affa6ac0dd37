"""No page answers a 500 to odd query strings or posts, whoever asks.

Every URL pattern of the project is walked (program pages and global ones), so a
new page is covered the day it is added: its ids are filled in from one small
world with a session, a request, a pulse, a concern and a bulk-match run.
"""

from datetime import timedelta

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from mentora import urls
from mentora.api.tokens import token_create
from mentora.applications.tests.factories import (
    QuestionFactory,
    RoundFactory,
    answer,
    application_with_token,
)
from mentora.matching.models import BulkMatchRun, BulkObjective
from mentora.matching.tests.factories import (
    ConcernFactory,
    MentorRequestFactory,
    PulseFactory,
)
from mentora.notifications.models import Kind, Notification
from mentora.sealed import seal
from mentora.tests import factories as f
from mentora.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

JUNK = {
    "week": "-1e9",
    "mentee": "x'--",
    "template": "<script>",
    "role": "\u0000",
    "action": "drop",
    "starts_at": "2027-02-30T25:61",
    "page": "abc",
    "cohort": "NaN",
    "from": "2027-13-01",
    "until": "yesterday",
    "stack": ["1", "x"],
    "mentees": ["-5", "0x1"],
    "objective": "everything",
    "score": "1e309",
}
# Pages outside any program that take no login token or secret to reach.
GLOBAL_PAGES = (
    "profile_edit",
    "calendar_feed_settings",
    "account_sessions",
    "calendar_connections",
)
SKIPPED = {"home", "accept_invitation", "calendar_feed", "agenda_file"}  # tested with tokens


def _world(program, mentorship, mentee, admin_user):
    session = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() + timedelta(days=3))
    seeker = f.UserFactory(email="sid@example.org", name="Sid Seeker")
    run = BulkMatchRun.objects.create(
        program=program,
        created_by=admin_user,
        created_at=timezone.now(),
        objective=BulkObjective.TOTAL_FIT,
    )
    # The webhook settings page lists an endpoint with a delivery (resend, disable, delete).
    hook = WebhookEndpoint.objects.create(
        program=program, url="https://hooks.example.com/in", events=["session.booked"],
        secret_sealed=seal("whsec_c2VjcmV0"), created_by=admin_user,
    )  # fmt: skip
    WebhookDelivery.objects.create(
        endpoint=hook, event_id="msg_1", event_type="session.booked", payload={"data": {}}
    )
    # An open round with a question, a submitted application and the applicant's link.
    application_round = RoundFactory(program=program)
    question = QuestionFactory(round=application_round, label="Why apply?")
    application, link = application_with_token(round=application_round)
    answer(application, question, "To learn.")
    return {
        "slug": program.slug,  # /apply/<slug>/...
        "round_id": application_round.pk,
        "application_id": application.pk,
        "link": link,
        "session_id": session.pk,
        "mentorship_id": mentorship.pk,
        "user_id": mentee.pk,
        "request_id": MentorRequestFactory(
            program=program, mentee=seeker, mentor=mentorship.mentor
        ).pk,
        "pulse_id": PulseFactory(mentorship=mentorship).pk,
        "concern_id": ConcernFactory(mentorship=mentorship).pk,
        "run_id": run.pk,
        "step": "about-you",  # /welcome/<step>/
        "membership_id": mentorship.mentee.memberships.get(program=program).pk,
        "cohort_id": f.CohortFactory(program=program).pk,
        "usersession_id": f.signed_in_session(mentee).pk,  # /accounts/sessions/<id>/end/
        # /accounts/calendars/<id>/refresh/ and /disconnect/ (its address never resolves)
        "connection_id": f.CalendarConnectionFactory(owner=mentee).pk,
        # /accounts/tokens/<id>/revoke/ (the mentee's own API token)
        "token_id": token_create(owner=mentee, name="Sync", scope="read", days=30).token.pk,
        "notification_id": Notification.objects.create(
            recipient=mentee,
            kind=Kind.MENTORSHIPS,
            key="test:hello",
            title="Hello",
            body="A message",
            created_at=timezone.now(),
        ).pk,
    }


def all_pages(program, ids):
    pages = []
    for pattern in urls.program_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in SKIPPED:
            continue
        kwargs = {name: ids[name] for name in pattern.pattern.converters}
        pages.append(reverse(pattern.name, kwargs={"slug": program.slug, **kwargs}))
    for top in urls.urlpatterns:
        if isinstance(top, URLPattern) and top.name not in SKIPPED:
            kwargs = {name: ids[name] for name in top.pattern.converters}
            pages.append(reverse(top.name, kwargs=kwargs))
    return pages


@pytest.mark.parametrize(
    "person", ["mentee", "mentor", "other_mentee", "success_manager", "admin_user", "outsider"]
)
def test_no_page_errors_on_junk_input(
    client, request, program, mentorship, mentee, admin_user, person
):
    pages = all_pages(program, _world(program, mentorship, mentee, admin_user))
    client.force_login(request.getfixturevalue(person))

    for page in pages:
        assert client.get(page, JUNK).status_code < 500, page
        assert client.post(page, JUNK).status_code < 500, page


def test_the_walk_reaches_every_kind_of_page(program, mentorship, mentee, admin_user):
    pages = all_pages(program, _world(program, mentorship, mentee, admin_user))

    assert len(pages) >= 50
    assert any("/inbox/" in p for p in pages)
    assert any("/matching/bulk/" in p for p in pages)
    assert any("/concerns/" in p for p in pages)
