"""Login lockout that fits the two attacks: guessing one account, spraying many.

django-axes watches every login, but it can only apply one limit and one
cool-off to a request, so it cannot say "5 failures per account in 15 minutes
and 20 per address in an hour". `LockoutHandler` keeps the rest of axes (the
backend that refuses a locked login, the middleware that answers with our page,
the access log, the admin and its reset commands) and counts failures itself,
in axes' own `AccessAttempt` table, one counter row per rule:

- the account rule counts every wrong password for one login name, from any
  address (a row with the name and no address). Its cool-off is short, so an
  attacker can only ever keep a person out for a few minutes at a time;
- the address rule counts every wrong password from one address, for any
  login name (a row with the address and no name), with a higher limit and a
  longer cool-off.

A rule locks when its counter reaches the limit, and unlocks a cool-off after
the last failure it counted. Attempts refused during a lockout are not counted
(AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so the time the lockout
page promises holds even if the person tries again early. Login names are
counted whether or not an account has them, so a lockout says nothing about
whether an account exists. A successful login clears its account's counter,
not its address's: logging in to one's own account between guesses must not
reset a spray.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import router, transaction
from django.db.models import F, Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Rule:
    kind: str  # ACCOUNT or ADDRESS
    limit: int
    cool_off: timedelta


@dataclass(frozen=True)
class Lock:
    rule: Rule
    until: datetime


def rules() -> tuple[Rule, Rule]:
    """The two rules, read from settings at each call (so override_settings works)."""
    return (
        Rule(
            ACCOUNT,
            settings.MENTORA_LOCKOUT_ACCOUNT_LIMIT,
            settings.MENTORA_LOCKOUT_ACCOUNT_COOLOFF,
        ),
        Rule(
            ADDRESS,
            settings.MENTORA_LOCKOUT_ADDRESS_LIMIT,
            settings.MENTORA_LOCKOUT_ADDRESS_COOLOFF,
        ),
    )


def longest_cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: axes' own clean-up (its admin action) keeps rows any rule may need."""
    return max(rule.cool_off for rule in rules())


def client_ip(request: HttpRequest) -> str | None:
    """The address failures are counted against (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless MENTORA_PROXY_COUNT reverse proxies of ours stand in
    front: each appends the address it was contacted from to X-Forwarded-For,
    so the client is the entry the outermost one added, counted from the right.
    Anything to the left of it was written by the client and is not trusted.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.MENTORA_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote  # did not come through all our proxies
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return remote


def _key(kind: str, username: str | None, ip_address: str | None) -> Q | None:
    """The counter row of one rule for this request; None when the request has no such value."""
    if kind == ACCOUNT:
        return Q(username=username, ip_address__isnull=True) if username else None
    return Q(ip_address=ip_address, username__isnull=True) if ip_address else None


def _username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    return get_client_username(request, credentials) or None


def _counters(
    request: HttpRequest, credentials: dict[str, Any] | None
) -> list[tuple[Rule, int, datetime | None]]:
    """Each rule's failures within its cool-off for this request, and the last one's time."""
    axes: Any = request  # carries axes' attributes (AxesProxyHandler.update_request)
    now = getattr(axes, "axes_attempt_time", None) or timezone.now()
    ip_address = getattr(axes, "axes_ip_address", None) or client_ip(request)
    username = _username(request, credentials)
    counters = []
    for rule in rules():
        key = _key(rule.kind, username, ip_address)
        if key is not None:
            counted = AccessAttempt.objects.filter(
                key, attempt_time__gt=now - rule.cool_off
            ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            counters.append((rule, counted["failures"] or 0, counted["last"]))
    return counters


def active_locks(request: HttpRequest, credentials: dict[str, Any] | None = None) -> list[Lock]:
    """Every rule that refuses this request now, with the moment it stops."""
    return [
        Lock(rule, last + rule.cool_off)
        for rule, failures, last in _counters(request, credentials)
        if last is not None and failures >= rule.limit
    ]


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler, with one counter per rule (module docstring)."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return bool(active_locks(request, credentials))

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The largest counter (axes' interface; is_locked decides, rule by rule)."""
        return max((failures for _, failures, _ in _counters(request, credentials)), default=0)

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return
        axes: Any = request
        username = _username(request, credentials)
        # A request the backend already refused (axes_locked_out) is not counted.
        if not axes.axes_locked_out and not self.is_whitelisted(request, credentials):
            for rule in rules():
                key = _key(rule.kind, username, axes.axes_ip_address)
                if key is not None:
                    self._count_failure(axes, rule, key, username)
            axes.axes_locked_out = self.is_locked(request, credentials)
        if axes.axes_locked_out:
            axes.axes_credentials = credentials
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=axes.axes_ip_address
            )

    def _count_failure(self, axes: Any, rule: Rule, key: Q, username: str | None) -> None:
        now = axes.axes_attempt_time
        with transaction.atomic(using=router.db_for_write(AccessAttempt)):
            rows = AccessAttempt.objects.filter(key)
            # A counter whose cool-off has passed starts again from nothing.
            rows.filter(attempt_time__lte=now - rule.cool_off).delete()
            # No unique row to upsert (NULLs are distinct), so two first failures at
            # once may make two rows; every read sums the rows, so both still count.
            row = rows.order_by("-attempt_time").values_list("pk", flat=True).first()
            if row is not None:
                rows.filter(pk=row).update(
                    failures_since_start=F("failures_since_start") + 1, attempt_time=now
                )
                return
            AccessAttempt.objects.create(
                username=username if rule.kind == ACCOUNT else None,
                ip_address=axes.axes_ip_address if rule.kind == ADDRESS else None,
                user_agent="",
                http_accept=axes.axes_http_accept,
                path_info=axes.axes_path_info,
                get_data="",
                post_data="",
                failures_since_start=1,
                attempt_time=now,
            )

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful login: clear that account's counter only (module docstring)."""
        key = _key(ACCOUNT, _username(request, credentials), None)
        if key is None:
            return 0
        count, _ = AccessAttempt.objects.filter(key).delete()
        return count

    def clean_expired_user_attempts(
        self, request: HttpRequest | None = None, credentials: dict[str, Any] | None = None
    ) -> int:
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        account, address = rules()
        expired = Q(username__isnull=False, attempt_time__lte=now - account.cool_off) | Q(
            username__isnull=True, attempt_time__lte=now - address.cool_off
        )
        count, _ = AccessAttempt.objects.filter(expired).delete()
        return count


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page, saying when to try again and why."""
    locks = active_locks(request, credentials)
    now = timezone.now()
    until = max((lock.until for lock in locks), default=now)
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    kinds = {lock.rule.kind for lock in locks}
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {
            "minutes": minutes,
            "until": until,
            "by_account": ACCOUNT in kinds,
            "by_address": ADDRESS in kinds,
        },
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
