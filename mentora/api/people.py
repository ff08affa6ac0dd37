"""People and memberships over the API (issue 15): the people page's list and a
person's memberships, the invite page's invitation, the people page's cohort
move and success-manager assignment, and off-boarding's graduate and leave.

Who may read is the people page's rule (`roster.access.may_view`: program
staff; anyone else gets the 404 the page gives). Who may write is decided where
the pages decide it: the invite page's roles (`invite_views`: a success manager
invites mentees and mentors only), the roster services (an admin moves cohorts;
a success manager assigns only within their caseload's cohorts) and
`matching.access.membership_for_offboarding` (a mentee's staff, admins for
anyone). The services send the invitation, fire the webhooks and end
mentorships, exactly as from the pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Header, Query, Router, Schema

from mentora import inputs
from mentora.accounts.models import User
from mentora.api import lists
from mentora.api.access import caller, object_id, program_for_caller
from mentora.api.errors import ApiCode, ApiError
from mentora.api.idempotency import answer_once
from mentora.api.schemas import PersonOut, person_out
from mentora.api.sessions import ERRORS, WRITE_ERRORS
from mentora.errors import DomainError
from mentora.matching import access as matching_access
from mentora.matching.lifecycle import offboarding
from mentora.matching.lifecycle.forms import OffboardNoteForm
from mentora.programs import access as program_access
from mentora.programs import services as program_services
from mentora.programs.forms import InviteForm
from mentora.programs.invite_views import SUCCESS_MANAGER_INVITES
from mentora.programs.models import Cohort, Membership, MembershipStatus, Program, Role
from mentora.programs.roster import access as roster_access
from mentora.programs.roster import queries as roster_queries
from mentora.programs.roster import services as roster_services
from mentora.programs.roster.forms import CohortChoiceField, ManagerChoiceField

if TYPE_CHECKING:
    from collections.abc import Mapping

router = Router(tags=["people"])
CURSOR_SALT = "mentora.api.people.cursor"
MISSING = "No such person in this program."

# The pages' forms name a choice by the object; the API by its id.
API_FIELDS: Mapping[str, str] = {
    "cohort": "cohort_id",
    "success_manager": "success_manager_id",
    "people": "user_id",
}


# --- what it sends and takes ----------------------------------------------------------


class MemberOut(PersonOut):
    email: str = Field(description="As the people page shows it to the program's staff.")


class CohortRefOut(Schema):
    id: int
    name: str


class MembershipOut(Schema):
    id: int
    person: MemberOut
    role: str = Field(description="mentee, mentor, success_manager or admin.")
    status: str = Field(description="active, graduated or left.")
    cohort: CohortRefOut | None = Field(None, description="Mentees only.")
    success_manager: PersonOut | None = Field(None, description="Mentees only.")
    joined_at: datetime
    invitation_sent_at: datetime | None = Field(
        None, description="The last set-password invitation (none for someone with a password)."
    )
    ended_at: datetime | None = Field(None, description="When they graduated or left.")
    updated_at: datetime = Field(description="Last change of any kind (see ?updated_since=).")


class MembershipPage(Schema):
    items: list[MembershipOut]
    next: str | None = Field(None, description="Pass as ?cursor= for the next page.")


class PersonMembershipsOut(Schema):
    person: MemberOut
    memberships: list[MembershipOut] = Field(description="Every role, any status, in the program.")


class InviteIn(Schema):
    email: str = Field(examples=["lea@example.org"])
    name: str = Field(description="Kept only for a new account: a person keeps their own name.")
    role: str = Field(
        description="mentee, mentor, success_manager or admin (a success manager: mentee "
        "or mentor)."
    )
    cohort_id: int | None = Field(None, description="An open cohort of the program (mentees).")
    success_manager_id: int | None = Field(
        None, description="One of the program's success managers (mentees; program admins only)."
    )
    time_zone: str = Field("", description="IANA zone; empty: the program's.")


class PersonPatchIn(Schema):
    cohort_id: int | None = Field(
        None, description="Move the mentee to this open cohort (program admins)."
    )
    success_manager_id: int | None = Field(
        None,
        description="Assign this success manager to the mentee; null unassigns; "
        "left out: unchanged.",
    )


class LeaveIn(Schema):
    role: str = Field(description="The role that ends: mentee, mentor, success_manager or admin.")
    note: str = Field("", description="Why, in a line; kept with the mentorships this ends.")


def _member_out(user: User) -> dict[str, Any]:
    return {**person_out(user), "email": user.email}


def membership_out(membership: Membership) -> dict[str, Any]:
    # The end note and the person's profile and background answers are not sent.
    cohort, manager = membership.cohort, membership.success_manager
    return {
        "id": membership.pk,
        "person": _member_out(membership.user),
        "role": membership.role,
        "status": membership.status,
        "cohort": {"id": cohort.pk, "name": cohort.name} if cohort else None,
        "success_manager": person_out(manager) if manager else None,
        "joined_at": membership.joined_at,
        "invitation_sent_at": membership.invitation_sent_at,
        "ended_at": membership.ended_at,
        "updated_at": membership.updated_at,
    }


def _memberships(program: Program) -> QuerySet[Membership]:
    return Membership.objects.filter(program=program).select_related(
        "user", "cohort", "success_manager"
    )


# --- forms: the pages' fields and querysets, read from JSON -----------------------------


class PeopleFilterForm(lists.ListFilterForm):
    """?role=, ?status=, ?cohort= (an id of the program's) and ?updated_since=."""

    status_choices = MembershipStatus.choices

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = forms.ChoiceField(choices=Role.choices, required=False)
        cohort = CohortChoiceField(queryset=Cohort.objects.none(), required=False)
        cohort.queryset = roster_queries.cohorts(program)
        self.fields["cohort"] = cohort


def _manager_field(program: Program, *, required: bool) -> ManagerChoiceField:
    """The people page's picker: the program's success managers."""
    field = ManagerChoiceField(
        queryset=User.objects.none(),
        required=required,
        label=gettext_lazy("Success manager"),
        empty_label=None,
    )
    managers = roster_queries.success_managers_by_caseload(program)
    field.queryset = User.objects.filter(pk__in=[m.pk for m in managers])
    return field


class ApiInviteForm(InviteForm):
    """The invite page's form, and (as an import gives it) the mentee's success manager."""

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, program=program, **kwargs)
        self.fields["success_manager"] = _manager_field(program, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("success_manager") and cleaned.get("role") not in (None, Role.MENTEE):
            self.add_error(
                "success_manager", _("Only mentees have a cohort and a success manager.")
            )
        return cleaned


class PatchForm(inputs.Form):
    cohort = CohortChoiceField(queryset=Cohort.objects.none(), required=False, empty_label=None)

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cohort"]
        assert isinstance(field, CohortChoiceField)
        # Where the people page moves mentees: the program's open cohorts.
        field.queryset = roster_queries.open_cohorts(program)
        self.fields["success_manager"] = _manager_field(program, required=False)


class LeaveForm(OffboardNoteForm):
    role = forms.ChoiceField(choices=Role.choices)


@contextmanager
def _api_fields() -> Iterator[None]:
    """A refusal names the field as the API takes it (cohort_id, not cohort)."""
    try:
        yield
    except DomainError as error:
        error.field = API_FIELDS.get(error.field or "", error.field)
        raise


def _refuse(form: forms.Form) -> None:
    with _api_fields():
        lists.refuse_form(form)


def _person(request: HttpRequest, slug: str, user_id: int) -> tuple[Program, User]:
    """A person of the program (any membership, any status) for whoever sees the
    people page; else the page's 404."""
    program = program_for_caller(request, slug)
    program_access.require(roster_access.may_view(caller(request), program), MISSING)
    person = User.objects.filter(
        pk=object_id(user_id), pk__in=Membership.objects.filter(program=program).values("user_id")
    ).first()
    program_access.require(person is not None, MISSING)
    assert person is not None
    return program, person


def _answer(membership: Membership) -> dict[str, Any]:
    """The membership as it now stands (the services write with update())."""
    found = Membership.objects.select_related("user", "cohort", "success_manager")
    return membership_out(found.get(pk=membership.pk))


# --- reads ---------------------------------------------------------------------------


@router.get(
    "/{slug}/people",
    response={200: MembershipPage, **ERRORS},
    operation_id="people_list",
    summary="The program's memberships (program staff), in the order they joined",
)
def people_list(
    request: HttpRequest,
    slug: str,
    role: str | None = Query(None, description="mentee, mentor, success_manager or admin."),
    status: str | None = Query(None, description="active, graduated or left."),
    cohort: str | None = Query(None, description="A cohort's id: its mentees."),
    updated_since: str | None = Query(
        None, description="Changed at or after (RFC 3339): the time your last sync started."
    ),
    cursor: str | None = Query(None, description="The `next` of the previous page."),
    limit: int = Query(lists.PAGE_SIZE, ge=1, le=lists.MAX_PAGE_SIZE),
) -> Any:
    program = program_for_caller(request, slug)
    program_access.require(roster_access.may_view(caller(request), program), MISSING)
    given = {"role": role, "status": status, "cohort": cohort, "updated_since": updated_since}
    form = PeopleFilterForm(
        {k: v for k, v in given.items() if v}, now=timezone.now(), program=program
    )
    if not form.is_valid():
        lists.refuse_form(form)
    chosen = form.cleaned_data
    found = _memberships(program)
    if chosen.get("role"):
        found = found.filter(role=chosen["role"])
    if chosen.get("status"):
        found = found.filter(status=chosen["status"])
    if chosen.get("cohort"):
        found = found.filter(cohort=chosen["cohort"])
    return lists.page_answer(
        found,
        chosen,
        order="joined_at",
        cursor=cursor,
        limit=limit,
        salt=CURSOR_SALT,
        out=membership_out,
    )


@router.get(
    "/{slug}/people/{user_id}",
    response={200: PersonMembershipsOut, **ERRORS},
    operation_id="person_get",
    summary="One person's memberships in the program (program staff)",
)
def person_get(request: HttpRequest, slug: str, user_id: int) -> Any:
    program, person = _person(request, slug, user_id)
    held = _memberships(program).filter(user=person).order_by("role", "pk")
    return {"person": _member_out(person), "memberships": [membership_out(m) for m in held]}


# --- writes --------------------------------------------------------------------------


@router.post(
    "/{slug}/people",
    response={201: MembershipOut, **WRITE_ERRORS},
    operation_id="person_invite",
    summary="Invite a person (emailed a set-password link); send Idempotency-Key",
)
def person_invite(
    request: HttpRequest,
    slug: str,
    payload: InviteIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Any:
    program = program_for_caller(request, slug)
    by = caller(request)
    # The invite page's rule: program staff; only an admin grants the staff roles.
    program_access.require(program_access.is_program_staff(by, program), "No such program.")
    is_admin = program_access.is_program_admin(by, program)
    if payload.success_manager_id is not None and not is_admin:
        raise ApiError(
            ApiCode.FORBIDDEN,
            _("Only a program admin chooses the success manager when inviting."),
            status=403,
            field="success_manager_id",
        )
    form = ApiInviteForm(
        {
            "email": payload.email,
            "name": payload.name,
            "role": payload.role,
            "cohort": payload.cohort_id,
            "success_manager": payload.success_manager_id,
            "time_zone": payload.time_zone,
        },
        program=program,
        roles=tuple(Role) if is_admin else SUCCESS_MANAGER_INVITES,
    )
    if not form.is_valid():
        _refuse(form)

    def invite() -> tuple[int, dict[str, Any]]:
        kwargs = form.invite_kwargs()
        with _api_fields():
            person = program_services.person_invite(
                program=program,
                invited_by=by,
                success_manager=form.cleaned_data.get("success_manager"),
                **kwargs,
            )
        membership = Membership.objects.get(program=program, user=person, role=kwargs["role"])
        return 201, MembershipOut.model_validate(_answer(membership)).model_dump(mode="json")

    return answer_once(
        owner=by,
        key=idempotency_key,
        operation=f"person_invite:{program.pk}",
        payload=payload,
        run=invite,
    )


@router.patch(
    "/{slug}/people/{user_id}",
    response={200: PersonMembershipsOut, **WRITE_ERRORS},
    operation_id="person_update",
    summary="Move a mentee to a cohort, assign or unassign their success manager",
)
def person_update(request: HttpRequest, slug: str, user_id: int, payload: PersonPatchIn) -> Any:
    program, person = _person(request, slug, user_id)
    by = caller(request)
    given = payload.model_fields_set
    moves = payload.cohort_id is not None
    assigns = "success_manager_id" in given
    if not (moves or assigns):
        raise ApiError(
            ApiCode.INVALID, _("Send cohort_id or success_manager_id."), status=422, field=None
        )
    form = PatchForm(
        {"cohort": payload.cohort_id, "success_manager": payload.success_manager_id},
        program=program,
    )
    if not form.is_valid():
        _refuse(form)
    cohort: Cohort | None = form.cleaned_data.get("cohort")
    manager: User | None = form.cleaned_data.get("success_manager")
    # Both changes or neither: the services each own a transaction, nested in this one.
    with _api_fields(), transaction.atomic():
        if cohort is not None:
            roster_services.cohort_move(program=program, mentees=[person], cohort=cohort, by=by)
        if assigns and manager is not None:
            roster_services.success_manager_assign(
                program=program, mentees=[person], success_manager=manager, by=by
            )
        elif assigns:
            roster_services.success_manager_unassign(program=program, mentees=[person], by=by)
    return person_get(request, slug, user_id)


def _offboarded(
    request: HttpRequest, program: Program, person: User, role: Role | None
) -> Membership:
    """The person's membership in `role` (None: their mentee one, else any, for the
    service to refuse), if the caller may end it (off-boarding's rule); else 404."""
    held = Membership.objects.filter(program=program, user=person)
    if role is not None:
        held = held.filter(role=role)
    chosen = sorted(held.values_list("role", "pk"), key=lambda r: (r[0] != Role.MENTEE, r[0]))
    program_access.require(bool(chosen), MISSING)
    return matching_access.membership_for_offboarding(caller(request), program, chosen[0][1])


@router.post(
    "/{slug}/people/{user_id}/graduate",
    response={200: MembershipOut, **WRITE_ERRORS},
    operation_id="person_graduate",
    summary="A mentee graduates: their live mentorships end as completed",
)
def person_graduate(request: HttpRequest, slug: str, user_id: int) -> Any:
    program, person = _person(request, slug, user_id)
    membership = _offboarded(request, program, person, None)
    offboarding.membership_graduate(membership=membership, by=caller(request))
    return _answer(membership)


@router.post(
    "/{slug}/people/{user_id}/leave",
    response={200: MembershipOut, **WRITE_ERRORS},
    operation_id="person_leave",
    summary="A person leaves one role: its live mentorships end, future sessions cancelled",
)
def person_leave(request: HttpRequest, slug: str, user_id: int, payload: LeaveIn) -> Any:
    program, person = _person(request, slug, user_id)
    form = LeaveForm({"role": payload.role, "note": payload.note})
    if not form.is_valid():
        _refuse(form)
    membership = _offboarded(request, program, person, Role(form.cleaned_data["role"]))
    offboarding.membership_leave(
        membership=membership, by=caller(request), note=form.cleaned_data["note"]
    )
    return _answer(membership)
