"""Reads of the people page: one row per person, filtered and paged.

The page's people are users with a membership in the program (any status, so
graduated and left people can be found). Every filter is an `EXISTS` on the
user (an IN or an EXISTS), never a join, so counting the matches for the pager stays one cheap
query at 10,000 members, and a person with several roles is still one row.
A page then costs a fixed number of queries: the count, the page's users, their
memberships in the program (with cohort and success manager) and their live
mentorships as mentee (with the mentor), whatever the page size.

Search is case-insensitive for every alphabet on both databases: PostgreSQL's
UPPER() knows Unicode, and on SQLite (whose LIKE folds ASCII only) the name is
folded by a Python function registered on the connection.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, Func, OuterRef, Prefetch, Q, QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import User
from mentora.programs.models import (
    Cohort,
    Membership,
    MembershipStatus,
    Mentorship,
    Program,
    Role,
)

PER_PAGE = 50
# What a row shows of a membership (loading whole rows costs more than the query).
MEMBERSHIP_FIELDS = (
    "user_id",
    "role",
    "status",
    "invitation_sent_at",
    "cohort__id",
    "cohort__name",
    "success_manager__id",
    "success_manager__name",
)


class PersonStatus(StrEnum):
    """Where a person stands on the page: invited (not activated yet), or the
    status of their memberships."""

    INVITED = "invited"
    ACTIVE = "active"
    GRADUATED = "graduated"
    LEFT = "left"


STATUS_CHOICES: list[tuple[str, Any]] = [
    (PersonStatus.INVITED, _("Invited (not accepted yet)")),
    (PersonStatus.ACTIVE, _("Active")),
    (PersonStatus.GRADUATED, _("Graduated")),
    (PersonStatus.LEFT, _("Left the program")),
]


STATUS_LABELS = [
    (PersonStatus.INVITED, _("Invited")),
    (PersonStatus.ACTIVE, _("Active")),
    (PersonStatus.GRADUATED, _("Graduated")),
    (PersonStatus.LEFT, _("Left")),
]


class InvitationState(StrEnum):
    NOT_SENT = "not_sent"
    SENT = "sent"
    EXPIRED = "expired"
    ACCEPTED = "accepted"


@dataclass(frozen=True)
class Filters:
    """What the page is narrowed to; None or empty means "any"."""

    search: str = ""
    role: Role | None = None
    cohort_id: int | None = None
    status: PersonStatus | None = None
    has_mentor: bool | None = None
    has_success_manager: bool | None = None
    onboarding_unfinished: bool = False


@dataclass(frozen=True)
class Invitation:
    state: InvitationState
    at: datetime | None  # sent or accepted


@dataclass
class PersonRow:
    user: User
    memberships: list[Membership]
    mentors: list[User]
    invitation: Invitation
    status: PersonStatus
    roles: list[Role] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The person's id as text (a number in a template is localised, slowly)."""
        return str(self.user.pk)

    @property
    def mentee_membership(self) -> Membership | None:
        return next((m for m in self.memberships if m.role == Role.MENTEE), None)

    @property
    def is_mentor(self) -> bool:
        return Role.MENTOR in self.roles

    @property
    def is_mentee(self) -> bool:
        return Role.MENTEE in self.roles

    @property
    def status_label(self) -> str:
        return str(dict(STATUS_LABELS)[self.status])

    @property
    def roles_label(self) -> str:
        """ "Mentor, Success manager (graduated)": each role, with its status unless active."""
        parts = []
        for m in self.memberships:
            label = str(Role(m.role).label)
            if m.status != MembershipStatus.ACTIVE:
                label += f" ({MembershipStatus(m.status).label.lower()})"
            parts.append(label)
        return ", ".join(parts)

    @property
    def invitation_label(self) -> str:
        """ "Accepted 3 Mar 2027", "Sent 1 Mar 2027", "Expired (sent 1 Feb 2027)", "Not sent"."""
        state, at = self.invitation.state, self.invitation.at
        when = date_format(localtime(at), "j M Y") if at else ""
        if state == InvitationState.ACCEPTED:
            return gettext("Accepted %(when)s") % {"when": when}
        if state == InvitationState.SENT:
            return gettext("Sent %(when)s") % {"when": when}
        if state == InvitationState.EXPIRED:
            return gettext("Expired (sent %(when)s)") % {"when": when}
        return gettext("Not sent")

    @property
    def may_resend(self) -> bool:
        """Not accepted yet, with an active role here to be invited to."""
        return self.status == PersonStatus.INVITED and self.user.is_active


@dataclass(frozen=True)
class RosterPage:
    page: Page[Any]
    rows: list[PersonRow]


# --- Search ---------------------------------------------------------------


def _fold(text: str | None) -> str | None:
    return None if text is None else unicodedata.normalize("NFKC", text).casefold()


class _Folded(Func):
    """The text folded for a case-insensitive search: UPPER() on PostgreSQL (its
    icontains does the same), the registered Python casefold on SQLite."""

    function = "UPPER"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="mentora_casefold", **extra)


def _needs_folding(search: str) -> bool:
    """On SQLite, LIKE already ignores the case of ASCII letters: only a search
    with other letters needs the (slower, per-row) Python casefold."""
    return connection.vendor == "sqlite" and not search.isascii()


def _search_q(search: str) -> Q:
    if _needs_folding(search):
        connection.ensure_connection()
        connection.connection.create_function("mentora_casefold", 1, _fold, deterministic=True)
        needle = _fold(search) or ""
        # Emails are stored lower-case: a plain LIKE finds them.
        return Q(folded_name__contains=needle) | Q(email__icontains=search)
    return Q(name__icontains=search) | Q(email__icontains=search)


# --- Filters --------------------------------------------------------------


def _memberships(program: Program) -> QuerySet[Membership]:
    return Membership.objects.filter(program=program, user=OuterRef("pk"))


def _live_as_mentee(program: Program) -> QuerySet[Mentorship]:
    return Mentorship.objects.live().filter(program=program, mentee=OuterRef("pk"))


def users_matching(search: str, users: QuerySet[User] | None = None) -> QuerySet[User]:
    """Accounts whose name or email contains `search`, ignoring case in any script.

    Other pages search people the same way through `pk__in=users_matching(...)`.
    """
    users = User.objects.all() if users is None else users
    if _needs_folding(search):
        users = users.annotate(folded_name=_Folded(F("name")))
    return users.filter(_search_q(search))


def people(program: Program, filters: Filters) -> QuerySet[User]:
    """The program's people matching `filters`, by name."""
    users = User.objects.all()
    if filters.search:
        users = users_matching(filters.search, users)
    # Role, cohort and the membership statuses must hold of one same membership.
    membership = Q()
    if filters.role:
        membership &= Q(role=filters.role)
    if filters.cohort_id:
        membership &= Q(cohort_id=filters.cohort_id)
    if filters.status in (PersonStatus.GRADUATED, PersonStatus.LEFT):
        membership &= Q(status=filters.status)
    elif filters.status in (PersonStatus.INVITED, PersonStatus.ACTIVE):
        membership &= Q(status=MembershipStatus.ACTIVE)
        users = users.filter(activated_at__isnull=filters.status == PersonStatus.INVITED)
    # IN, not a correlated EXISTS: the database starts from the program's
    # memberships (indexed), not from every account on the site.
    in_program = Membership.objects.filter(program=program).filter(membership)
    users = users.filter(pk__in=in_program.values("user_id"))
    active_mentee = _memberships(program).filter(role=Role.MENTEE, status=MembershipStatus.ACTIVE)
    # "No mentor" and "no success manager" are about active mentees: a mentor or
    # an admin has neither and needs neither.
    if filters.has_mentor is True:
        users = users.filter(Exists(_live_as_mentee(program)))
    elif filters.has_mentor is False:
        users = users.filter(Exists(active_mentee), ~Exists(_live_as_mentee(program)))
    if filters.has_success_manager is True:
        users = users.filter(Exists(active_mentee.filter(success_manager__isnull=False)))
    elif filters.has_success_manager is False:
        users = users.filter(Exists(active_mentee.filter(success_manager__isnull=True)))
    if filters.onboarding_unfinished:
        users = users.filter(onboarded_at__isnull=True)
    return users.order_by("name", "pk")


def roster_page(
    program: Program, filters: Filters, page_number: str | None, *, now: datetime
) -> RosterPage:
    """One page of people with everything the page shows, in a fixed number of queries."""
    users = people(program, filters).only(
        "pk", "name", "email", "is_active", "activated_at", "onboarded_at", "time_zone"
    )
    users = users.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(program=program)
            .select_related("cohort", "success_manager")
            .only(*MEMBERSHIP_FIELDS)
            .order_by("role"),
            to_attr="program_memberships",
        ),
        Prefetch(
            "mentorships_as_mentee",
            queryset=Mentorship.objects.live()
            .filter(program=program)
            .select_related("mentor")
            .only("mentee_id", "mentor__id", "mentor__name")
            .order_by("started_at"),
            to_attr="live_mentorships",
        ),
    )
    # get_page answers junk, huge or out-of-range numbers with the first or last page.
    page = Paginator(users, PER_PAGE).get_page(page_number)
    rows = [_row(user, now) for user in page.object_list]
    return RosterPage(page=page, rows=rows)


def _row(user: User, now: datetime) -> PersonRow:
    memberships: list[Membership] = user.program_memberships  # type: ignore[attr-defined]
    live = [m for m in memberships if m.status == MembershipStatus.ACTIVE]
    mentors = [m.mentor for m in user.live_mentorships]  # type: ignore[attr-defined]
    return PersonRow(
        user=user,
        memberships=memberships,
        mentors=mentors,
        invitation=invitation_of(user, memberships, now=now),
        status=_status(user, memberships),
        roles=[Role(m.role) for m in (live or memberships)],
    )


def _status(user: User, memberships: list[Membership]) -> PersonStatus:
    statuses = {m.status for m in memberships}
    if MembershipStatus.ACTIVE in statuses:
        return PersonStatus.ACTIVE if user.activated_at else PersonStatus.INVITED
    if MembershipStatus.GRADUATED in statuses:
        return PersonStatus.GRADUATED
    return PersonStatus.LEFT


def invitation_of(user: User, memberships: list[Membership], *, now: datetime) -> Invitation:
    """Accepted (when), else sent (when) or expired (the link is older than the
    invitation timeout), else not sent."""
    if user.activated_at is not None:
        return Invitation(InvitationState.ACCEPTED, user.activated_at)
    sent = [m.invitation_sent_at for m in memberships if m.invitation_sent_at is not None]
    if not sent:
        return Invitation(InvitationState.NOT_SENT, None)
    last = max(sent)
    if now - last > timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT):
        return Invitation(InvitationState.EXPIRED, last)
    return Invitation(InvitationState.SENT, last)


# --- Pickers --------------------------------------------------------------


def success_managers_by_caseload(program: Program) -> list[User]:
    """The program's success managers, smallest caseload first, each with
    `caseload` (active mentee memberships they look after). Two queries."""
    held = Membership.objects.active().filter(program=program, role=Role.SUCCESS_MANAGER)
    managers = list(
        User.objects.filter(pk__in=held.values("user_id"), is_active=True).only(
            "pk", "name", "email"
        )
    )
    counts = dict(
        Membership.objects.filter(
            program=program,
            role=Role.MENTEE,
            status=MembershipStatus.ACTIVE,
            success_manager_id__in=[m.pk for m in managers],
        )
        .order_by()
        .values("success_manager_id")
        .annotate(n=Count("id"))
        .values_list("success_manager_id", "n")
    )
    for manager in managers:
        manager.caseload = counts.get(manager.pk, 0)  # type: ignore[attr-defined]
    return sorted(managers, key=lambda m: (m.caseload, m.name, m.pk))  # type: ignore[attr-defined]


def open_cohorts(program: Program) -> QuerySet[Cohort]:
    """Cohorts people may be moved into: the program's, not closed."""
    return Cohort.objects.filter(program=program, closed_at__isnull=True).order_by(
        "starts_on", "name"
    )


def cohorts(program: Program) -> QuerySet[Cohort]:
    return Cohort.objects.filter(program=program).order_by("starts_on", "name")
