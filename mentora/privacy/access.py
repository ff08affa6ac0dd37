"""Who may export and erase personal data.

- Export: a person exports their own data only; there is no way to name anyone
  else (the view reads `request.user`).
- Erasure: a program's admins (and a superuser, through support access) reach
  the page of a person who is or was a member of the program; anyone else, and
  anyone asking about a person outside the program, gets the program pages'
  404. Whether this admin may go through with it (a person in another program
  needs a superuser) is `services.erasure_refusal`, shown on the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from mentora.accounts.models import User
from mentora.programs import access
from mentora.programs.models import Membership, Role

if TYPE_CHECKING:
    from mentora.programs.models import Program


def may_erase_in(user: User, program: Program) -> bool:
    return access.is_program_admin(user, program)


def person_for_erasure(viewer: User, program: Program, user_id: int) -> User:
    """The person (member of `program` in any role and status) or a 404."""
    access.require(may_erase_in(viewer, program))
    person = User.objects.filter(
        pk=user_id, pk__in=Membership.objects.filter(program=program).values("user_id")
    ).first()
    access.require(person is not None, "No such person.")
    assert person is not None
    return person


def erase_link_for(viewer: User, program: Program, person: User) -> dict[str, Any] | None:
    """The "Erase personal data" link of a person's page, for the program's admins
    (a superuser too: only a link, so no support access is noted for it)."""
    if person.pk == viewer.pk:
        return None
    if not (access.has_role(viewer, program, Role.ADMIN) or viewer.is_superuser):
        return None
    url = reverse("person_erase", kwargs={"slug": program.slug, "user_id": person.pk})
    return {"url": url, "erased_at": person.erased_at}
