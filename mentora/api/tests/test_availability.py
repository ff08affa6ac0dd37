"""A mentor's availability and a mentorship's regular time over the API.

Availability is the calling mentor's own, as on their page: weekly hours in
their zone (read back the same across a change of the clocks), date overrides
and time off ahead; anyone else gets the page's 404, and another mentor's ids
are 404s too. The services' refusals keep their codes and name the field; a
refused write changes nothing. The regular time is either party's, as on the
cadence page."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mentora.api.models import TokenScope
from mentora.programs.models import Role
from mentora.scheduling.models import Cadence, DateOverride, Session, TimeOff, WeeklyHours
from mentora.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

NEW_YORK = ZoneInfo("America/New_York")


def url(program, rest=""):
    return f"/api/v1/programs/{program.slug}/availability{rest}"


def send(client, method, path, body, header):
    call = getattr(client, method)
    if body is None:
        return call(path, **header)
    return call(path, body, content_type="application/json", **header)


def week(mentor):
    return list(
        WeeklyHours.objects.filter(mentor=mentor)
        .order_by("weekday", "start_time")
        .values_list("weekday", "start_time", "end_time")
    )


@pytest.fixture
def other_mentor(program):
    user = f.UserFactory(email="max@example.org", name="Max Mentor", time_zone="Asia/Tokyo")
    f.MembershipFactory(user=user, program=program, role=Role.MENTOR)
    f.MentorProfileFactory(user=user)
    return user


# --- reading -----------------------------------------------------------------------


def test_the_mentor_reads_their_week_in_their_zone_and_the_dates_ahead(
    client, program, mentor, bearer
):
    f.WeeklyHoursFactory(mentor=mentor, weekday=3, start_time=time(14), end_time=time(16))
    f.WeeklyHoursFactory(mentor=mentor, weekday=1, start_time=time(9), end_time=time(12, 30))
    f.DateOverrideFactory(mentor=mentor, date=date(2027, 1, 1), kind="day_off")  # past
    extra = f.DateOverrideFactory(
        mentor=mentor, date=date(2027, 1, 9), kind="extra", start_time=time(10), end_time=time(11)
    )
    f.TimeOffFactory(mentor=mentor, starts_on=date(2026, 12, 20), ends_on=date(2027, 1, 2))
    away = f.TimeOffFactory(
        mentor=mentor, starts_on=date(2027, 1, 3), ends_on=date(2027, 1, 6), note="Trip"
    )

    answer = client.get(url(program), **bearer(mentor, scope=TokenScope.READ))

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["time_zone"] == "America/New_York"
    assert body["mentor"]["id"] == mentor.pk
    assert [(h["weekday"], h["start_time"], h["end_time"]) for h in body["weekly_hours"]] == [
        (1, "09:00", "12:30"),
        (3, "14:00", "16:00"),
    ]
    assert body["overrides"] == [
        {
            "id": extra.pk,
            "date": "2027-01-09",
            "kind": "extra",
            "start_time": "10:00",
            "end_time": "11:00",
        }
    ]
    assert body["time_off"] == [
        {"id": away.pk, "starts_on": "2027-01-03", "ends_on": "2027-01-06", "note": "Trip"}
    ]


def test_only_a_mentor_reaches_availability(
    client, program, mentee, success_manager, admin_user, outsider, mentor, bearer
):
    hours = {"hours": [{"weekday": 0, "start_time": "09:00", "end_time": "10:00"}]}
    override = {"date": "2027-02-01", "kind": "day_off"}
    away = {"starts_on": "2027-02-01", "ends_on": "2027-02-02"}
    held = f.DateOverrideFactory(mentor=mentor, date=date(2027, 2, 3), kind="day_off")
    off = f.TimeOffFactory(mentor=mentor, starts_on=date(2027, 2, 3), ends_on=date(2027, 2, 4))
    calls = [
        ("get", url(program), None),
        ("put", url(program, "/weekly-hours"), hours),
        ("post", url(program, "/overrides"), override),
        ("delete", url(program, f"/overrides/{held.pk}"), None),
        ("post", url(program, "/time-off"), away),
        ("delete", url(program, f"/time-off/{off.pk}"), None),
    ]
    for who in (mentee, success_manager, admin_user, outsider):
        for method, path, body in calls:
            answer = send(client, method, path, body, bearer(who))
            assert answer.status_code == 404, (who, method, path, answer.content)
    for method, path, body in calls:
        assert send(client, method, path, body, {}).status_code == 401
    assert week(mentor) == []
    assert DateOverride.objects.filter(mentor=mentor).count() == 1
    assert TimeOff.objects.filter(mentor=mentor).count() == 1


def test_a_read_token_cannot_write(client, program, mentor, bearer):
    f.WeeklyHoursFactory(mentor=mentor, weekday=0, start_time=time(9), end_time=time(10))
    held = f.DateOverrideFactory(mentor=mentor, date=date(2027, 2, 3), kind="day_off")
    off = f.TimeOffFactory(mentor=mentor, starts_on=date(2027, 2, 3), ends_on=date(2027, 2, 4))
    header = bearer(mentor, scope=TokenScope.READ)
    for method, path, body in [
        ("put", url(program, "/weekly-hours"), {"hours": []}),
        ("post", url(program, "/overrides"), {"date": "2027-02-01", "kind": "day_off"}),
        ("delete", url(program, f"/overrides/{held.pk}"), None),
        ("post", url(program, "/time-off"), {"starts_on": "2027-02-01", "ends_on": "2027-02-02"}),
        ("delete", url(program, f"/time-off/{off.pk}"), None),
    ]:
        answer = send(client, method, path, body, header)
        assert (answer.status_code, answer.json()["code"]) == (403, "read_only_token"), path
    assert len(week(mentor)) == 1
    assert DateOverride.objects.filter(mentor=mentor).count() == 1
    assert TimeOff.objects.filter(mentor=mentor).count() == 1


# --- weekly hours ------------------------------------------------------------------


def test_putting_a_week_replaces_every_range(client, program, mentor, other_mentor, bearer):
    f.WeeklyHoursFactory(mentor=mentor, weekday=0, start_time=time(9), end_time=time(17))
    f.WeeklyHoursFactory(mentor=other_mentor, weekday=0, start_time=time(9), end_time=time(17))
    body = {
        "hours": [
            {"weekday": 2, "start_time": "13:00", "end_time": "15:00"},
            {"weekday": 2, "start_time": "09:00", "end_time": "13:00"},  # touching is fine
            {"weekday": 6, "start_time": "18:30", "end_time": "20:00"},
        ]
    }
    answer = client.put(
        url(program, "/weekly-hours"), body, content_type="application/json", **bearer(mentor)
    )
    assert answer.status_code == 200, answer.content
    given = [(h["weekday"], h["start_time"], h["end_time"]) for h in answer.json()["weekly_hours"]]
    assert given == [(2, "09:00", "13:00"), (2, "13:00", "15:00"), (6, "18:30", "20:00")]
    assert week(mentor) == [
        (2, time(9), time(13)),
        (2, time(13), time(15)),
        (6, time(18, 30), time(20)),
    ]
    assert answer.json() == client.get(url(program), **bearer(mentor)).json()
    assert week(other_mentor) == [(0, time(9), time(17))]

    cleared = client.put(
        url(program, "/weekly-hours"),
        {"hours": []},
        content_type="application/json",
        **bearer(mentor),
    )
    assert (cleared.status_code, cleared.json()["weekly_hours"], week(mentor)) == (200, [], [])


@pytest.mark.parametrize(
    ("second", "code", "field"),
    [
        ({"weekday": 1, "start_time": "12:00", "end_time": "11:00"}, "end_not_after_start",
         "hours.1.end_time"),
        ({"weekday": 1, "start_time": "10:00", "end_time": "13:00"}, "overlap",
         "hours.1.start_time"),
        ({"weekday": 7, "start_time": "10:00", "end_time": "11:00"}, "invalid", "hours.1.weekday"),
        ({"weekday": 1, "start_time": "9am", "end_time": "11:00"}, "invalid",
         "hours.1.start_time"),
        ({"weekday": 1, "start_time": "10:00", "end_time": ""}, "invalid", "hours.1.end_time"),
        ({"weekday": 1, "start_time": "10:00"}, "invalid", "hours.1.end_time"),
    ],
)  # fmt: skip
def test_a_bad_week_is_refused_naming_the_range_and_changes_nothing(
    client, program, mentor, bearer, second, code, field
):
    f.WeeklyHoursFactory(mentor=mentor, weekday=4, start_time=time(8), end_time=time(9))
    body = {"hours": [{"weekday": 1, "start_time": "09:00", "end_time": "12:00"}, second]}
    answer = client.put(
        url(program, "/weekly-hours"), body, content_type="application/json", **bearer(mentor)
    )
    assert answer.status_code == 422, answer.content
    assert (answer.json()["code"], answer.json()["field"]) == (code, field)
    assert answer.json()["message"]
    assert week(mentor) == [(4, time(8), time(9))]


def _slots(client, program, mentorship, mentee, bearer, day):
    answer = client.get(
        f"/api/v1/programs/{program.slug}/mentorships/{mentorship.pk}/slots"
        f"?from={day.isoformat()}T00:00:00Z&days=1",
        **bearer(mentee),
    )
    assert answer.status_code == 200, answer.content
    return [datetime.fromisoformat(s.replace("Z", "+00:00")) for s in answer.json()["slots"]]


def test_weekly_hours_in_new_york_read_the_same_across_a_dst_change_and_move_the_slots(
    client, program, mentor, mentee, mentorship, bearer
):
    tuesdays = {"hours": [{"weekday": 1, "start_time": "09:00", "end_time": "10:00"}]}
    put = client.put(
        url(program, "/weekly-hours"), tuesdays, content_type="application/json", **bearer(mentor)
    )
    assert put.status_code == 200, put.content
    winter = client.get(url(program), **bearer(mentor)).json()
    # New York is on EST (UTC-5): Tuesday 12 January 09:00 there is 14:00 UTC.
    starts = _slots(client, program, mentorship, mentee, bearer, date(2027, 1, 12))
    assert starts and starts[0] == datetime(2027, 1, 12, 14, tzinfo=UTC)
    assert {s.astimezone(NEW_YORK).time() for s in starts} <= {time(9), time(9, 15)}

    # New York moves its clocks on 14 March 2027; the hours stay 09:00-10:00 there.
    with time_machine.travel(datetime(2027, 3, 15, 12, tzinfo=UTC), tick=False):
        summer = client.get(url(program), **bearer(mentor)).json()
        assert summer["weekly_hours"] == winter["weekly_hours"]
        assert summer["time_zone"] == winter["time_zone"] == "America/New_York"
        starts = _slots(client, program, mentorship, mentee, bearer, date(2027, 3, 16))
        assert starts and starts[0] == datetime(2027, 3, 16, 13, tzinfo=UTC)  # EDT, UTC-4
        assert {s.astimezone(NEW_YORK).time() for s in starts} <= {time(9), time(9, 15)}

    # New hours: the slots follow at once (Wednesday now, no Tuesday).
    wednesdays = {"hours": [{"weekday": 2, "start_time": "15:00", "end_time": "16:00"}]}
    client.put(
        url(program, "/weekly-hours"),
        wednesdays,
        content_type="application/json",
        **bearer(mentor),
    )
    assert _slots(client, program, mentorship, mentee, bearer, date(2027, 1, 12)) == []
    starts = _slots(client, program, mentorship, mentee, bearer, date(2027, 1, 13))
    assert starts[0] == datetime(2027, 1, 13, 20, tzinfo=UTC)


# --- date overrides ----------------------------------------------------------------


def test_a_mentor_adds_and_removes_date_overrides(client, program, mentor, other_mentor, bearer):
    header = bearer(mentor)
    extra = client.post(
        url(program, "/overrides"),
        {"date": "2027-01-09", "kind": "extra", "start_time": "18:00", "end_time": "20:00"},
        content_type="application/json",
        **header,
    )
    day_off = client.post(
        url(program, "/overrides"),
        {"date": "2027-01-11", "kind": "day_off"},
        content_type="application/json",
        **header,
    )
    assert (extra.status_code, day_off.status_code) == (201, 201), extra.content
    assert extra.json() | {"id": 0} == {
        "id": 0,
        "date": "2027-01-09",
        "kind": "extra",
        "start_time": "18:00",
        "end_time": "20:00",
    }
    assert day_off.json()["start_time"] is None
    listed = client.get(url(program), **header).json()["overrides"]
    assert [o["id"] for o in listed] == [extra.json()["id"], day_off.json()["id"]]

    theirs = f.DateOverrideFactory(mentor=other_mentor, date=date(2027, 1, 12), kind="day_off")
    assert client.delete(url(program, f"/overrides/{theirs.pk}"), **header).status_code == 404
    path = url(program, f"/overrides/{extra.json()['id']}")
    gone = client.delete(path, **header)
    assert (gone.status_code, gone.content) == (204, b"")
    assert client.delete(path, **header).status_code == 404
    assert client.delete(url(program, "/overrides/99999999"), **header).status_code == 404
    assert list(DateOverride.objects.filter(mentor=mentor).values_list("kind", flat=True)) == [
        "day_off"
    ]
    assert DateOverride.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"date": "2027-01-20", "kind": "day_off", "start_time": "10:00"}, 422,
         "times_not_allowed", "start_time"),
        ({"date": "2027-01-20", "kind": "extra", "start_time": "10:00"}, 422, "times_required",
         "end_time"),
        ({"date": "2027-01-20", "kind": "extra", "start_time": "11:00", "end_time": "10:00"}, 422,
         "end_not_after_start", "end_time"),
        ({"date": "2027-01-03", "kind": "day_off"}, 422, "date_in_past", "date"),
        ({"date": "2027-01-15", "kind": "day_off"}, 409, "already_day_off", "date"),
        ({"date": "2027-01-16", "kind": "extra", "start_time": "10:30", "end_time": "12:00"}, 422,
         "overlap", "start_time"),
        ({"date": "2027-01-20", "kind": "holiday"}, 422, "invalid", "kind"),
        ({"date": "20 January", "kind": "day_off"}, 422, "invalid", "date"),
        ({"date": "9999-01-20", "kind": "day_off"}, 422, "invalid", "date"),
        ({"kind": "day_off"}, 422, "invalid", "date"),
    ],
)  # fmt: skip
def test_a_bad_override_is_refused_naming_the_field(
    client, program, mentor, bearer, body, status, code, field
):
    f.DateOverrideFactory(mentor=mentor, date=date(2027, 1, 15), kind="day_off")
    f.DateOverrideFactory(
        mentor=mentor, date=date(2027, 1, 16), kind="extra", start_time=time(10), end_time=time(11)
    )
    answer = client.post(
        url(program, "/overrides"), body, content_type="application/json", **bearer(mentor)
    )
    assert answer.status_code == status, answer.content
    assert (answer.json()["code"], answer.json()["field"]) == (code, field)
    assert DateOverride.objects.filter(mentor=mentor).count() == 2


def test_today_is_the_mentors_own_date(client, program, mentor, bearer):
    # 03:00 UTC on 5 January is still 4 January in New York: that day is not past.
    with time_machine.travel(datetime(2027, 1, 5, 3, tzinfo=UTC), tick=False):
        answer = client.post(
            url(program, "/overrides"),
            {"date": "2027-01-04", "kind": "day_off"},
            content_type="application/json",
            **bearer(mentor),
        )
    assert answer.status_code == 201, answer.content


# --- time off ----------------------------------------------------------------------


def test_a_mentor_adds_and_removes_time_off(client, program, mentor, other_mentor, bearer):
    header = bearer(mentor)
    added = client.post(
        url(program, "/time-off"),
        {"starts_on": "2027-02-01", "ends_on": "2027-02-14", "note": "  Parental leave "},
        content_type="application/json",
        **header,
    )
    assert added.status_code == 201, added.content
    assert added.json() | {"id": 0} == {
        "id": 0,
        "starts_on": "2027-02-01",
        "ends_on": "2027-02-14",
        "note": "Parental leave",
    }
    assert client.get(url(program), **header).json()["time_off"] == [added.json()]

    theirs = f.TimeOffFactory(
        mentor=other_mentor, starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 2)
    )
    assert client.delete(url(program, f"/time-off/{theirs.pk}"), **header).status_code == 404
    path = url(program, f"/time-off/{added.json()['id']}")
    assert client.delete(path, **header).status_code == 204
    assert client.delete(path, **header).status_code == 404
    assert not TimeOff.objects.filter(mentor=mentor).exists()
    assert TimeOff.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"starts_on": "2027-02-10", "ends_on": "2027-02-01"}, "end_not_after_start", "ends_on"),
        ({"starts_on": "2027-02-01", "ends_on": "2028-03-01"}, "time_off_too_long", "ends_on"),
        ({"starts_on": "2026-12-01", "ends_on": "2027-01-02"}, "date_in_past", "ends_on"),
        ({"starts_on": "2027-02-01", "ends_on": "2027-02-02", "note": "x" * 201}, "invalid",
         "note"),
        ({"starts_on": "soon", "ends_on": "2027-02-02"}, "invalid", "starts_on"),
        ({"starts_on": "2027-02-01"}, "invalid", "ends_on"),
    ],
)  # fmt: skip
def test_bad_time_off_is_refused_naming_the_field(
    client, program, mentor, bearer, body, code, field
):
    answer = client.post(
        url(program, "/time-off"), body, content_type="application/json", **bearer(mentor)
    )
    assert answer.status_code == 422, answer.content
    assert (answer.json()["code"], answer.json()["field"]) == (code, field)
    assert not TimeOff.objects.exists()


# --- the regular time (cadence) ----------------------------------------------------


def cadence_url(program, mentorship):
    return f"/api/v1/programs/{program.slug}/mentorships/{mentorship.pk}/cadence"


REGULAR = {"frequency": "weekly", "weekday": 1, "time_of_day": "18:00", "starts_on": "2027-01-04"}


def test_either_party_reads_and_sets_the_regular_time(
    client, program, mentorship, mentor, mentee, bearer
):
    path = cadence_url(program, mentorship)
    empty = client.get(path, **bearer(mentee))
    assert empty.json() == {"mentorship_id": mentorship.pk, "cadence": None}

    answer = client.put(path, REGULAR, content_type="application/json", **bearer(mentee))

    assert answer.status_code == 200, answer.content
    body = answer.json()
    regular = body["cadence"]
    assert (regular["weekday"], regular["time_of_day"], regular["time_zone"]) == (
        1,
        "18:00",
        "America/New_York",
    )
    assert regular["length_minutes"] == program.default_session_minutes
    created = Session.objects.filter(mentorship=mentorship).order_by("starts_at")
    assert body["sync"]["created"] == [s.pk for s in created]
    # 18:00 in New York on Tuesday 5 January is 23:00 UTC.
    assert created[0].starts_at == datetime(2027, 1, 5, 23, tzinfo=UTC)
    read = client.get(path, **bearer(mentor, scope=TokenScope.READ)).json()
    assert read == {"mentorship_id": mentorship.pk, "cadence": regular}

    # The mentor moves it to Thursdays, every two weeks: the sessions follow.
    moved = client.put(
        path,
        {**REGULAR, "frequency": "biweekly", "weekday": 3, "length_minutes": 60},
        content_type="application/json",
        **bearer(mentor),
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["cadence"]["frequency"] == "biweekly"
    assert moved.json()["sync"]["moved"]
    assert Cadence.objects.get(mentorship=mentorship).length_minutes == 60


def test_only_the_parties_reach_the_regular_time(
    client, program, mentorship, other_mentee, success_manager, admin_user, outsider, bearer
):
    path = cadence_url(program, mentorship)
    for who in (other_mentee, success_manager, admin_user, outsider):
        assert client.get(path, **bearer(who)).status_code == 404
        answer = client.put(path, REGULAR, content_type="application/json", **bearer(who))
        assert answer.status_code == 404
    missing = f"/api/v1/programs/{program.slug}/mentorships/99999999/cadence"
    assert client.get(missing, **bearer(other_mentee)).status_code == 404
    assert not Cadence.objects.exists()


def test_a_read_token_cannot_set_the_regular_time(client, program, mentorship, mentee, bearer):
    answer = client.put(
        cadence_url(program, mentorship),
        REGULAR,
        content_type="application/json",
        **bearer(mentee, scope=TokenScope.READ),
    )
    assert (answer.status_code, answer.json()["code"]) == (403, "read_only_token")
    assert not Cadence.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weekday": 7}, "weekday"),
        ({"time_of_day": "25:00"}, "time_of_day"),
        ({"length_minutes": 10}, "length_minutes"),
        ({"length_minutes": 241}, "length_minutes"),
        ({"frequency": "daily"}, "frequency"),
        ({"starts_on": "2099-01-01"}, "starts_on"),
        ({"starts_on": "next week"}, "starts_on"),
    ],
)
def test_a_bad_regular_time_is_refused_naming_the_field(
    client, program, mentorship, mentee, bearer, change, field
):
    f.CadenceFactory(mentorship=mentorship, weekday=4, time_of_day=time(8))
    answer = client.put(
        cadence_url(program, mentorship),
        {**REGULAR, **change},
        content_type="application/json",
        **bearer(mentee),
    )
    assert answer.status_code == 422, answer.content
    assert (answer.json()["code"], answer.json()["field"]) == ("invalid", field)
    kept = Cadence.objects.get(mentorship=mentorship)
    assert (kept.weekday, kept.time_of_day) == (4, time(8))
    assert not Session.objects.exists()


def test_a_regular_time_in_new_york_keeps_its_wall_clock_time_across_dst(
    client, program, mentorship, mentee, bearer
):
    program.booking_window_weeks = 12
    program.save(update_fields=["booking_window_weeks"])
    answer = client.put(
        cadence_url(program, mentorship),
        REGULAR,
        content_type="application/json",
        **bearer(mentee),
    )
    assert answer.status_code == 200, answer.content
    starts = list(
        Session.objects.filter(mentorship=mentorship)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )
    assert {s.astimezone(NEW_YORK).time() for s in starts} == {time(18)}
    assert datetime(2027, 3, 9, 23, tzinfo=UTC) in starts  # EST
    assert datetime(2027, 3, 16, 22, tzinfo=UTC) in starts  # EDT
    days = [s.astimezone(NEW_YORK).date() for s in starts]
    assert all(later - earlier == timedelta(days=7) for earlier, later in pairwise(days))
