"""Request entry points on pages other apps own: a mentor's page and the home page.

Inclusion tags, so those templates only need one line each and their views
stay as they are. Each tag runs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from mentora.accounts.models import User
from mentora.matching.mentor_requests.queries import pending, request_refusal
from mentora.programs import access as program_access
from mentora.programs.models import Program, Role

register = template.Library()

# Refusals the mentor page doesn't repeat: its own "Full" badge says it, and a
# mentee with a mentor isn't looking for one.
QUIET_REFUSALS = {"has_mentor", "not_a_mentee", "self"}


@register.inclusion_tag("matching/request_entry.html", takes_context=True)
def request_entry(context: template.Context, program: Program, mentor: User) -> dict[str, Any]:
    """On a mentor's page: "Request as my mentor", the open request, or why not."""
    viewer: User = context["request"].user
    if viewer.pk == mentor.pk or Role.MENTEE not in program_access.roles_in(viewer, program):
        return {"show": False}
    now = timezone.now()
    asked = pending(program, now).filter(mentee=viewer, mentor=mentor).first()
    refusal = (
        None if asked else request_refusal(program=program, mentee=viewer, mentor=mentor, now=now)
    )
    return {
        "show": not (refusal and refusal.code in QUIET_REFUSALS),
        "program": program,
        "mentor": mentor,
        "asked": asked,
        "refusal": refusal,
    }


@register.inclusion_tag("matching/request_home_mentee.html", takes_context=True)
def mentee_request_status(context: template.Context, program: Program) -> dict[str, Any]:
    """On a mentee's home while they have no mentor: find one, and the requests waiting."""
    viewer: User = context["request"].user
    waiting = pending(program, timezone.now()).filter(mentee=viewer).select_related("mentor")
    return {"program": program, "waiting": list(waiting)}


@register.inclusion_tag("matching/request_home_mentor.html", takes_context=True)
def mentor_requests_waiting(context: template.Context, program: Program) -> dict[str, Any]:
    """On a mentor's home: the requests waiting for their answer."""
    viewer: User = context["request"].user
    waiting = pending(program, timezone.now()).filter(mentor=viewer).select_related("mentee")
    return {"program": program, "waiting": list(waiting.order_by("expires_at"))}
