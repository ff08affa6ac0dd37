"""Every time is written with its zone, never ambiguously: literal times.

New York falls back on Sunday 7 November 2027 (02:00 EDT becomes 01:00 EST),
Berlin springs forward on Sunday 28 March 2027 (02:00 CET becomes 03:00 CEST).
"""

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from mentora.notifications.emails import message_email
from mentora.notifications.messages import Message
from mentora.notifications.models import Kind, Notification
from mentora.scheduling import timelabels
from mentora.tests import factories as f

NY = "America/New_York"


def at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the zone label ----------------------------------------------------------


def test_the_two_01_00s_of_the_new_york_fold_are_labelled_differently():
    first = at(2027, 11, 7, 5)  # 01:00 EDT
    second = at(2027, 11, 7, 6)  # 01:00 EST, an hour later

    assert timelabels.clock(first, NY) == "01:00 EDT"
    assert timelabels.clock(second, NY) == "01:00 EST"


def test_a_fold_whose_abbreviation_does_not_change_is_told_apart_by_offsets():
    # Moscow went from UTC+4 to UTC+3 on 26 October 2014 at 02:00, "MSK" throughout.
    first, second = at(2014, 10, 25, 21, 30), at(2014, 10, 25, 22, 30)

    assert timelabels.clock(first, "Europe/Moscow") == "01:30 UTC+4"
    assert timelabels.clock(second, "Europe/Moscow") == "01:30 UTC+3"
    # Away from the fold the abbreviation is used.
    assert timelabels.clock(at(2014, 12, 1, 9), "Europe/Moscow") == "12:00 MSK"


@pytest.mark.parametrize(
    ("zone", "moment", "label"),
    [
        ("America/Sao_Paulo", at(2027, 1, 5, 15), "12:00 UTC\u22123"),
        ("Asia/Dubai", at(2027, 1, 5, 8), "12:00 UTC+4"),
        ("Asia/Kathmandu", at(2027, 1, 5, 6, 15), "12:00 UTC+5:45"),
        # zoneinfo gives Kolkata its abbreviation, IST: an alphabetic one is kept.
        ("Asia/Kolkata", at(2027, 1, 5, 6, 30), "12:00 IST"),
        ("UTC", at(2027, 1, 5, 12), "12:00 UTC"),
        ("Europe/London", at(2027, 1, 5, 12), "12:00 GMT"),
        ("Europe/Berlin", at(2027, 3, 27, 11), "12:00 CET"),
        ("Europe/Berlin", at(2027, 3, 29, 10), "12:00 CEST"),
    ],
)
def test_a_zone_is_named_by_its_abbreviation_or_else_its_utc_offset(zone, moment, label):
    assert timelabels.clock(moment, zone) == label


def test_berlin_on_both_sides_of_the_spring_change():
    assert timelabels.clock(at(2027, 3, 28, 0, 30), "Europe/Berlin") == "01:30 CET"
    assert timelabels.clock(at(2027, 3, 28, 1, 0), "Europe/Berlin") == "03:00 CEST"


@pytest.mark.parametrize(
    ("minutes", "label"),
    [(0, "UTC"), (-180, "UTC\u22123"), (330, "UTC+5:30"), (-570, "UTC\u22129:30"), (240, "UTC+4")],
)
def test_utc_offsets_have_a_real_minus_sign_and_no_zero_minutes(minutes, label):
    assert timelabels.utc_offset_label(timedelta(minutes=minutes)) == label


# --- whole moments and spans -------------------------------------------------


def test_a_moment_in_the_readers_active_zone():
    with timezone.override(ZoneInfo("Europe/Berlin")):
        assert timelabels.format_moment(at(2027, 3, 2, 17)) == "Tuesday 2 March at 18:00 CET"


def test_a_span_across_the_fold_labels_both_ends():
    start, end = at(2027, 11, 7, 5, 30), at(2027, 11, 7, 6, 15)  # 01:30 EDT to 01:15 EST

    assert timelabels.clock_span(start, end, NY) == "01:30 EDT–01:15 EST"
    assert timelabels.format_span(at(2027, 1, 5, 17), at(2027, 1, 5, 17, 45), NY) == (
        "Tuesday 5 January, 12:00–12:45 EST"
    )


def test_the_template_filters_print_through_the_same_labels():
    template = Template(
        "{% load scheduling_times %}{{ t|clock }} · {{ t|clock:zone }} · {{ t|moment }} · "
        "{{ t|datetime_attr }}"
    )
    moment = at(2027, 1, 5, 17, 0) + timedelta(microseconds=123)
    with timezone.override(ZoneInfo("America/Sao_Paulo")):
        html = template.render(Context({"t": moment, "zone": NY}))

    assert html == (
        "14:00 UTC\u22123 · 12:00 EST · Tuesday 5 January at 14:00 UTC\u22123 · "
        "2027-01-05T17:00:00Z"
    )


# --- the regular time in the reader's zone -----------------------------------


@pytest.mark.django_db
@time_machine.travel(at(2027, 1, 4, 12), tick=False)
def test_the_regular_time_is_converted_to_the_readers_zone_and_names_its_own(mentorship):
    # Mo (New York) set Tuesdays 18:00 his time: for Mia in Berlin that is Wednesday 00:00.
    cadence = f.CadenceFactory(mentorship=mentorship, weekday=1, time_of_day=time(18))
    template = Template("{% load scheduling_times %}{{ c|regular_time }}")

    with timezone.override(ZoneInfo("Europe/Berlin")):
        theirs = template.render(Context({"c": cadence}))
    with timezone.override(ZoneInfo(NY)):
        his = template.render(Context({"c": cadence}))

    assert theirs == (
        "Every week on Wednesday at 00:00 CET, 45 min (in America/New_York: Tuesday 18:00 EST)"
    )
    assert his == "Every week on Tuesday at 18:00 EST, 45 min"


# --- the slot picker at the fold ---------------------------------------------


@pytest.mark.django_db
@time_machine.travel(at(2027, 11, 4, 12), tick=False)
def test_the_slot_picker_offers_both_01_00s_of_the_fold_with_different_labels(
    client, program, mentee, mentor, mentorship
):
    # Mo (New York) is free from midnight to 03:00 on the night the clocks go back.
    f.DateOverrideFactory(
        mentor=mentor,
        date=datetime(2027, 11, 7).date(),
        kind="extra",
        start_time=time(0),
        end_time=time(3),
    )
    mentee.time_zone = NY
    mentee.save(update_fields=["time_zone"])
    client.force_login(mentee)

    html = client.get(reverse("session_book", args=[program.slug, mentorship.pk])).content.decode()

    assert "01:00 EDT" in html
    assert "01:00 EST" in html
    assert html.count(">01:00 EDT<") == 1
    assert html.count(">01:00 EST<") == 1


def test_a_session_reads_in_the_readers_zone_and_the_other_persons():
    start, end = at(2027, 3, 2, 17), at(2027, 3, 2, 17, 45)

    assert timelabels.times_for_people(
        start, end, reader_zone="Europe/Berlin", others=[("Mo", NY), ("Sam", "America/Sao_Paulo")]
    ) == (
        "Tuesday 2 March, 18:00–18:45 CET for you · Tue 12:00–12:45 EST for Mo"
        " · Tue 14:00–14:45 UTC\u22123 for Sam"
    )


# --- the session page ----------------------------------------------------------

MEET = "https://meet.example.com/mo"
START = at(2027, 3, 2, 17)  # Tuesday 18:00 in Berlin, 12:00 in New York


@pytest.fixture
def booked(mentorship, mentor):
    mentor.mentor_profile.meeting_link = MEET
    mentor.mentor_profile.save(update_fields=["meeting_link"])
    return f.SessionFactory(mentorship=mentorship, starts_at=START)


def session_page(client, person, session):
    client.force_login(person)
    return client.get(
        reverse("session_detail", args=[session.program.slug, session.pk])
    ).content.decode()


def join_button(html):
    return f'<a class="button" href="{MEET}" rel="noopener noreferrer">Join</a>' in html


@pytest.mark.django_db
def test_the_session_page_gives_both_parties_local_times(client, mentee, mentor, booked):
    with time_machine.travel(START - timedelta(days=1), tick=False):
        for_mia = session_page(client, mentee, booked)
        for_mo = session_page(client, mentor, booked)

    assert "Tuesday 2 March, 18:00–18:45 CET for you · Tue 12:00–12:45 EST for Mo Mentor" in (
        for_mia
    )
    assert "Tuesday 2 March, 12:00–12:45 EST for you · Tue 18:00–18:45 CET for Mia Mentee" in (
        for_mo
    )


@pytest.mark.django_db
def test_join_appears_ten_minutes_before_the_start_and_goes_at_the_end(client, mentee, booked):
    with time_machine.travel(START - timedelta(minutes=11), tick=False):
        early = session_page(client, mentee, booked)
    with time_machine.travel(START - timedelta(minutes=9), tick=False):
        soon = session_page(client, mentee, booked)
    with time_machine.travel(START + timedelta(minutes=46), tick=False):
        over = session_page(client, mentee, booked)

    assert not join_button(early)
    assert f'<a href="{MEET}" rel="noopener noreferrer">{MEET}</a>' in early  # the plain link
    assert "appears here at 17:50 CET" in early
    assert join_button(soon)
    assert not join_button(over)


@pytest.mark.django_db
def test_a_cancelled_session_shows_no_meeting_link(client, mentee, booked):
    booked.status = "cancelled"
    booked.cancelled_at = START - timedelta(days=2)
    booked.cancel_reason = "illness"
    booked.cancellation_kind = "on_time"
    booked.save(update_fields=["status", "cancelled_at", "cancel_reason", "cancellation_kind"])
    with time_machine.travel(START - timedelta(minutes=5), tick=False):
        html = session_page(client, mentee, booked)

    assert MEET not in html


@pytest.mark.django_db
def test_reflect_is_offered_only_once_the_session_has_started(client, mentee, booked):
    reflect = reverse("session_reflect", args=[booked.program.slug, booked.pk])
    with time_machine.travel(START - timedelta(minutes=1), tick=False):
        before = session_page(client, mentee, booked)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        during = session_page(client, mentee, booked)

    assert reflect not in before
    assert reflect in during


@pytest.mark.django_db
def test_the_schedule_shows_the_regular_time_in_the_viewers_zone(client, mentee, mentorship):
    f.CadenceFactory(mentorship=mentorship, weekday=1, time_of_day=time(18), starts_on=START.date())
    with time_machine.travel(START - timedelta(days=7), tick=False):
        client.force_login(mentee)
        html = client.get(reverse("schedule", args=[mentorship.program.slug])).content.decode()

    assert "Times are in your zone" in html
    assert (
        "Regular: Every week on Wednesday at 00:00 CET, 45 min "
        "(in America/New_York: Tuesday 18:00 EST)" in html
    )


# --- the inbox and the emails ----------------------------------------------------


@pytest.mark.django_db
def test_the_inbox_gives_each_time_its_zone_and_a_valid_datetime(client, mentee):
    Notification.objects.create(
        recipient=mentee,
        kind=Kind.REMINDERS,
        key="test:zone",
        title="Your session is tomorrow",
        created_at=at(2027, 7, 5, 16, 30) + timedelta(microseconds=250),
    )
    client.force_login(mentee)

    html = client.get(reverse("inbox")).content.decode()

    assert '<time datetime="2027-07-05T16:30:00Z">Mon 5 Jul 2027, 18:30 CEST</time>' in html


@pytest.mark.django_db
def test_an_email_says_when_with_the_zone_label(mentor):
    message = Message(
        recipient=mentor,
        kind=Kind.REMINDERS,
        key="test:when",
        title="Session soon",
        lines=["Your session starts soon."],
        when=at(2027, 11, 7, 6),  # the second 01:00 in New York
    )

    email = message_email(message, message_id="<t@example.org>")

    assert "When: Sunday 7 November 2027, 01:00 EST (America/New_York)" in email.body
    html = str(email.alternatives[0][0])
    assert "Sunday 7 November 2027, 01:00 EST (America/New_York)" in html


@pytest.mark.django_db
def test_a_zone_without_abbreviation_reads_as_an_offset_on_the_cancel_page(client, mentee, booked):
    mentee.time_zone = "America/Sao_Paulo"
    mentee.save(update_fields=["time_zone"])
    with time_machine.travel(START - timedelta(days=3), tick=False):
        client.force_login(mentee)
        html = client.get(
            reverse("session_cancel", args=[booked.program.slug, booked.pk])
        ).content.decode()

    assert "Cancel the session on Tuesday 2 March at 14:00 UTC\u22123?" in html
    assert "-03" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["agenda", "session_workspace"])
def test_the_session_pages_of_the_workspace_label_the_fold(client, mentee, mentorship, page):
    # 01:30 EDT to 01:15 EST: Django's own "T" prints nothing here.
    session = f.SessionFactory(mentorship=mentorship, starts_at=at(2027, 11, 7, 5, 30))
    mentee.time_zone = NY
    mentee.save(update_fields=["time_zone"])
    with time_machine.travel(at(2027, 11, 5, 12), tick=False):
        client.force_login(mentee)
        html = client.get(reverse(page, args=[session.program.slug, session.pk])).content.decode()

    assert "Sunday 7 November 2027, <strong>01:30 EDT–01:15 EST</strong>" in html


# --- no template words a zone itself -------------------------------------------

DATE_FORMAT = re.compile(r"""\|date:(["'])(.*?)\1""")


def test_no_template_prints_a_zone_with_djangos_T():
    """Django's "T" prints '-03' for Sao Paulo and nothing at all at the autumn
    fold: times go through the scheduling_times filters (clock, stamp, span, moment)."""
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in Path(settings.BASE_DIR, "mentora").rglob("templates/**/*.*")
        for match in DATE_FORMAT.finditer(path.read_text(encoding="utf-8"))
        if re.search(r"(?<!\\)T", match.group(2))
    ]

    assert offenders == []
