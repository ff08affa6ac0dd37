"""Writes about programs: memberships, invitations and imports of people.

Each public function owns its transaction, validates with `full_clean()`, and
sends email only after the transaction commits, so nobody is ever told about
a membership that was rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from mentora.accounts.hooks import mentor_features_changed
from mentora.accounts.mail import account_email_queue
from mentora.accounts.models import MenteeProfile, MentorProfile, User
from mentora.programs import access as program_access
from mentora.programs import hooks
from mentora.programs.csv_import import ImportRow
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.models import (
    STAFF_ROLES,
    Cohort,
    Membership,
    MembershipStatus,
    Program,
    Role,
)

# --- Memberships -----------------------------------------------------------


def membership_add(
    *,
    user: User,
    program: Program,
    role: Role,
    cohort: Cohort | None = None,
    success_manager: User | None = None,
) -> Membership:
    """Give `user` a role in `program`; an active membership is returned as is.

    Steps: check cohort and manager belong to the program, reactivate or create
    the membership, create the mentor or mentee profile if missing.
    """
    with transaction.atomic():
        membership, _added = _membership_ensure(
            user=user, program=program, role=role, cohort=cohort, success_manager=success_manager
        )
    return membership


def _membership_ensure(
    *,
    user: User,
    program: Program,
    role: Role,
    cohort: Cohort | None = None,
    success_manager: User | None = None,
) -> tuple[Membership, bool]:
    """The membership and whether it was added now (False: it was already active)."""
    role = Role(role)
    _check_membership_args(
        program=program, role=role, cohort=cohort, success_manager=success_manager
    )
    membership = (
        Membership.objects.select_for_update().filter(user=user, program=program, role=role).first()
    )
    if membership is not None and membership.is_active:
        return membership, False
    # A deactivated membership is reused: the unique (user, program, role) row keeps its history.
    membership = membership or Membership(user=user, program=program, role=role)
    membership.cohort = cohort
    membership.success_manager = success_manager
    membership.is_active = True
    membership.status, membership.ended_at = MembershipStatus.ACTIVE, None
    membership.ended_by, membership.end_note = None, ""
    membership.full_clean()
    membership.save()
    _profile_ensure(user=user, role=role)
    mentor_features_changed([user.pk])
    return membership, True


def _check_membership_args(
    *, program: Program, role: Role, cohort: Cohort | None, success_manager: User | None
) -> None:
    if (cohort or success_manager) and role != Role.MENTEE:
        raise ProgramError(
            ProgramCode.COHORT_ONLY_FOR_MENTEES,
            _("Only mentees have a cohort and a success manager."),
            field="cohort",
        )
    if cohort is not None and cohort.program_id != program.pk:
        raise ProgramError(
            ProgramCode.COHORT_NOT_IN_PROGRAM,
            _("The cohort “%(cohort)s” is not part of %(program)s.")
            % {"cohort": cohort.name, "program": program.name},
            field="cohort",
        )
    if success_manager is not None and not (
        program_access.roles_in(success_manager, program) & STAFF_ROLES
    ):
        raise ProgramError(
            ProgramCode.NOT_A_SUCCESS_MANAGER,
            _("%(person)s is not a success manager or admin in %(program)s.")
            % {"person": success_manager, "program": program.name},
            field="success_manager",
        )


def _profile_ensure(*, user: User, role: Role) -> None:
    # Directory and matching pages expect every mentor and mentee to have a profile row.
    if role == Role.MENTOR:
        MentorProfile.objects.get_or_create(user=user)
    elif role == Role.MENTEE:
        MenteeProfile.objects.get_or_create(user=user)


# --- Invitations -----------------------------------------------------------


def person_invite(
    *,
    program: Program,
    email: str,
    name: str,
    role: Role,
    cohort: Cohort | None = None,
    success_manager: User | None = None,
    time_zone: str | None = None,
    invited_by: User,
) -> User:
    """Invite a person to `program` in `role` (a mentee optionally with a cohort
    and a success manager, as an import gives them).

    Steps: find or create the account (new ones get an unusable password and the
    program's zone), add the membership, and after commit email either a
    one-time set-password link (no password yet) or a note with a login link.
    Inviting again someone who has not set a password yet re-sends the link.
    """
    with transaction.atomic():
        user, _created = _user_get_or_create(
            email=email, name=name, time_zone=time_zone or program.time_zone
        )
        if not user.is_active:
            raise ProgramError(
                ProgramCode.INACTIVE_ACCOUNT,
                _("The account of %(email)s is deactivated. A Django admin can reactivate it.")
                % {"email": user.email},
                field="email",
            )
        membership, added = _membership_ensure_or_error(
            user=user,
            program=program,
            role=role,
            cohort=cohort,
            success_manager=success_manager,
        )
        if not added and user.has_usable_password():
            raise ProgramError(
                ProgramCode.ALREADY_MEMBER,
                _("%(email)s is already a %(role)s in %(program)s.")
                % {
                    "email": user.email,
                    "role": membership.get_role_display().lower(),
                    "program": program.name,
                },
                field="email",
            )
        _invitation_sent_mark(user=user, memberships=[membership])
        _announce_welcomed([(user, [membership])], by=invited_by, resent=not added)
        transaction.on_commit(
            partial(_send_welcome, user=user, memberships=[membership], invited_by=invited_by),
            robust=True,
        )
    return user


def _announce_welcomed(
    people: Sequence[tuple[User, Sequence[Membership]]], *, by: User | None, resent: bool = False
) -> None:
    """Tell the hooks who got a set-password invitation and who, already using
    their account, joined at once (the people page's "invited" and "active")."""
    invited = [(u, list(ms)) for u, ms in people if ms and not u.has_usable_password()]
    joined = [(u, list(ms)) for u, ms in people if ms and u.has_usable_password()]
    if invited:
        hooks.people_invited(invited, by=by, resent=resent)
    if joined and not resent:
        hooks.people_joined(joined)


def _invitation_sent_mark(*, user: User, memberships: Sequence[Membership]) -> None:
    """Record when a set-password invitation went out (not the login note to
    someone who already has a password), for the people page's status."""
    if user.has_usable_password():
        return
    sent_at = timezone.now()
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).update(
        updated_at=timezone.now(), invitation_sent_at=sent_at
    )
    for membership in memberships:
        membership.invitation_sent_at = sent_at


def invitations_resend(*, program: Program, users: Sequence[User], by: User) -> int:
    """Send each of `users` their invitation to `program` again; the number sent.

    The same email as the first invitation (`_send_welcome`: a fresh one-time
    link, since a new token replaces none of the old ones' checks but the
    timeout restarts), one per person with their active roles here, after
    commit; `invitation_sent_at` moves to now. All or nothing: someone who has
    already accepted (activated), whose account is deactivated, or who holds no
    active role in the program refuses the whole batch, naming them.
    """
    if not users:
        raise ProgramError(ProgramCode.NOBODY_SELECTED, _("Select at least one person."))
    with transaction.atomic():
        ids = [u.pk for u in users]
        fresh = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=ids)}
        memberships: dict[int, list[Membership]] = {}
        for membership in (
            Membership.objects.active()
            .filter(program=program, user_id__in=ids)
            .select_related("program", "cohort")
            .order_by("role")
        ):
            memberships.setdefault(membership.user_id, []).append(membership)
        people = [fresh[pk] for pk in dict.fromkeys(ids) if pk in fresh]
        if len(people) < len(set(ids)):
            raise ProgramError(
                ProgramCode.NOT_IN_PROGRAM,
                _("Some of them are not in %(program)s.") % {"program": program.name},
                field="people",
            )
        _refuse_resend(program, people, memberships)
        for pk in dict.fromkeys(ids):
            user, held = fresh[pk], memberships[pk]
            _invitation_sent_mark(user=user, memberships=held)
            transaction.on_commit(
                partial(_send_welcome, user=user, memberships=held, invited_by=by), robust=True
            )
        _announce_welcomed(
            [(fresh[pk], memberships[pk]) for pk in dict.fromkeys(ids)], by=by, resent=True
        )
    return len(set(ids))


def _refuse_resend(
    program: Program, users: Sequence[User], memberships: dict[int, list[Membership]]
) -> None:
    missing = [u for u in users if u.pk not in memberships]
    if missing:
        raise ProgramError(
            ProgramCode.NOT_IN_PROGRAM,
            # Not named: an id from elsewhere must not tell who it is.
            _("Some of them hold no active role in %(program)s. Nothing was sent.")
            % {"program": program.name},
            field="people",
        )
    accepted = [u for u in users if u.activated_at is not None]
    if accepted:
        raise ProgramError(
            ProgramCode.ALREADY_ACTIVATED,
            _(
                "%(people)s already accepted their invitation; there is nothing to resend. "
                "Nothing was sent."
            )
            % {"people": _names(accepted)},
            field="people",
        )
    inactive = [u for u in users if not u.is_active]
    if inactive:
        raise ProgramError(
            ProgramCode.INACTIVE_ACCOUNT,
            _("The account of %(people)s is deactivated. Nothing was sent.")
            % {"people": _names(inactive)},
            field="people",
        )


def _names(users: Sequence[User], limit: int = 5) -> str:
    names = [f"{u.name} ({u.email})" for u in users[:limit]]
    if len(users) > limit:
        names.append(_("%(count)d more") % {"count": len(users) - limit})
    return ", ".join(names)


def _invitations_sent_mark(people: Sequence[tuple[User, Sequence[Membership]]]) -> None:
    """`_invitation_sent_mark` for many people in one update (an import)."""
    sent_at = timezone.now()
    invited = [m for user, ms in people if not user.has_usable_password() for m in ms]
    Membership.objects.filter(pk__in=[m.pk for m in invited]).update(
        updated_at=timezone.now(), invitation_sent_at=sent_at
    )
    for membership in invited:
        membership.invitation_sent_at = sent_at


def invitation_accept(*, user: User, password: str) -> User:
    """Set the invited person's password and mark their email verified.

    Setting the password changes the hash the token was made from, which is
    what makes the invitation link work only once.
    """
    with transaction.atomic():
        first = user.activated_at is None
        user.set_password(password)
        user.activated_at = user.activated_at or timezone.now()
        user.save(update_fields=["password", "activated_at"])
        _email_verify(user)
        if first:
            _announce_joined(user)
    return user


def invitation_accept_by_sso(*, user: User) -> User:
    """Accept the invitation through a first single sign-on (mentora/programs/sso.py).

    Like `invitation_accept` without a password: the provider proved the email,
    so it is marked verified and the account activated. The invitation link then
    stops working, since the login that follows sets `last_login`, which the
    link's token is made from.
    """
    with transaction.atomic():
        first = user.activated_at is None
        user.activated_at = user.activated_at or timezone.now()
        user.save(update_fields=["activated_at"])
        _email_verify(user)
        if first:
            _announce_joined(user)
    return user


def _announce_joined(user: User) -> None:
    """A first acceptance joins the person to every program they hold a role in."""
    memberships = list(Membership.objects.active().filter(user=user).order_by("program", "role"))
    if memberships:
        hooks.people_joined([(user, memberships)])


def invitation_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accept_invitation", args=[uidb64, token])


def _email_verify(user: User) -> None:
    # allauth refuses to log in unverified addresses; following our link proves the address.
    addresses = EmailAddress.objects.filter(user=user)
    addresses.exclude(email__iexact=user.email).filter(primary=True).update(primary=False)
    address = addresses.filter(email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def _user_get_or_create(*, email: str, name: str, time_zone: str) -> tuple[User, bool]:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is not None:
        # An existing person keeps the name and zone they chose themselves.
        return user, False
    user = _user_new(email=email, name=name, time_zone=time_zone)
    user.save()
    return user, True


def _user_new(*, email: str, name: str, time_zone: str, check_unique: bool = True) -> User:
    """A validated, unsaved account with an unusable password (set via the invitation)."""
    user = User(email=email.strip().lower(), name=name.strip(), time_zone=time_zone)
    user.set_unusable_password()
    try:
        user.full_clean(validate_unique=check_unique, validate_constraints=check_unique)
    except ValidationError as error:
        raise _program_error(error) from error
    return user


def _membership_ensure_or_error(
    *,
    user: User,
    program: Program,
    role: Role,
    cohort: Cohort | None,
    success_manager: User | None = None,
) -> tuple[Membership, bool]:
    try:
        return _membership_ensure(
            user=user, program=program, role=role, cohort=cohort, success_manager=success_manager
        )
    except ValidationError as error:
        raise _program_error(error) from error


def _program_error(error: ValidationError) -> ProgramError:
    """A model validation error as a ProgramError on its (first) field."""
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        field_name = None if name == "__all__" else name
        return ProgramError(ProgramCode.INVALID, " ".join(errors[0].messages), field=field_name)
    return ProgramError(ProgramCode.INVALID, " ".join(error.messages))


def _send_welcome(
    *, user: User, memberships: Sequence[Membership], invited_by: User | None
) -> None:
    """One email per person: a set-password link, or, with a password, a login
    link; queued for the worker (mentora.accounts.mail), which sends it."""
    if user.has_usable_password():
        kind, link = "added", _login_link(memberships)
    else:
        kind, link = "invitation", invitation_link(user)
    context = {
        "user": user,
        "memberships": memberships,
        "programs": sorted({m.program.name for m in memberships}),
        "invited_by": invited_by,
        "link": link,
        "site_url": settings.SITE_URL,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string(f"programs/email/{kind}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a header must be one line
        body=render_to_string(f"programs/email/{kind}_body.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string(f"programs/email/{kind}_body.html", context), "text/html"
    )
    account_email_queue(message)  # sent by the worker


def _login_link(memberships: Sequence[Membership]) -> str:
    slugs = {m.program.slug for m in memberships}
    target = reverse("program_home", args=[slugs.pop()]) if len(slugs) == 1 else reverse("home")
    return f"{settings.SITE_URL}{reverse('account_login')}?{urlencode({'next': target})}"


# --- Import ----------------------------------------------------------------


@dataclass
class ImportResult:
    created_people: int = 0
    added_memberships: int = 0
    already_member_lines: list[int] = field(default_factory=list)
    invitations_sent: int = 0

    @property
    def already_members(self) -> int:
        return len(self.already_member_lines)

    def summary(self) -> str:
        text = _(
            "Created %(people)d people, added %(memberships)d memberships, "
            "%(already)d already members"
        ) % {
            "people": self.created_people,
            "memberships": self.added_memberships,
            "already": self.already_members,
        }
        if self.already_member_lines:
            lines = ", ".join(map(str, self.already_member_lines))
            text += _(" (lines %(lines)s)") % {"lines": lines}
        return _("%(text)s. Queued %(count)d invitation emails.") % {
            "text": text,
            "count": self.invitations_sent,
        }


def people_import(
    *,
    rows: Sequence[ImportRow],
    invited_by: User | None = None,
    send_invitations: bool = True,
) -> ImportResult:
    """Import checked rows (see csv_import) all at once, or nothing.

    Steps: create the missing accounts with their memberships (cohort and
    success manager included) and profiles in bulk (a 5,000-line file must not
    take a query per field), add the roles of existing people one by one (rows
    whose person already holds the role are counted, not errors; their cohort
    and success manager stay as they are), and unless invitations are held,
    mark the invitations sent and after commit send each person who got
    something new a single email. Staff roles are added first, so a mentee's
    success manager may be made one by another line of the same file.
    """
    result = ImportResult()
    with transaction.atomic():
        users = {u.email: u for u in User.objects.filter(email__in={r.email for r in rows})}
        new_users = _import_new_users([r for r in rows if r.email not in users])
        users.update(new_users)
        added: dict[str, list[Membership]] = {}
        staff_first = (
            [r for r in rows if r.role in STAFF_ROLES],
            [r for r in rows if r.role not in STAFF_ROLES],
        )
        for batch in staff_first:
            fresh = [r for r in batch if r.email in new_users]
            for email, memberships in _import_new_memberships(fresh, users).items():
                added.setdefault(email, []).extend(memberships)
            for row in batch:
                if row.email not in new_users:
                    _import_existing_person_row(row, users, added, result)
        result.created_people = len(new_users)
        result.added_memberships = sum(len(ms) for ms in added.values())
        if send_invitations:
            _invitations_sent_mark([(users[email], ms) for email, ms in added.items()])
            for email, memberships in added.items():
                transaction.on_commit(
                    partial(
                        _send_welcome,
                        user=users[email],
                        memberships=memberships,
                        invited_by=invited_by,
                    ),
                    robust=True,
                )
            result.invitations_sent = len(added)
        _announce_imported(users, added, by=invited_by, send_invitations=send_invitations)
    return result


def _announce_imported(
    users: dict[str, User],
    added: dict[str, list[Membership]],
    *,
    by: User | None,
    send_invitations: bool,
) -> None:
    """Invitations held back are not announced (nobody was invited yet); an
    account already in use joins its new programs either way."""
    people = [(users[email], ms) for email, ms in added.items()]
    if not send_invitations:
        people = [(u, ms) for u, ms in people if u.has_usable_password()]
    _announce_welcomed(people, by=by)


def _import_existing_person_row(
    row: ImportRow, users: dict[str, User], added: dict[str, list[Membership]], result: ImportResult
) -> None:
    with _at_line(row):
        membership, is_new = _membership_ensure_or_error(
            user=users[row.email],
            program=row.program,
            role=row.role,
            cohort=row.cohort,
            success_manager=_row_manager(row, users),
        )
    if is_new:
        added.setdefault(row.email, []).append(membership)
    elif row.line not in result.already_member_lines:
        # One line may give several roles; it is one person already here.
        result.already_member_lines.append(row.line)


def _row_manager(row: ImportRow, users: dict[str, User]) -> User | None:
    """The row's success manager: already staff, or made staff by another line of the file."""
    if row.success_manager is not None or not row.success_manager_email:
        return row.success_manager
    return users[row.success_manager_email]


def _import_new_users(rows: Sequence[ImportRow]) -> dict[str, User]:
    new: dict[str, User] = {}
    for row in rows:
        if row.email not in new:
            with _at_line(row):
                # Uniqueness was settled by the lookup in this transaction; the
                # database constraint still guards a concurrent insert.
                new[row.email] = _user_new(
                    email=row.email, name=row.name, time_zone=row.time_zone, check_unique=False
                )
    try:
        User.objects.bulk_create(new.values())
    except IntegrityError as error:
        raise ProgramError(
            ProgramCode.CONFLICT,
            _(
                "Some of these people were added by someone else at the same moment. "
                "Upload the file again."
            ),
        ) from error
    return new


def _import_new_memberships(
    rows: Sequence[ImportRow], users: dict[str, User]
) -> dict[str, list[Membership]]:
    """Memberships and profiles of brand-new accounts: nothing of theirs can exist yet."""
    added: dict[str, list[Membership]] = {}
    for row in rows:
        manager = _row_manager(row, users)
        membership = Membership(
            user=users[row.email],
            program=row.program,
            role=row.role,
            cohort=row.cohort,
            success_manager=manager,
        )
        with _at_line(row):
            _check_membership_args(
                program=row.program, role=row.role, cohort=row.cohort, success_manager=manager
            )
            # The related objects were just loaded or created: check only the plain values.
            membership.clean_fields(exclude=["user", "program", "cohort", "success_manager"])
        added.setdefault(row.email, []).append(membership)
    created = Membership.objects.bulk_create([m for ms in added.values() for m in ms])
    mentor_features_changed([m.user_id for m in created if m.role == Role.MENTOR])
    MentorProfile.objects.bulk_create(
        MentorProfile(user=m.user) for m in created if m.role == Role.MENTOR
    )
    MenteeProfile.objects.bulk_create(
        MenteeProfile(user=m.user) for m in created if m.role == Role.MENTEE
    )
    return added


@contextmanager
def _at_line(row: ImportRow) -> Iterator[None]:
    """Name the file's line in any error; raising rolls back every row before it too."""
    try:
        yield
    except ValidationError as error:
        raise _line_error(row, _program_error(error)) from error
    except ProgramError as error:
        raise _line_error(row, error) from error


def _line_error(row: ImportRow, error: ProgramError) -> ProgramError:
    message = _("line %(line)d: %(message)s") % {"line": row.line, "message": error.message}
    return ProgramError(error.code, message, field=error.field)
