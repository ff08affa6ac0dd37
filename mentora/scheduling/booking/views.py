"""Scheduling pages: schedule, slot picker, session page and its actions.

Thin views: `@program_view` admits the program's people, scheduling.access
finds the mentorship or session for this viewer (404 for anyone outside it),
then the view validates a form, calls one service and redirects. A
SchedulingError becomes a message on the page (errors.form_error / page_error,
or the slot picker's list of alternatives) with status 409, never a 500.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora import errors, inputs
from mentora.programs.access import sees_meeting_link
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Mentorship, Program, Role
from mentora.scheduling import access, policies, queries, slots, timelabels
from mentora.scheduling.booking import services
from mentora.scheduling.booking.forms import (
    AttendanceForm,
    CancelForm,
    KeepSessionForm,
    MakeupRequestForm,
    SlotForm,
)
from mentora.scheduling.calendars import busy as calendar_busy
from mentora.scheduling.errors import SchedulingCode, SchedulingError
from mentora.scheduling.models import (
    AgendaSwitch,
    CancellationKind,
    CancelReason,
    Session,
    SessionKind,
    SessionStatus,
)
from mentora.scheduling.rooms import links
from mentora.scheduling.rooms.forms import MeetingLinkForm

if TYPE_CHECKING:
    from mentora.accounts.models import User

PICKER_DAYS = 7
PAST_SHOWN = 30


def _viewer_zone(request: ProgramRequest) -> ZoneInfo:
    return ZoneInfo(request.user.time_zone)


@program_view
def schedule(request: ProgramRequest) -> HttpResponse:
    program, roles = request.program, request.roles
    now = timezone.now()
    context: dict[str, Any] = {
        "program": program,
        "upcoming": queries.upcoming_sessions(request.user, program, now),
        "past": queries.past_sessions(request.user, program, now)[:PAST_SHOWN],
        "mentorships": queries.live_mentorships_of(request.user, program),
        "now": now,
    }
    if Role.MENTOR in roles:
        context["unmarked"] = queries.unmarked_sessions(program, now).filter(mentor=request.user)
    if Role.SUCCESS_MANAGER in roles:
        context["caseload_sessions"] = queries.caseload_sessions(program, request.user).filter(
            starts_at__gte=now - timedelta(days=14), starts_at__lte=now + timedelta(days=14)
        )
        context["caseload_unmarked"] = queries.caseload_unmarked(program, request.user, now)
    return render(request, "scheduling/schedule.html", context)


def _picker_context(
    request: ProgramRequest,
    program: Program,
    mentorship: Mentorship,
    now: datetime,
    *,
    exclude_session_id: int | None = None,
    not_after: datetime | None = None,
) -> dict[str, Any]:
    """The slot picker for one week (in the viewer's zone), chosen by ?week=N."""
    tz = _viewer_zone(request)
    week = inputs.query_int(
        request.GET, "week", default=0, minimum=0, maximum=program.booking_window_weeks
    )
    first: date = now.astimezone(tz).date() + timedelta(days=week * PICKER_DAYS)
    window = slots.day_bounds(first, first + timedelta(days=PICKER_DAYS - 1), tz)
    # Only times the booking would accept: never offered, then refused.
    bookable = queries.bookable_slots(
        mentorship,
        window=window,
        now=now,
        exclude_session_id=exclude_session_id,
        not_after=not_after,
    )
    # Clashes with the mentee's own calendar are shown to the mentee alone.
    mine = request.user.pk == mentorship.mentee_id
    clashes = bookable.mentee_clashes if mine else frozenset()
    days = queries.slots_by_local_day(bookable.starts, tz, first, PICKER_DAYS, clashes)
    return {
        "program": program,
        "mentorship": mentorship,
        "days": days,
        "has_open_times": any(choices for _day, choices in days),
        "viewer_zone_label": timelabels.zone_label(now.astimezone(tz)),
        "mentor_zone_label": timelabels.zone_label(
            now.astimezone(ZoneInfo(mentorship.mentor.time_zone))
        ),
        "full_weeks": [_full_week_note(program, w0, tz) for w0, _w1 in bookable.full_weeks],
        "calendar_note": _calendar_note(request, mentorship, bookable, now),
        "not_after": not_after,
        "week": week,
        "has_next_week": week < program.booking_window_weeks,
        "viewer_zone": request.user.time_zone,
        "length": program.default_session_minutes,
    }


def _calendar_note(
    request: ProgramRequest, mentorship: Mentorship, bookable: queries.Bookable, now: datetime
) -> str:
    """Why no times are offered while the mentor's calendar can't be read: the
    mentor sees since when, anyone else a neutral line."""
    since = bookable.mentor_calendar_stale_since
    if since is None:
        return ""
    if request.user.pk == mentorship.mentor_id:
        return calendar_busy.stale_notice(since, request.user.time_zone, now)
    return calendar_busy.unavailable_notice()


def _full_week_note(program: Program, week_start: datetime, tz: ZoneInfo) -> str:
    """Why a week's times are missing from the picker."""
    return _(
        "No times are offered in the week of %(day)s: it already has the %(limit)d "
        "sessions a week the program allows."
    ) % {
        "day": f"{week_start.astimezone(tz):%A %-d %B}",
        "limit": program.max_sessions_per_mentee_per_week,
    }


def _picked_start(request: ProgramRequest, now: datetime) -> datetime:
    """The start time a person picked: posted by the picker or the confirmation
    page, or in the query string of a link to the confirmation page."""
    data = request.POST if request.method == "POST" else request.GET
    form = SlotForm(data, program=request.program, now=now)
    if not form.is_valid():
        raise SchedulingError(SchedulingCode.BAD_TIME, str(form.errors["starts_at"][0]))
    start: datetime = form.cleaned_data["starts_at"]
    return start


def _refused(
    request: ProgramRequest, template: str, context: dict[str, Any], error: SchedulingError
) -> HttpResponse:
    """The picker or makeup page again, with the refusal and the nearest open
    times to offer instead (the page has no form to hang the message on)."""
    tz = _viewer_zone(request)
    context["error"] = error.message
    context["alternatives"] = [
        queries.SlotChoice(a.isoformat(), timelabels.format_moment(a, tz.key))
        for a in error.alternatives
    ]
    return render(request, template, context, status=409)


def _wants_confirmation(request: ProgramRequest) -> bool:
    """A time was picked (POST, or GET with ?starts_at=) but not yet confirmed."""
    if request.method == "POST":
        return request.POST.get("confirm") != "1"
    return "starts_at" in request.GET


def _someone_picked(request: ProgramRequest) -> bool:
    return request.method == "POST" or "starts_at" in request.GET


def _confirmation(
    request: ProgramRequest,
    context: dict[str, Any],
    mentorship: Mentorship,
    starts_at: datetime,
    length: timedelta,
    now: datetime,
    moving: Session | None = None,
) -> HttpResponse:
    """The step between picking a time and booking it: both people's local
    times, the length and the meeting link, then "Confirm" or "Pick another
    time". A move inside the notice period says it counts as a late cancel."""
    program = mentorship.program
    viewer = request.user
    other = mentorship.mentee if viewer.pk == mentorship.mentor_id else mentorship.mentor
    context.update(
        starts_at=starts_at,
        picked=starts_at.isoformat(),
        length_minutes=int(length.total_seconds() // 60),
        your_time=_moment_for(viewer.time_zone, starts_at),
        other=other,
        other_time=_moment_for(other.time_zone, starts_at),
        meeting_link=_meeting_link(viewer, mentorship, moving),
        gets_room=moving is None and bool(links.rooms_base(program, mentorship.mentor)),
        late_move=moving is not None and services.move_is_late(moving, now),
        # The session being moved, or the missed one a makeup is for.
        current_time=(
            _moment_for(viewer.time_zone, context["session"].starts_at)
            if "session" in context
            else ""
        ),
        notice_hours=program.notice_hours,
        back_url=request.path,
    )
    return render(request, "scheduling/confirm_booking.html", context)


def _moment_for(zone: str, moment: datetime) -> str:
    with timezone.override(ZoneInfo(zone)):
        return policies.format_moment(moment)


def _meeting_link(viewer: Any, mentorship: Mentorship, moving: Session | None) -> str:
    """For those who may see it: the link of the session being moved (a move
    keeps it), else the one a new session would have: the mentor's, or blank
    when it gets a room of its own (drawn at booking)."""
    if not sees_meeting_link(viewer, mentorship.mentor, mentorship.program):
        return ""
    if moving is not None:
        return links.meeting_link(moving)
    return links.planned_link(mentorship.program, mentorship.mentor)


@program_view
def book(request: ProgramRequest, mentorship_id: int) -> HttpResponse:
    program = request.program
    mentorship = access.mentorship_for_party(request.user, program, mentorship_id)
    now = timezone.now()
    context = _picker_context(request, program, mentorship, now)
    context["action"] = "book"
    if not _someone_picked(request):
        return render(request, "scheduling/slot_picker.html", context)
    try:
        starts_at = _picked_start(request, now)
        if _wants_confirmation(request):
            services.booking_check(
                mentorship=mentorship, starts_at=starts_at, by=request.user, now=now
            )
            length = timedelta(minutes=program.default_session_minutes)
            return _confirmation(request, context, mentorship, starts_at, length, now)
        session = services.session_book(
            mentorship=mentorship, starts_at=starts_at, by=request.user, now=now
        )
    except SchedulingError as error:
        return _refused(request, "scheduling/slot_picker.html", context, error)
    messages.success(request, _("Session booked. It's in your schedule and calendar."))
    return redirect("session_detail", slug=program.slug, session_id=session.pk)


@program_view
def session_detail(request: ProgramRequest, session_id: int) -> HttpResponse:
    session = access.session_for_viewer(request.user, request.program, session_id)
    return session_page(request, session)


def session_page(
    request: ProgramRequest,
    session: Session,
    *,
    link_form: MeetingLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The session page; the meeting-link form posts back here when refused."""
    program = request.program
    now = timezone.now()
    is_party = access.is_session_party(request.user, session)
    is_mentor = request.user.pk == session.mentor_id
    context: dict[str, Any] = {
        "program": program,
        "session": session,
        "is_party": is_party,
        "is_mentor": is_mentor,
        "is_mentee": request.user.pk == session.mentee_id,
        "is_ahead": session.status == SessionStatus.SCHEDULED and session.starts_at > now,
        # No window: a past session's attendance can be recorded however late.
        "can_mark": session.status == SessionStatus.SCHEDULED and now >= session.ends_at,
        "attendance_late": policies.attendance_recorded_late(session),
        "marking_late": now > session.ends_at + policies.ATTENDANCE_LATE_AFTER,
        "can_report_mentor_no_show": session.status == SessionStatus.SCHEDULED
        and now >= session.starts_at,
        "changes": session.changes.select_related("by"),
        "makeups": session.makeups.all(),
        "attendance_form": AttendanceForm(),
        "times": _session_times(request.user, session),
        # Reflecting on a session that has not happened yet makes no sense.
        "can_reflect": session.status != SessionStatus.CANCELLED and now >= session.starts_at,
        **_meeting(request.user, program, session, now),
    }
    if is_mentor and session.status == SessionStatus.SCHEDULED and now < session.ends_at:
        context["link_form"] = link_form or MeetingLinkForm(
            initial={"meeting_url": session.meeting_url}
        )
    if is_party and session.status in (
        SessionStatus.CANCELLED,
        SessionStatus.MENTEE_NO_SHOW,
        SessionStatus.MENTOR_NO_SHOW,
    ):
        context["makeup"] = policies.makeup_eligibility(session, now=now)
    return render(request, "scheduling/session_detail.html", context, status=status)


JOIN_EARLY = timedelta(minutes=10)


def _session_times(viewer: User, session: Session) -> str:
    """The session in the viewer's zone and in each other party's."""
    others = [
        (person.name, person.time_zone)
        for person in (session.mentor, session.mentee)
        if person.pk != viewer.pk
    ]
    return timelabels.times_for_people(
        session.starts_at, session.ends_at, reader_zone=viewer.time_zone, others=others
    )


def _meeting(viewer: User, program: Program, session: Session, now: datetime) -> dict[str, Any]:
    """The session's meeting link (rooms.links) for those who may see it, and
    whether "Join" is offered: from ten minutes before the start until the end."""
    link = ""
    if session.status != SessionStatus.CANCELLED and sees_meeting_link(
        viewer, session.mentor, program
    ):
        link = links.meeting_link(session)
    return {
        "meeting_link": link,
        "can_join": bool(link)
        and session.status == SessionStatus.SCHEDULED
        and session.starts_at - JOIN_EARLY <= now < session.ends_at,
        "join_opens": session.starts_at - JOIN_EARLY,
    }


def _party_session(request: ProgramRequest, session_id: int) -> tuple[Program, Session]:
    program = request.program
    return program, access.session_for_party(request.user, program, session_id)


@program_view
def session_cancel(request: ProgramRequest, session_id: int) -> HttpResponse:
    program, session = _party_session(request, session_id)
    now = timezone.now()
    notice_kind = policies.cancellation_kind(
        starts_at=session.starts_at, now=now, notice_hours=program.notice_hours
    )
    context: dict[str, Any] = {
        "program": program,
        "session": session,
        "notice_kind": notice_kind,
        "is_mentee": request.user.pk == session.mentee_id,
    }
    if request.method != "POST":
        context["form"] = CancelForm()
        return render(request, "scheduling/cancel.html", context)
    if request.POST.get("action") == "keep":
        return _keep_session(request, program, session, context)
    form = CancelForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "scheduling/cancel.html", context, status=400)
    reason = form.cleaned_data["reason"]
    if (
        reason == CancelReason.WORK_NOT_DONE
        and request.user.pk == session.mentee_id
        and not form.cleaned_data["confirm"]
    ):
        # Before cancelling, say why the session is still worth holding.
        context["keep_form"] = KeepSessionForm()
        return render(request, "scheduling/keep_session.html", context)
    try:
        services.session_cancel(
            session=session, by=request.user, reason=reason, note=form.cleaned_data["note"], now=now
        )
    except SchedulingError as error:
        errors.form_error(form, error)
        return render(request, "scheduling/cancel.html", context, status=409)
    session.refresh_from_db()
    if session.cancellation_kind == CancellationKind.ON_TIME:
        messages.success(
            request, _("Session cancelled on time. You can book a makeup from this page.")
        )
    else:
        messages.warning(
            request,
            _(
                "Session cancelled late (less than %(hours)d hours' notice). "
                "A makeup needs the mentor's agreement."
            )
            % {"hours": program.notice_hours},
        )
    return redirect("session_detail", slug=program.slug, session_id=session.pk)


def _keep_session(
    request: ProgramRequest, program: Program, session: Session, context: dict[str, Any]
) -> HttpResponse:
    form = KeepSessionForm(request.POST)
    if not form.is_valid():
        context["keep_form"] = form
        return render(request, "scheduling/keep_session.html", context, status=400)
    try:
        services.session_keep_with_new_agenda(
            session=session, by=request.user, switch=form.cleaned_data["switch"]
        )
    except SchedulingError as error:
        errors.page_error(request, error)
        return redirect("session_detail", slug=program.slug, session_id=session.pk)
    plan = AgendaSwitch(form.cleaned_data["switch"]).label
    messages.success(
        request, _("Good call: the session stays, with a new plan: %(plan)s.") % {"plan": plan}
    )
    return redirect("session_detail", slug=program.slug, session_id=session.pk)


@program_view
def session_reschedule(request: ProgramRequest, session_id: int) -> HttpResponse:
    program, session = _party_session(request, session_id)
    now = timezone.now()
    context = _picker_context(
        request, program, session.mentorship, now, exclude_session_id=session.pk
    )
    context.update(action="reschedule", session=session)
    if not _someone_picked(request):
        return render(request, "scheduling/slot_picker.html", context)
    mentorship = session.mentorship
    try:
        starts_at = _picked_start(request, now)
        if _wants_confirmation(request):
            services.booking_check(
                mentorship=mentorship,
                starts_at=starts_at,
                by=request.user,
                moving=session,
                now=now,
            )
            return _confirmation(
                request, context, mentorship, starts_at, session.length, now, moving=session
            )
        late = services.move_is_late(session, now)
        services.session_reschedule(session=session, starts_at=starts_at, by=request.user, now=now)
    except SchedulingError as error:
        return _refused(request, "scheduling/slot_picker.html", context, error)
    if late:
        messages.warning(
            request,
            _(
                "Session moved. It was less than %(hours)d hours away, so the old time "
                "counts as a late cancellation. Both of you get an updated invite."
            )
            % {"hours": program.notice_hours},
        )
        return redirect("session_detail", slug=program.slug, session_id=session.pk)
    messages.success(request, _("Session moved. Both of you get an updated invite."))
    return redirect("session_detail", slug=program.slug, session_id=session.pk)


@program_view
def session_makeup(request: ProgramRequest, session_id: int) -> HttpResponse:
    program, session = _party_session(request, session_id)
    now = timezone.now()
    # makeup_options says plainly when no slot is left before the next session.
    eligibility, _slots = policies.makeup_options(session, now=now)
    context: dict[str, Any] = {
        "program": program,
        "session": session,
        "eligibility": eligibility,
        "is_mentee": request.user.pk == session.mentee_id,
        "is_mentor": request.user.pk == session.mentor_id,
        "makeup_request": getattr(session, "makeup_request", None),
        "request_form": MakeupRequestForm(),
    }
    if eligibility.allowed:
        context.update(
            _picker_context(
                request, program, session.mentorship, now, not_after=eligibility.latest_start
            )
        )
        context.update(action="makeup", session=session)
    if request.method != "POST" and not (eligibility.allowed and "starts_at" in request.GET):
        return render(request, "scheduling/makeup.html", context)
    return _makeup_action(request, program, session, context)


def _makeup_action(
    request: ProgramRequest, program: Program, session: Session, context: dict[str, Any]
) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else "book"
    try:
        if action == "book":
            now = timezone.now()
            starts_at = _picked_start(request, now)
            mentorship, by = session.mentorship, request.user
            if _wants_confirmation(request):
                services.booking_check(
                    mentorship=mentorship,
                    starts_at=starts_at,
                    by=by,
                    kind=SessionKind.MAKEUP,
                    makeup_for=session,
                    now=now,
                )
                length = timedelta(minutes=program.default_session_minutes)
                return _confirmation(request, context, mentorship, starts_at, length, now)
            makeup = services.session_book(
                mentorship=mentorship,
                starts_at=starts_at,
                by=by,
                kind=SessionKind.MAKEUP,
                makeup_for=session,
                now=now,
            )
            messages.success(request, _("Makeup booked."))
            return redirect("session_detail", slug=program.slug, session_id=makeup.pk)
        if action == "request":
            request_form = MakeupRequestForm(request.POST)
            if not request_form.is_valid():
                raise SchedulingError(
                    SchedulingCode.BAD_MESSAGE, _("Keep the message under 500 characters.")
                )
            services.makeup_request_create(
                session=session, by=request.user, message=request_form.cleaned_data["message"]
            )
            messages.success(request, _("Asked your mentor. You'll see their answer here."))
        elif action in ("approve", "decline") and context["makeup_request"] is not None:
            services.makeup_request_decide(
                makeup_request=context["makeup_request"],
                by=request.user,
                approve=action == "approve",
            )
            messages.success(request, _("Answer saved."))
        else:
            raise SchedulingError(SchedulingCode.BAD_ACTION, _("That action isn't available here."))
    except SchedulingError as error:
        return _refused(request, "scheduling/makeup.html", context, error)
    return redirect("session_makeup", slug=program.slug, session_id=session.pk)


@program_view
@require_POST
def session_attendance(request: ProgramRequest, session_id: int) -> HttpResponse:
    program, session = _party_session(request, session_id)
    form = AttendanceForm(request.POST)
    try:
        if not form.is_valid():
            raise SchedulingError(SchedulingCode.BAD_OUTCOME, _("Choose what happened."))
        services.session_mark_attendance(
            session=session, by=request.user, outcome=form.cleaned_data["outcome"]
        )
        messages.success(request, _("Thanks, recorded."))
    except SchedulingError as error:
        errors.page_error(request, error)
    return redirect("session_detail", slug=program.slug, session_id=session.pk)
