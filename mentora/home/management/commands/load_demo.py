"""`manage.py load_demo`: create or refresh the Northwind demo program."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from mentora.matching.demo import load_matching
from mentora.mentoring.demo import load_workspace
from mentora.programs import demo
from mentora.scheduling.demo import load_schedule


class Command(BaseCommand):
    help = (
        "Create the demo program 'Northwind Coding Bootcamp' with its people and history. "
        "Safe to run again: it updates in place and never duplicates."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = demo.load_demo()
        scheduled = load_schedule(result.program, timezone.now())
        load_workspace(result.program, timezone.now())
        load_matching(result.program, timezone.now())
        elapsed = time.perf_counter() - started
        program_url = settings.SITE_URL.rstrip("/") + reverse(
            "program_home", kwargs={"slug": result.program.slug}
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo program '{result.program.name}' ({program_url}) is ready "
                f"in {elapsed:.1f} s; {result.mentorships_created} new mentorships, "
                f"{scheduled} given a regular time and session history."
            )
        )
        self.write_logins(result.logins)

    def write_logins(self, logins: list[tuple[str, str, str]]) -> None:
        role_w = max(len(r) for r, _, _ in logins)
        name_w = max(len(n) for _, n, _ in logins)
        self.stdout.write(
            f"\nLog in with any of these; every password is '{demo.DEMO_PASSWORD}':\n"
        )
        for role, name, email in logins:
            self.stdout.write(f"  {role:<{role_w}}  {name:<{name_w}}  {email}")
        self.stdout.write(
            "\nThe demo program asks no second factor, so each login opens its pages "
            "at once. Django admin (/admin/) always does: the program admin sets up "
            "an authenticator app there at the first visit."
        )
