"""manage.py import_people FILE [--hold-invitations]: add people to programs from a CSV file.

New people get their invitation email unless invitations are held (as on the
import page and in Django admin); `--invite` is the default and is kept for old scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mentora.programs import services
from mentora.programs.csv_import import COLUMNS, parse_people_csv
from mentora.programs.errors import ProgramError


class Command(BaseCommand):
    help = (
        f"Import people from a UTF-8 CSV file with the columns {', '.join(COLUMNS)}. "
        "A file with any error imports nobody."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the CSV file")
        parser.add_argument(
            "--invite",
            action="store_true",
            help="the default: email each new person an invitation (and others a note)",
        )
        parser.add_argument(
            "--hold-invitations",
            action="store_true",
            help="send no email now (resend the invitations later from the people page)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
            ) from error
        parsed = parse_people_csv(data)
        if options["invite"] and options["hold_invitations"]:
            raise CommandError(_("Give --invite or --hold-invitations, not both."))
        if not parsed.ok:
            for line_error in parsed.errors:
                self.stderr.write(str(line_error))
            raise CommandError(
                _("%(count)d error(s) in %(path)s; nothing was imported.")
                % {"count": len(parsed.errors), "path": path}
            )
        try:
            result = services.people_import(
                rows=parsed.rows, send_invitations=not options["hold_invitations"]
            )
        except ProgramError as error:
            raise CommandError(
                _("%(message)s Nothing was imported.") % {"message": error.message}
            ) from error
        self.stdout.write(self.style.SUCCESS(result.summary()))
