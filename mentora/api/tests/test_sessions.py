"""Programs and sessions over the API, for the mentee, the mentor, staff and an
outsider: the same access rules as the pages (404 for every object id an
outsider asks for), the booking and cancellation services, idempotent retries,
cursor pagination, and junk input answered 4xx, never 5xx."""

from datetime import UTC, datetime, timedelta

import pytest

from mentora.api.models import IdempotencyKey, TokenScope
from mentora.scheduling.models import CancellationKind, Session, SessionStatus
from mentora.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
# Tuesday 5 January 2027, 10:00 in New York (the mentor's zone) = 15:00 UTC.
TUESDAY_10 = datetime(2027, 1, 5, 15, 0, tzinfo=UTC)


def api(slug, rest=""):
    return f"/api/v1/programs/{slug}{rest}"


def book(client, program, mentorship, header, starts_at=TUESDAY_10, **extra):
    return client.post(
        api(program.slug, "/sessions"),
        {"mentorship_id": mentorship.pk, "starts_at": starts_at.isoformat()},
        content_type="application/json",
        **header,
        **extra,
    )


def test_programs_list_the_caller_s_own_with_roles(client, program, mentor, outsider, bearer):
    answer = client.get("/api/v1/programs", **bearer(mentor))
    assert answer.status_code == 200
    assert [(p["slug"], p["roles"]) for p in answer.json()] == [("bootcamp", ["mentor"])]
    assert client.get("/api/v1/programs", **bearer(outsider)).json()[0]["slug"] == "elsewhere"


def test_a_program_one_is_not_in_is_404(client, program, outsider, bearer):
    answer = client.get(api(program.slug), **bearer(outsider))
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    assert client.get(api("no-such-program"), **bearer(outsider)).status_code == 404


def test_the_mentee_books_an_open_time_with_the_page_s_service(
    client, program, mentorship, mentee, open_all_week, bearer
):
    answer = book(client, program, mentorship, bearer(mentee))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    session = Session.objects.get()
    assert body["id"] == session.pk
    assert body["starts_at"] == "2027-01-05T15:00:00Z"
    assert (body["status"], body["kind"], body["mentee"]["id"]) == ("scheduled", "extra", mentee.pk)
    assert session.created_by == mentee


def test_a_taken_time_is_409_with_the_code_and_alternatives(
    client, program, mentorship, mentee, mentor, open_all_week, bearer
):
    f.SessionFactory(mentorship=mentorship, starts_at=TUESDAY_10)
    answer = book(client, program, mentorship, bearer(mentee))
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] in {"slot_taken", "mentee_busy"}
    assert body["alternatives"]


def test_a_time_outside_the_window_is_422_naming_the_field(
    client, program, mentorship, mentee, open_all_week, bearer
):
    far = TUESDAY_10 + timedelta(weeks=200)
    answer = book(client, program, mentorship, bearer(mentee), starts_at=far)
    assert (answer.status_code, answer.json()["field"]) == (422, "starts_at")
    naive = client.post(
        api(program.slug, "/sessions"),
        {"mentorship_id": mentorship.pk, "starts_at": "2027-01-05T15:00:00"},
        content_type="application/json",
        **bearer(mentee),
    )
    assert (naive.status_code, naive.json()["field"]) == (422, "starts_at")


def test_an_idempotent_retry_creates_one_session_and_answers_the_same(
    client, program, mentorship, mentee, open_all_week, bearer
):
    header = bearer(mentee)
    first = book(client, program, mentorship, header, HTTP_IDEMPOTENCY_KEY="k-1")
    again = book(client, program, mentorship, header, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Session.objects.count() == 1
    assert IdempotencyKey.objects.get().status_code == 201
    other_body = book(
        client,
        program,
        mentorship,
        header,
        starts_at=TUESDAY_10 + timedelta(hours=2),
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert (other_body.status_code, other_body.json()["code"]) == (422, "idempotency_key_reused")
    assert Session.objects.count() == 1


def test_without_a_key_a_second_booking_of_the_same_time_is_refused(
    client, program, mentorship, mentee, open_all_week, bearer
):
    header = bearer(mentee)
    assert book(client, program, mentorship, header).status_code == 201
    assert book(client, program, mentorship, header).status_code == 409
    assert Session.objects.count() == 1


def test_staff_may_read_a_session_but_not_cancel_it(
    client, program, mentorship, mentee, success_manager, open_all_week, bearer
):
    session = f.SessionFactory(mentorship=mentorship, starts_at=TUESDAY_10)
    header = bearer(success_manager)
    assert client.get(api(program.slug, f"/sessions/{session.pk}"), **header).status_code == 200
    cancel = client.post(
        api(program.slug, f"/sessions/{session.pk}/cancel"),
        {"reason": "illness"},
        content_type="application/json",
        **header,
    )
    assert cancel.status_code == 404


def test_the_mentees_staff_book_for_them_under_the_mentees_rules(
    client, program, mentorship, mentee, success_manager, admin_user, open_all_week, bearer
):
    """A learning platform's integration books on a mentee's behalf: only the mentee's
    open times, and the booking records who made it."""
    slots = client.get(
        api(program.slug, f"/mentorships/{mentorship.pk}/slots"), **bearer(admin_user)
    )
    assert TUESDAY_10.isoformat().replace("+00:00", "Z") in slots.json()["slots"]

    booked = book(client, program, mentorship, bearer(success_manager))
    # 03:00 in New York: outside the mentor's hours, which only the mentor may book.
    night = book(
        client, program, mentorship, bearer(admin_user), starts_at=TUESDAY_10 + timedelta(hours=17)
    )

    assert booked.status_code == 201, booked.content
    assert Session.objects.get(pk=booked.json()["id"]).created_by == success_manager
    assert (night.status_code, night.json()["code"]) == (409, "outside_availability")


def test_another_success_manager_may_not_book_for_someone_elses_mentee(
    client, program, mentorship, open_all_week, bearer
):
    other = f.UserFactory(name="Sid Other")
    f.MembershipFactory(user=other, program=program, role="success_manager")

    answer = book(client, program, mentorship, bearer(other))
    slots = client.get(api(program.slug, f"/mentorships/{mentorship.pk}/slots"), **bearer(other))

    assert (answer.status_code, slots.status_code) == (404, 404)
    assert not Session.objects.filter(mentorship=mentorship).exists()


@pytest.mark.parametrize("who", ["outsider", "other_mentee"])
def test_every_object_id_is_404_to_someone_outside_the_mentorship(
    client, request, program, mentorship, open_all_week, bearer, who
):
    person = request.getfixturevalue(who)
    session = f.SessionFactory(mentorship=mentorship, starts_at=TUESDAY_10)
    header = bearer(person)
    slug = program.slug
    reads = [
        f"/sessions/{session.pk}",
        f"/mentorships/{mentorship.pk}/slots",
    ]
    for rest in reads:
        assert client.get(api(slug, rest), **header).status_code == 404, rest
    assert book(client, program, mentorship, header).status_code == 404
    cancel = client.post(
        api(slug, f"/sessions/{session.pk}/cancel"),
        {"reason": "illness"},
        content_type="application/json",
        **header,
    )
    assert cancel.status_code == 404
    listed = client.get(api(slug, "/sessions"), **header)
    if who == "outsider":
        assert listed.status_code == 404
    else:
        assert listed.json()["items"] == []
    assert Session.objects.get(pk=session.pk).status == SessionStatus.SCHEDULED


@pytest.mark.parametrize("raw", ["0", "99999999999999999999999", str(2**63), "-1"])
def test_ids_past_what_the_database_holds_are_404(client, program, mentee, bearer, raw):
    answer = client.get(api(program.slug, f"/sessions/{raw}"), **bearer(mentee))
    assert answer.status_code in (404, 422)


def test_cancelling_with_a_day_s_notice_is_on_time_and_inside_it_late(
    client, program, mentorship, mentee, mentor, bearer, now
):
    header = bearer(mentee)
    ahead = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=3))
    soon = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(hours=6))
    results = {}
    for session in (ahead, soon):
        answer = client.post(
            api(program.slug, f"/sessions/{session.pk}/cancel"),
            {"reason": "illness", "note": "Sorry"},
            content_type="application/json",
            **header,
        )
        assert answer.status_code == 200, answer.content
        results[session.pk] = answer.json()["cancellation_kind"]
    assert results == {ahead.pk: CancellationKind.ON_TIME, soon.pk: CancellationKind.LATE}
    again = client.post(
        api(program.slug, f"/sessions/{ahead.pk}/cancel"),
        {"reason": "illness"},
        content_type="application/json",
        **header,
    )
    assert (again.status_code, again.json()["code"]) == (409, "not_cancellable")


def test_a_reason_not_in_the_list_is_422(client, program, mentorship, mentor, bearer, now):
    session = f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=3))
    for reason in ("moved_late", "cadence_changed", "nope", ""):
        answer = client.post(
            api(program.slug, f"/sessions/{session.pk}/cancel"),
            {"reason": reason},
            content_type="application/json",
            **bearer(mentor),
        )
        assert (answer.status_code, answer.json()["field"]) == (422, "reason"), reason


def test_slots_are_the_times_the_booking_accepts(
    client, program, mentorship, mentee, mentor, open_all_week, bearer
):
    answer = client.get(api(program.slug, f"/mentorships/{mentorship.pk}/slots"), **bearer(mentee))
    assert answer.status_code == 200
    slots = answer.json()["slots"]
    assert "2027-01-05T15:00:00Z" in slots
    assert all(s.endswith("Z") for s in slots)
    by_mentor = client.get(
        api(program.slug, f"/mentorships/{mentorship.pk}/slots?days=2"), **bearer(mentor)
    )
    assert by_mentor.status_code == 200
    assert set(by_mentor.json()["slots"]) <= set(slots)


def test_the_session_list_pages_with_a_cursor_and_filters(
    client, program, mentorship, mentee, bearer, now
):
    made = [
        f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=1, hours=2 * i))
        for i in range(5)
    ]
    Session.objects.filter(pk=made[4].pk).update(
        status=SessionStatus.CANCELLED,
        cancelled_at=now,
        cancel_reason="illness",
        cancellation_kind=CancellationKind.ON_TIME,
    )
    header = bearer(mentee)
    seen, cursor, pages = [], None, 0
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        answer = client.get(api(program.slug, "/sessions" + query), **header)
        assert answer.status_code == 200
        body = answer.json()
        seen += [s["id"] for s in body["items"]]
        pages += 1
        cursor = body["next"]
        if not cursor:
            break
    assert (seen, pages) == ([s.pk for s in made], 3)
    cancelled = client.get(api(program.slug, "/sessions?status=cancelled"), **header).json()
    assert [s["id"] for s in cancelled["items"]] == [made[4].pk]
    start = (made[1].starts_at).isoformat().replace("+00:00", "Z")
    end = (made[3].starts_at).isoformat().replace("+00:00", "Z")
    window = client.get(api(program.slug, f"/sessions?from={start}&to={end}"), **header).json()
    assert [s["id"] for s in window["items"]] == [made[1].pk, made[2].pk]


def test_updated_since_lists_only_what_changed_after_a_sync(
    client, program, mentorship, mentee, mentor, bearer, time_machine, now
):
    """A client syncing at `synced` then asking for changes since then gets the
    session cancelled after it (a queryset update bumps the time too), not the
    one left alone."""
    kept, cancelled = (
        f.SessionFactory(mentorship=mentorship, starts_at=now + timedelta(days=3, hours=h))
        for h in (0, 2)
    )
    synced = now + timedelta(minutes=5)
    time_machine.move_to(synced + timedelta(minutes=1), tick=False)
    answer = client.post(
        api(program.slug, f"/sessions/{cancelled.pk}/cancel"),
        {"reason": "illness"},
        content_type="application/json",
        **bearer(mentor),
    )
    assert answer.status_code == 200, answer.content
    since = synced.isoformat().replace("+00:00", "Z")
    body = client.get(api(program.slug, f"/sessions?updated_since={since}"), **bearer(mentee))
    assert [s["id"] for s in body.json()["items"]] == [cancelled.pk]
    assert body.json()["items"][0]["updated_at"] > since
    everything = client.get(api(program.slug, "/sessions"), **bearer(mentee)).json()
    assert [s["id"] for s in everything["items"]] == [kept.pk, cancelled.pk]


@pytest.mark.parametrize(
    "query",
    [
        "?cursor=junk",
        "?updated_since=last-week",
        "?status=nope",
        "?from=yesterday",
        "?from=2027-01-04T10:00:00",  # no offset
        "?from=9999-12-31T23:59:59-14:00",
        "?limit=0",
        "?limit=100000",
        "?limit=x",
    ],
)
def test_junk_filters_are_422_never_500(client, program, mentee, bearer, query):
    answer = client.get(api(program.slug, "/sessions" + query), **bearer(mentee))
    assert answer.status_code == 422, answer.content
    assert set(answer.json()) >= {"code", "message", "field"}


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        "{}",
        '{"mentorship_id": "x", "starts_at": 1}',
        '{"mentorship_id": 1e400, "starts_at": "2027"}',
        '{"mentorship_id": 99999999999999999999999, "starts_at": "2027-01-05T15:00:00Z"}',
        '{"mentorship_id": 1, "starts_at": "2027-01-05T15:00:00Z\\u0000"}',
    ],
)
def test_bad_json_is_4xx_never_500(client, program, mentorship, mentee, bearer, body):
    answer = client.post(
        api(program.slug, "/sessions"), body, content_type="application/json", **bearer(mentee)
    )
    assert 400 <= answer.status_code < 500, answer.content
    assert Session.objects.count() == 0


def test_a_read_token_still_reads(client, program, mentorship, mentee, bearer):
    header = bearer(mentee, scope=TokenScope.READ)
    assert client.get(api(program.slug, "/sessions"), **header).status_code == 200


def test_the_worker_clears_keys_older_than_a_day(mentee, now):
    from mentora.api.idempotency import idempotency_keys_clear

    for age in (1, 30):
        IdempotencyKey.objects.create(
            owner=mentee,
            key=f"k{age}",
            operation="x",
            request_hash="0",
            created_at=now - timedelta(hours=age),
        )
    assert idempotency_keys_clear(now=now) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["k1"]
