"""Moving a session and recording what happened, over the API: the page's services
(session_reschedule, session_mark_attendance) decide; the other party may do what
the pages let them, staff and outsiders get 404, and junk is a 422."""

from datetime import UTC, datetime, timedelta

import pytest

from mentora.api.models import TokenScope
from mentora.scheduling.models import CancellationKind, Session, SessionStatus
from mentora.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
# Tuesday 5 January 2027, 10:00 in New York (the mentor's zone) = 15:00 UTC.
TUESDAY_10 = datetime(2027, 1, 5, 15, 0, tzinfo=UTC)
WEDNESDAY_10 = TUESDAY_10 + timedelta(days=1)


def post(client, program, session, action, body, header):
    return client.post(
        f"/api/v1/programs/{program.slug}/sessions/{session.pk}/{action}",
        body,
        content_type="application/json",
        **header,
    )


def test_a_party_moves_a_session_to_another_open_time(
    client, program, mentorship, mentee, open_all_week, bearer
):
    session = f.SessionFactory(mentorship=mentorship, starts_at=WEDNESDAY_10)

    answer = post(
        client, program, session, "move", {"starts_at": "2027-01-07T15:00:00Z"}, bearer(mentee)
    )

    assert answer.status_code == 200, answer.content
    assert answer.json()["starts_at"] == "2027-01-07T15:00:00Z"
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == (datetime(2027, 1, 7, 15, tzinfo=UTC), 1)


def test_a_move_inside_the_notice_records_the_old_time_as_late(
    client, program, mentorship, mentor, open_all_week, bearer, now
):
    soon = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(hours=6))

    answer = post(
        client, program, soon, "move", {"starts_at": WEDNESDAY_10.isoformat()}, bearer(mentor)
    )

    assert answer.status_code == 200, answer.content
    assert Session.objects.filter(
        mentorship=mentorship, cancellation_kind=CancellationKind.LATE
    ).exists()


def test_moving_onto_a_taken_time_is_409_with_alternatives(
    client, program, mentorship, mentee, open_all_week, bearer
):
    session = f.SessionFactory(mentorship=mentorship, starts_at=WEDNESDAY_10)
    f.SessionFactory(mentorship=mentorship, starts_at=TUESDAY_10)

    answer = post(
        client, program, session, "move", {"starts_at": TUESDAY_10.isoformat()}, bearer(mentee)
    )

    assert answer.status_code == 409
    assert answer.json()["alternatives"]
    assert Session.objects.get(pk=session.pk).starts_at == WEDNESDAY_10


@pytest.mark.parametrize(
    "starts_at", ["", "tomorrow", "2027-01-07T15:00:00", "1999-01-01T00:00:00Z"]
)
def test_a_bad_time_is_422_naming_the_field(
    client, program, mentorship, mentee, open_all_week, bearer, starts_at
):
    session = f.SessionFactory(mentorship=mentorship, starts_at=WEDNESDAY_10)

    answer = post(client, program, session, "move", {"starts_at": starts_at}, bearer(mentee))

    assert (answer.status_code, answer.json()["field"]) == (422, "starts_at")
    assert Session.objects.get(pk=session.pk).starts_at == WEDNESDAY_10


def test_the_mentor_records_held_once_the_session_ended(
    client, program, mentorship, mentor, bearer, now
):
    ended = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(hours=2))
    ahead = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=2))
    header = bearer(mentor)

    answer = post(client, program, ended, "attendance", {"outcome": "held"}, header)
    early = post(client, program, ahead, "attendance", {"outcome": "held"}, header)
    again = post(client, program, ended, "attendance", {"outcome": "mentee_no_show"}, header)

    assert (answer.status_code, answer.json()["status"]) == (200, SessionStatus.HELD)
    assert (early.status_code, early.json()["code"]) == (409, "too_early")
    assert (again.status_code, again.json()["code"]) == (409, "already_marked")
    assert Session.objects.get(pk=ended.pk).status == SessionStatus.HELD


def test_the_mentee_may_only_report_a_mentor_no_show(
    client, program, mentorship, mentee, bearer, now
):
    started = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(minutes=20))
    header = bearer(mentee)

    held = post(client, program, started, "attendance", {"outcome": "held"}, header)
    no_show = post(client, program, started, "attendance", {"outcome": "mentor_no_show"}, header)

    assert held.status_code == 422
    assert (no_show.status_code, no_show.json()["status"]) == (200, SessionStatus.MENTOR_NO_SHOW)


@pytest.mark.parametrize("outcome", ["", "cancelled", "scheduled", "x" * 500])
def test_an_outcome_not_in_the_list_is_422(
    client, program, mentorship, mentor, bearer, now, outcome
):
    ended = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(hours=2))

    answer = post(client, program, ended, "attendance", {"outcome": outcome}, bearer(mentor))

    assert (answer.status_code, answer.json()["field"]) == (422, "outcome")
    assert Session.objects.get(pk=ended.pk).status == SessionStatus.SCHEDULED


@pytest.mark.parametrize("who", ["outsider", "other_mentee", "success_manager"])
def test_nobody_outside_the_mentorship_moves_or_marks(
    client, request, program, mentorship, open_all_week, bearer, now, who
):
    ended = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(hours=2))
    ahead = f.SessionFactory(mentorship=mentorship, starts_at=WEDNESDAY_10)
    header = bearer(request.getfixturevalue(who))

    moved = post(client, program, ahead, "move", {"starts_at": "2027-01-07T15:00:00Z"}, header)
    marked = post(client, program, ended, "attendance", {"outcome": "held"}, header)

    assert (moved.status_code, marked.status_code) == (404, 404)
    assert Session.objects.get(pk=ahead.pk).starts_at == WEDNESDAY_10
    assert Session.objects.get(pk=ended.pk).status == SessionStatus.SCHEDULED


def test_a_read_token_neither_moves_nor_marks(client, program, mentorship, mentor, bearer, now):
    ended = f.SessionFactory(mentorship=mentorship, starts_at=now - timedelta(hours=2))
    header = bearer(mentor, scope=TokenScope.READ)

    marked = post(client, program, ended, "attendance", {"outcome": "held"}, header)
    moved = post(client, program, ended, "move", {"starts_at": "2027-01-07T15:00:00Z"}, header)

    assert (marked.status_code, moved.status_code) == (403, 403)
    assert Session.objects.get(pk=ended.pk).status == SessionStatus.SCHEDULED
