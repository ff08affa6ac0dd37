"""The mentor's availability editor: the services' rules, the page, who may see it."""

import html
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from mentora.scheduling.availability import services
from mentora.scheduling.errors import SchedulingCode, SchedulingError
from mentora.scheduling.models import DateOverride, OverrideKind, TimeOff, WeeklyHours
from mentora.tests import factories as f
from mentora.tests.clock import NOW
from mentora.tests.querycount import count_queries_before_and_after

pytestmark = pytest.mark.django_db

# NOW (Monday 4 January 2027, 12:00 UTC) is 07:00 in New York, where the mentor lives.
TUESDAY = 1


def url(program):
    return reverse("availability_edit", args=[program.slug])


def all_rows():
    """Every availability row in the database, to prove a refusal changed nothing."""
    return (
        list(WeeklyHours.objects.order_by("pk").values()),
        list(DateOverride.objects.order_by("pk").values()),
        list(TimeOff.objects.order_by("pk").values()),
    )


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


# --- weekly_hours_add / weekly_hours_remove -----------------------------------


def test_weekly_hours_add_saves_a_range(mentor):
    hours = services.weekly_hours_add(
        mentor=mentor, weekday=TUESDAY, start_time=time(18), end_time=time(20)
    )

    assert WeeklyHours.objects.get(mentor=mentor) == hours
    assert str(hours) == "Tuesday 18:00–20:00"


def test_weekly_hours_add_allows_several_ranges_a_day_that_touch(mentor):
    services.weekly_hours_add(mentor=mentor, weekday=TUESDAY, start_time=time(9), end_time=time(12))
    services.weekly_hours_add(
        mentor=mentor, weekday=TUESDAY, start_time=time(12), end_time=time(14)
    )

    assert WeeklyHours.objects.filter(mentor=mentor, weekday=TUESDAY).count() == 2


@pytest.mark.parametrize(
    ("start", "end"),
    [(time(17), time(19)), (time(19), time(21)), (time(18, 30), time(19)), (time(17), time(21))],
)
def test_weekly_hours_add_refuses_an_overlap_and_names_it(mentor, start, end):
    f.WeeklyHoursFactory.create(
        mentor=mentor, weekday=TUESDAY, start_time=time(18), end_time=time(20)
    )

    with pytest.raises(SchedulingError) as caught:
        services.weekly_hours_add(mentor=mentor, weekday=TUESDAY, start_time=start, end_time=end)

    assert caught.value.code == SchedulingCode.OVERLAP
    assert "Tuesday 18:00–20:00" in caught.value.message
    assert WeeklyHours.objects.filter(mentor=mentor).count() == 1


def test_weekly_hours_add_ignores_other_days_and_other_mentors(mentor):
    f.WeeklyHoursFactory.create(mentor=mentor, weekday=0, start_time=time(18), end_time=time(20))
    f.WeeklyHoursFactory.create(weekday=TUESDAY, start_time=time(18), end_time=time(20))

    services.weekly_hours_add(
        mentor=mentor, weekday=TUESDAY, start_time=time(18), end_time=time(20)
    )

    assert WeeklyHours.objects.filter(mentor=mentor).count() == 2


@pytest.mark.parametrize("end", [time(17), time(18)])
def test_weekly_hours_add_refuses_end_not_after_start(mentor, end):
    with pytest.raises(SchedulingError) as caught:
        services.weekly_hours_add(mentor=mentor, weekday=TUESDAY, start_time=time(18), end_time=end)

    assert caught.value.code == SchedulingCode.END_NOT_AFTER_START
    assert not WeeklyHours.objects.exists()


def test_weekly_hours_add_refuses_an_unknown_weekday(mentor):
    with pytest.raises(SchedulingError) as caught:
        services.weekly_hours_add(mentor=mentor, weekday=9, start_time=time(9), end_time=time(10))

    assert caught.value.code == SchedulingCode.INVALID
    assert not WeeklyHours.objects.exists()


def test_weekly_hours_remove_deletes_own_range(mentor):
    hours = f.WeeklyHoursFactory.create(mentor=mentor)

    services.weekly_hours_remove(mentor=mentor, weekly_hours_id=hours.pk)

    assert not WeeklyHours.objects.exists()


def test_weekly_hours_remove_refuses_someone_elses_range(mentor):
    theirs = f.WeeklyHoursFactory.create()

    with pytest.raises(SchedulingError) as caught:
        services.weekly_hours_remove(mentor=mentor, weekly_hours_id=theirs.pk)

    assert caught.value.code == SchedulingCode.NOT_FOUND
    assert WeeklyHours.objects.filter(pk=theirs.pk).exists()


# --- date_override_add / date_override_remove ---------------------------------


def test_date_override_add_saves_extra_hours(mentor):
    override = services.date_override_add(
        mentor=mentor,
        date=date(2027, 1, 9),
        kind=OverrideKind.EXTRA,
        start_time=time(10),
        end_time=time(12),
        now=NOW,
    )

    assert DateOverride.objects.get(mentor=mentor) == override


def test_date_override_add_refuses_a_date_in_the_past(mentor):
    with pytest.raises(SchedulingError) as caught:
        services.date_override_add(
            mentor=mentor, date=date(2027, 1, 3), kind=OverrideKind.DAY_OFF, now=NOW
        )

    assert caught.value.code == SchedulingCode.DATE_IN_PAST
    assert not DateOverride.objects.exists()


def test_date_override_add_counts_today_in_the_mentors_zone(mentor):
    # 03:00 UTC on the 5th is still the evening of the 4th in New York.
    late_evening_in_new_york = datetime(2027, 1, 5, 3, 0, tzinfo=UTC)

    services.date_override_add(
        mentor=mentor, date=date(2027, 1, 4), kind="day_off", now=late_evening_in_new_york
    )

    assert DateOverride.objects.filter(mentor=mentor, date=date(2027, 1, 4)).exists()


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (None, None, SchedulingCode.TIMES_REQUIRED),
        (time(10), None, SchedulingCode.TIMES_REQUIRED),
        (time(12), time(10), SchedulingCode.END_NOT_AFTER_START),
    ],
)
def test_date_override_add_refuses_extra_hours_without_a_valid_range(mentor, start, end, code):
    with pytest.raises(SchedulingError) as caught:
        services.date_override_add(
            mentor=mentor,
            date=date(2027, 1, 9),
            kind=OverrideKind.EXTRA,
            start_time=start,
            end_time=end,
            now=NOW,
        )

    assert caught.value.code == code
    assert not DateOverride.objects.exists()


def test_date_override_add_refuses_times_on_a_day_off(mentor):
    with pytest.raises(SchedulingError) as caught:
        services.date_override_add(
            mentor=mentor,
            date=date(2027, 1, 9),
            kind=OverrideKind.DAY_OFF,
            start_time=time(10),
            now=NOW,
        )

    assert caught.value.code == SchedulingCode.TIMES_NOT_ALLOWED
    assert not DateOverride.objects.exists()


def test_date_override_add_refuses_a_second_day_off_on_one_date(mentor):
    f.DateOverrideFactory.create(mentor=mentor, date=date(2027, 1, 9), kind=OverrideKind.DAY_OFF)

    with pytest.raises(SchedulingError) as caught:
        services.date_override_add(
            mentor=mentor, date=date(2027, 1, 9), kind=OverrideKind.DAY_OFF, now=NOW
        )

    assert caught.value.code == SchedulingCode.ALREADY_DAY_OFF
    assert DateOverride.objects.count() == 1


def test_date_override_add_refuses_overlapping_extra_hours(mentor):
    f.DateOverrideFactory.create(
        mentor=mentor,
        date=date(2027, 1, 9),
        kind=OverrideKind.EXTRA,
        start_time=time(10),
        end_time=time(12),
    )

    with pytest.raises(SchedulingError) as caught:
        services.date_override_add(
            mentor=mentor,
            date=date(2027, 1, 9),
            kind=OverrideKind.EXTRA,
            start_time=time(11),
            end_time=time(13),
            now=NOW,
        )

    assert caught.value.code == SchedulingCode.OVERLAP
    assert "10:00–12:00" in caught.value.message


def test_date_override_remove_refuses_someone_elses_date(mentor):
    theirs = f.DateOverrideFactory.create(date=date(2027, 1, 9))

    with pytest.raises(SchedulingError) as caught:
        services.date_override_remove(mentor=mentor, date_override_id=theirs.pk)

    assert caught.value.code == SchedulingCode.NOT_FOUND
    assert DateOverride.objects.filter(pk=theirs.pk).exists()


def test_date_override_remove_deletes_own_date(mentor):
    mine = f.DateOverrideFactory.create(mentor=mentor, date=date(2027, 1, 9))

    services.date_override_remove(mentor=mentor, date_override_id=mine.pk)

    assert not DateOverride.objects.exists()


# --- time_off_add / time_off_remove -------------------------------------------


def test_time_off_add_saves_a_stretch_that_started_yesterday(mentor):
    time_off = services.time_off_add(
        mentor=mentor, starts_on=date(2027, 1, 3), ends_on=date(2027, 1, 10), note="Trip", now=NOW
    )

    assert TimeOff.objects.get(mentor=mentor) == time_off


def test_time_off_add_refuses_end_before_start(mentor):
    with pytest.raises(SchedulingError) as caught:
        services.time_off_add(
            mentor=mentor, starts_on=date(2027, 1, 10), ends_on=date(2027, 1, 9), now=NOW
        )

    assert caught.value.code == SchedulingCode.END_NOT_AFTER_START
    assert not TimeOff.objects.exists()


def test_time_off_add_refuses_a_stretch_entirely_in_the_past(mentor):
    with pytest.raises(SchedulingError) as caught:
        services.time_off_add(
            mentor=mentor, starts_on=date(2026, 12, 20), ends_on=date(2027, 1, 3), now=NOW
        )

    assert caught.value.code == SchedulingCode.DATE_IN_PAST
    assert not TimeOff.objects.exists()


def test_time_off_add_refuses_more_than_a_year(mentor):
    with pytest.raises(SchedulingError) as caught:
        services.time_off_add(
            mentor=mentor, starts_on=date(2027, 1, 4), ends_on=date(2028, 1, 4), now=NOW
        )

    assert caught.value.code == SchedulingCode.TIME_OFF_TOO_LONG
    assert not TimeOff.objects.exists()


def test_time_off_add_allows_exactly_365_days(mentor):
    services.time_off_add(
        mentor=mentor, starts_on=date(2027, 1, 4), ends_on=date(2028, 1, 3), now=NOW
    )

    assert TimeOff.objects.filter(mentor=mentor).count() == 1


def test_time_off_remove_refuses_someone_elses_time_off(mentor):
    theirs = f.TimeOffFactory.create(starts_on=date(2027, 1, 9), ends_on=date(2027, 1, 10))

    with pytest.raises(SchedulingError) as caught:
        services.time_off_remove(mentor=mentor, time_off_id=theirs.pk)

    assert caught.value.code == SchedulingCode.NOT_FOUND
    assert TimeOff.objects.filter(pk=theirs.pk).exists()


# --- The page: who sees it -----------------------------------------------------


def test_page_requires_login(client, program):
    response = client.get(url(program))

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("person", ["mentee", "success_manager", "admin_user", "outsider"])
def test_page_is_not_found_for_anyone_but_a_mentor(client, request, program, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url(program)).status_code == 404
    assert client.post(url(program), {"action": "add_weekly"}).status_code == 404


def test_page_names_the_mentors_zone_and_lists_their_ranges(client, program, mentor, at_now):
    f.WeeklyHoursFactory.create(
        mentor=mentor, weekday=TUESDAY, start_time=time(9), end_time=time(12)
    )
    f.WeeklyHoursFactory.create(
        mentor=mentor, weekday=TUESDAY, start_time=time(14), end_time=time(17)
    )
    f.WeeklyHoursFactory.create(start_time=time(6), end_time=time(7))  # someone else's
    client.force_login(mentor)

    response = client.get(url(program))

    assert response.status_code == 200
    body = text(response)
    assert "Times are in your zone, America/New_York" in body
    assert "09:00–12:00" in body
    assert "14:00–17:00" in body
    assert "06:00–07:00" not in body


def test_page_preview_shows_open_times_in_the_mentors_zone(client, program, mentor, at_now):
    # Tuesday 18:00 in New York is 23:00 UTC and midnight in Berlin.
    f.WeeklyHoursFactory.create(
        mentor=mentor, weekday=TUESDAY, start_time=time(18), end_time=time(20)
    )
    client.force_login(mentor)

    response = client.get(url(program))

    preview = text(response).split('id="preview"')[1].split("</section>")[0]
    assert "Tuesday 5 January" in preview
    assert '<li class="tag">18:00</li>' in preview
    assert '<li class="tag">23:00</li>' not in preview
    assert "America/New_York" in preview


def test_page_preview_covers_the_days_it_says_not_the_first_ten_slots(
    client, program, mentor, at_now
):
    # Every weekday 09:00–12:00 in New York: far more than ten open times in 14 days.
    for weekday in range(5):
        f.WeeklyHoursFactory.create(
            mentor=mentor, weekday=weekday, start_time=time(9), end_time=time(12)
        )
    client.force_login(mentor)

    response = client.get(url(program))

    preview = text(response).split('id="preview"')[1].split("</section>")[0]
    assert "the next 14 days" in preview
    assert preview.count('<li class="tag">') > 10
    # The last weekday inside the 14 days is there; the 15th day is not.
    assert "Friday 15 January" in preview and "Monday 18 January" not in preview
    assert [d.label for d in response.context["preview"]][-1] == "Friday 15 January"


def test_page_preview_leaves_out_a_day_off(client, program, mentor, at_now):
    f.WeeklyHoursFactory.create(
        mentor=mentor, weekday=TUESDAY, start_time=time(18), end_time=time(20)
    )
    f.DateOverrideFactory.create(mentor=mentor, date=date(2027, 1, 5), kind=OverrideKind.DAY_OFF)
    client.force_login(mentor)

    preview = text(client.get(url(program))).split('id="preview"')[1]

    assert "Tuesday 5 January" not in preview
    assert "Tuesday 12 January" in preview


def test_page_preview_says_so_without_weekly_hours(client, program, mentor, at_now):
    client.force_login(mentor)

    response = client.get(url(program))

    assert "Add weekly hours to see your open times here." in text(response)


def test_page_query_count_does_not_grow_with_ranges(client, program, mentor, at_now):
    client.force_login(mentor)
    added: list[WeeklyHours] = []

    def grow(n):
        for _ in range(n):
            i = len(added)
            added.append(
                f.WeeklyHoursFactory.create(
                    mentor=mentor, weekday=i % 7, start_time=time(8 + i), end_time=time(9 + i)
                )
            )
            f.DateOverrideFactory.create(mentor=mentor, date=date(2027, 1, 10 + i), kind="day_off")
            f.TimeOffFactory.create(
                mentor=mentor, starts_on=date(2027, 2, 1 + i), ends_on=date(2027, 2, 1 + i)
            )

    few, many = count_queries_before_and_after(client, url(program), grow=grow, first=1, more=5)

    assert len(added) == 6
    assert many == few


# --- The page: adding and removing ----------------------------------------------


def weekly_post(**changes):
    data = {
        "action": "add_weekly",
        "weekly-weekday": "1",
        "weekly-start_time": "18:00",
        "weekly-end_time": "20:00",
    }
    return {**data, **changes}


def test_post_add_weekly_saves_and_redirects_with_a_message(client, program, mentor, at_now):
    client.force_login(mentor)

    response = client.post(url(program), weekly_post(), follow=True)

    assert response.redirect_chain == [(url(program), 302)]
    assert WeeklyHours.objects.filter(
        mentor=mentor, weekday=TUESDAY, start_time=time(18), end_time=time(20)
    ).exists()
    assert "Added Tuesday 18:00–20:00." in text(response)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weekly-end_time": "17:00"}, "The end (17:00) must be after the start (18:00)."),
        ({"weekly-start_time": "19:00"}, "This overlaps your Tuesday 17:00–20:00 range."),
        ({"weekly-start_time": "25:99"}, "Enter a time as hours and minutes, for example 18:00."),
        ({"weekly-end_time": ""}, "Enter the end time, for example 18:00."),
        ({"weekly-weekday": "9"}, "Choose a day of the week from the list."),
    ],
)
def test_post_add_weekly_refused_changes_nothing_and_says_why(
    client, program, mentor, at_now, changes, message
):
    f.WeeklyHoursFactory.create(
        mentor=mentor, weekday=TUESDAY, start_time=time(17), end_time=time(20)
    )
    client.force_login(mentor)
    before = all_rows()

    response = client.post(url(program), weekly_post(**changes))

    assert response.status_code == 400
    assert message in text(response)
    assert 'class="error" role="alert"' in text(response)
    assert all_rows() == before


def test_post_add_override_in_the_past_is_refused_next_to_the_date(client, program, mentor, at_now):
    client.force_login(mentor)
    before = all_rows()

    response = client.post(
        url(program),
        {"action": "add_override", "override-date": "2027-01-01", "override-kind": "day_off"},
    )

    assert response.status_code == 400
    assert "Friday 1 January 2027 is in the past." in text(response)
    assert all_rows() == before


def test_post_add_override_extra_without_end_is_refused(client, program, mentor, at_now):
    client.force_login(mentor)
    before = all_rows()

    response = client.post(
        url(program),
        {
            "action": "add_override",
            "override-date": "2027-01-09",
            "override-kind": "extra",
            "override-start_time": "10:00",
        },
    )

    assert response.status_code == 400
    assert "Extra hours need both a start and an end time." in text(response)
    assert all_rows() == before


def test_post_add_override_saves_a_day_off(client, program, mentor, at_now):
    client.force_login(mentor)

    response = client.post(
        url(program),
        {"action": "add_override", "override-date": "2027-01-09", "override-kind": "day_off"},
        follow=True,
    )

    assert DateOverride.objects.filter(mentor=mentor, date=date(2027, 1, 9)).exists()
    assert "Added a day off on Sat 9 Jan 2027." in text(response)


def test_post_add_time_off_end_before_start_is_refused(client, program, mentor, at_now):
    client.force_login(mentor)
    before = all_rows()

    response = client.post(
        url(program),
        {
            "action": "add_time_off",
            "time_off-starts_on": "2027-02-10",
            "time_off-ends_on": "2027-02-01",
        },
    )

    assert response.status_code == 400
    assert "can't be before the first" in text(response)
    assert all_rows() == before


def test_post_add_time_off_with_an_overlong_note_is_refused(client, program, mentor, at_now):
    client.force_login(mentor)
    before = all_rows()

    response = client.post(
        url(program),
        {
            "action": "add_time_off",
            "time_off-starts_on": "2027-02-01",
            "time_off-ends_on": "2027-02-10",
            "time_off-note": "x" * 201,
        },
    )

    assert response.status_code == 400
    assert "at most 200 characters (you wrote 201)" in text(response)
    assert all_rows() == before


def test_post_add_time_off_saves_and_lists_it(client, program, mentor, at_now):
    client.force_login(mentor)

    response = client.post(
        url(program),
        {
            "action": "add_time_off",
            "time_off-starts_on": "2027-02-01",
            "time_off-ends_on": "2027-02-10",
            "time_off-note": "Holiday",
        },
        follow=True,
    )

    assert TimeOff.objects.filter(mentor=mentor, note="Holiday").exists()
    assert "Added time off from Mon 1 Feb 2027 to Wed 10 Feb 2027." in text(response)


ROW_FACTORIES = [
    ("remove_weekly", lambda owner: f.WeeklyHoursFactory.create(mentor=owner)),
    (
        "remove_override",
        lambda owner: f.DateOverrideFactory.create(mentor=owner, date=date(2027, 1, 9)),
    ),
    (
        "remove_time_off",
        lambda owner: f.TimeOffFactory.create(
            mentor=owner, starts_on=date(2027, 1, 9), ends_on=date(2027, 1, 9)
        ),
    ),
]


@pytest.mark.parametrize(("action", "factory"), ROW_FACTORIES)
def test_post_remove_own_row_deletes_it(client, program, mentor, at_now, action, factory):
    row = factory(mentor)
    client.force_login(mentor)

    response = client.post(url(program), {"action": action, "id": str(row.pk)})

    assert response.status_code == 302
    assert not type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(("action", "factory"), ROW_FACTORIES)
def test_post_remove_someone_elses_row_changes_nothing(
    client, program, mentor, at_now, action, factory
):
    theirs = factory(f.UserFactory.create())
    client.force_login(mentor)
    before = all_rows()

    response = client.post(url(program), {"action": action, "id": str(theirs.pk)})

    assert response.status_code == 400
    assert "isn't yours or was already removed. Nothing was changed." in text(response)
    assert all_rows() == before


@pytest.mark.parametrize("bad_id", ["abc", "", "-1", "1.5", "99999999999999999999999"])
def test_post_remove_with_a_bad_id_changes_nothing(client, program, mentor, at_now, bad_id):
    f.WeeklyHoursFactory.create(mentor=mentor)
    client.force_login(mentor)
    before = all_rows()

    response = client.post(url(program), {"action": "remove_weekly", "id": bad_id})

    assert response.status_code == 400
    assert "That weekly range couldn't be found. Nothing was changed." in text(response)
    assert all_rows() == before


@pytest.mark.parametrize("action", ["delete_everything", ""])
def test_post_unknown_action_is_refused_with_a_message(client, program, mentor, at_now, action):
    f.WeeklyHoursFactory.create(mentor=mentor)
    client.force_login(mentor)
    before = all_rows()

    response = client.post(url(program), {"action": action, "id": "1"})

    assert response.status_code == 400
    assert "This page doesn't know that action. Nothing was changed" in text(response)
    assert all_rows() == before
