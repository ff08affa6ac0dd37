"""No page answers a 500 to odd query strings or posts, whoever asks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.tests import factories as f

pytestmark = pytest.mark.django_db

JUNK = {
    "week": "-1e9",
    "mentee": "x'--",
    "template": "<script>",
    "role": "\u0000",
    "action": "drop",
    "starts_at": "2027-02-30T25:61",
}


def program_pages(program, mentorship, session):
    by_session = [
        "session_detail",
        "session_cancel",
        "session_reschedule",
        "session_makeup",
        "session_ics",
        "agenda",
        "setup_check",
        "session_workspace",
        "session_reflect",
    ]
    pages = [reverse(name, args=[program.slug, session.pk]) for name in by_session]
    pages += [
        reverse(name, args=[program.slug, mentorship.pk])
        for name in ("session_book", "cadence_edit", "mentorship_goals")
    ]
    pages += [
        reverse(name, args=[program.slug])
        for name in (
            "program_home",
            "program_people",
            "program_invite",
            "schedule",
            "availability_edit",
            "questions",
            "readiness",
            "action_items",
            "my_feedback",
        )
    ]
    return pages


@pytest.mark.parametrize(
    "person", ["mentee", "mentor", "other_mentee", "success_manager", "admin_user", "outsider"]
)
def test_no_page_errors_on_junk_input(client, request, program, mentorship, admin_user, person):
    session = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() + timedelta(days=3))
    client.force_login(request.getfixturevalue(person))

    for page in program_pages(program, mentorship, session):
        assert client.get(page, JUNK).status_code < 500, page
        assert client.post(page, JUNK).status_code < 500, page
