"""Who may see and change applications.

- Rounds and their questions: the program's admins (`access.manages_settings`,
  a superuser for support).
- The review queue, an application's page and its moves: the round's reviewers,
  the program's staff (admins and success managers). Mentors and mentees never:
  the program pages' 404, like anyone outside. A draft (email not confirmed) is
  nobody's on the staff side: not listed, and a 404 by id.
- An applicant has no account: their link's token is the only key to their
  application. A token that matches none (or belongs to another program's
  address) is a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentora import inputs
from mentora.applications.models import (
    Application,
    ApplicationRound,
    ApplicationStatus,
    DeclineTemplate,
    Question,
    link_hash,
)
from mentora.programs import access
from mentora.programs.models import Program

if TYPE_CHECKING:
    from mentora.accounts.models import User


def manages_rounds(user: User, program: Program) -> bool:
    return access.manages_settings(user, program)


def reviews_applications(user: User, program: Program) -> bool:
    return access.is_program_staff(user, program)


def round_in_program(program: Program, round_id: int) -> ApplicationRound:
    found = ApplicationRound.objects.filter(program=program, pk=round_id).first()
    access.require(found is not None, "No such round.")
    assert found is not None
    return found


def question_in_round(round_: ApplicationRound, question_id: int | None) -> Question:
    found = Question.objects.filter(round=round_, pk=question_id or 0).first()
    access.require(found is not None, "No such question.")
    assert found is not None
    return found


def application_for_reviewer(program: Program, application_id: int) -> Application:
    """A submitted application of the program (never a draft), or a 404."""
    found = (
        Application.objects.filter(round__program=program, pk=application_id)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("round")
        .first()
    )
    access.require(found is not None, "No such application.")
    assert found is not None
    return found


def public_program(slug: str) -> Program:
    """A program that takes applications (has had a round), or a 404: a program
    that never asked for applications stays as unknown as on its own pages."""
    program = Program.objects.filter(slug=slug).first()
    access.require(
        program is not None and ApplicationRound.objects.filter(program=program).exists(),
        "No such program.",
    )
    assert program is not None
    return program


def public_round(slug: str, round_id: int) -> ApplicationRound:
    found = (
        ApplicationRound.objects.filter(program__slug=slug, pk=round_id)
        .select_related("program")
        .first()
    )
    access.require(found is not None, "No such round.")
    assert found is not None
    return found


def application_for_link(slug: str, token: str) -> Application:
    """The application whose link this token is, at this program's address, or a 404."""
    access.require(inputs.parse_token(token) is not None, "No such application.")
    found = (
        Application.objects.filter(link_hash=link_hash(token), round__program__slug=slug)
        .select_related("round__program")
        .first()
    )
    access.require(found is not None, "No such application.")
    assert found is not None
    return found


def decline_template_in_program(program: Program, template_id: int | None) -> DeclineTemplate:
    found = DeclineTemplate.objects.filter(program=program, pk=template_id or 0).first()
    access.require(found is not None, "No such message.")
    assert found is not None
    return found
