"""The import page's one write: import a previewed file, if it still imports as shown."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentora.accounts.models import User
from mentora.programs import services
from mentora.programs.errors import ProgramCode, ProgramError
from mentora.programs.importing.queries import file_preview
from mentora.programs.models import Program


def people_file_import(
    *,
    program: Program,
    data: bytes,
    expected: str,
    hold_invitations: bool,
    invited_by: User,
) -> services.ImportResult:
    """Import `data` into `program` exactly as its preview (fingerprint `expected`) showed.

    Steps: parse and check the file again against the database as it is now;
    refuse with IMPORT_CHANGED if any line is bad now or would do something other
    than the preview said (nothing is imported); else `services.people_import`,
    which imports all or nothing and, unless held, emails the invitations after
    commit.
    """
    preview = file_preview(program=program, data=data)
    if not preview.ok or preview.fingerprint != expected:
        raise ProgramError(
            ProgramCode.IMPORT_CHANGED,
            _(
                "Something changed since the preview (someone was added, or a cohort or "
                "a success manager changed), so nothing was imported. Check the new "
                "preview below and confirm again."
            ),
        )
    return services.people_import(
        rows=preview.rows, invited_by=invited_by, send_invitations=not hold_invitations
    )
