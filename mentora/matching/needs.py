"""What matching asks of a person now, for their home's "Needs you now": pulses,
requests, concerns, mentees without a mentor or without sessions, and an
admin's unmatched mentees, mentors with room and pending invitations.

Each function runs a fixed number of queries and returns at most NEEDS_SHOWN
items of each kind; counts stand for the many (one item "3 mentees ...").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentora.matching import access as matching_access
from mentora.matching.health.queries import pending_pulses
from mentora.matching.mentor_requests.queries import waiting_for_mentor
from mentora.programs.models import LIVE_MENTORSHIP_STATUSES, Membership, Mentorship, Program, Role
from mentora.programs.needs import NEEDS_SHOWN, Need
from mentora.scheduling.models import Session, SessionStatus

if TYPE_CHECKING:
    from mentora.accounts.models import User

# A live mentorship with no session this many days back (or ahead) is drifting.
NO_SESSION_DAYS = 14


def _pulse_needs(user: User, program: Program) -> list[Need]:
    return [
        Need(
            title=_("Answer a quick question about %(name)s") % {"name": p.other.name},
            url=reverse("pulse_answer", args=[program.slug, p.pulse.pk]),
        )
        for p in pending_pulses(program, user)[:NEEDS_SHOWN]
    ]


def needs_you_now_for_mentee(user: User, program: Program, now: datetime) -> list[Need]:
    # An unmatched mentee's home opens with "Find a mentor" itself, so it isn't repeated here.
    return _pulse_needs(user, program)


def needs_you_now_for_mentor(user: User, program: Program, now: datetime) -> list[Need]:
    waiting = waiting_for_mentor(program, user, now)
    return [
        Need(
            title=_("Answer %(name)s's request") % {"name": r.mentee.name},
            url=reverse("request_detail", args=[program.slug, r.pk]),
            due=r.expires_at,
        )
        for r in waiting[:NEEDS_SHOWN]
    ] + _pulse_needs(user, program)


def _mentee_needs(program: Program, mentees: Q, now: datetime) -> list[Need]:
    """Mentees (of `mentees`) without a mentor, and with a mentor but no recent session."""
    memberships = Membership.objects.active().filter(mentees, program=program, role=Role.MENTEE)
    live = Mentorship.objects.live().filter(program=program, mentee=OuterRef("user_id"))
    recent = Session.objects.filter(
        program=program,
        mentee=OuterRef("user_id"),
        starts_at__gte=now - timedelta(days=NO_SESSION_DAYS),
    ).exclude(status=SessionStatus.CANCELLED)
    rows = (
        memberships.annotate(matched=Exists(live), recent=Exists(recent))
        .filter(Q(matched=False) | Q(recent=False))
        .select_related("user")
        .order_by("joined_at")
    )
    needs = []
    for m in rows[: NEEDS_SHOWN * 2]:
        if not m.matched:  # type: ignore[attr-defined]
            needs.append(
                Need(
                    title=_("%(name)s has no mentor") % {"name": m.user.name},
                    url=reverse("mentee_suggestions", args=[program.slug, m.user_id]),
                    due=m.joined_at,
                    late=True,
                )
            )
        else:
            needs.append(
                Need(
                    title=_("%(name)s has had no session for %(days)s days")
                    % {"name": m.user.name, "days": NO_SESSION_DAYS},
                    url=reverse("mentee_detail", args=[program.slug, m.user_id]),
                )
            )
    return needs


def needs_you_now_for_success_manager(user: User, program: Program, now: datetime) -> list[Need]:
    concerns = matching_access.concerns_for_staff(user, program).order_by("created_at")
    return [
        Need(
            title=_("Concern about %(mentee)s with %(mentor)s")
            % {"mentee": c.mentorship.mentee.name, "mentor": c.mentorship.mentor.name},
            url=reverse("concern_detail", args=[program.slug, c.pk]),
            due=c.created_at,
        )
        for c in concerns[:NEEDS_SHOWN]
    ] + _mentee_needs(program, Q(success_manager=user), now)


def needs_you_now_for_admin(user: User, program: Program, now: datetime) -> list[Need]:
    """Counts for the whole program: unmatched mentees, mentors with room
    (pending invitations come from mentora.programs.needs)."""
    slug = program.slug
    members = Membership.objects.active().filter(program=program)
    live = Mentorship.objects.live().filter(program=program)
    unmatched = (
        members.filter(role=Role.MENTEE).exclude(user_id__in=live.values("mentee_id")).count()
    )
    with_room = (
        members.filter(role=Role.MENTOR, user__mentor_profile__isnull=False)
        .annotate(load=Count("user__mentorships_as_mentor", filter=_live_in(program)))
        .filter(load__lt=F("user__mentor_profile__capacity"))
        .count()
    )
    needs = []
    if unmatched:
        needs.append(
            Need(
                title=ngettext(
                    "%(n)d mentee has no mentor", "%(n)d mentees have no mentor", unmatched
                )
                % {"n": unmatched},
                url=reverse("bulk_match_new", args=[slug]),
            )
        )
    if with_room:
        needs.append(
            Need(
                title=ngettext(
                    "%(n)d mentor has room for a mentee", "%(n)d mentors have room", with_room
                )
                % {"n": with_room},
                url=reverse("staff_mentors", args=[slug]),
            )
        )
    return needs


def _live_in(program: Program) -> Q:
    return Q(
        user__mentorships_as_mentor__program=program,
        user__mentorships_as_mentor__status__in=LIVE_MENTORSHIP_STATUSES,
    )
