"""Junk in, no 5xx out, and a refusal changes nothing (a property-based test).

Every URL pattern of the project is visited as each kind of person (the named
users, an `is_staff` account with no roles, a superuser, someone anonymous). The
forms each page really renders are read from its HTML, so a new form field is
covered the day it ships. Then:

* a deterministic sweep sends every class of junk value (non-ASCII digits, huge
  numbers, dates at the ends of the calendar, NUL and other control characters,
  bidirectional overrides, invalid UTF-8, very long text) into every field of
  every form and every query string, and into each segment of every URL path;
* hypothesis draws further combinations: a form's own values with some of its
  fields replaced by junk (so the junk gets past the fields that are fine and
  reaches the deep validation).

Each request runs in a savepoint that is rolled back afterwards, so the world
stays the same for every example. A request is a refusal when it answers 4xx, or
when a POST does not redirect (a form shown again with its errors); after a
refusal every row of every table must be as it was.

`MENTORA_JUNK_EXAMPLES` sets the hypothesis examples per person (default 40).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentora.tests import factories as f
from mentora.tests.test_no_500 import _world, all_pages

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = int(os.environ.get("MENTORA_JUNK_EXAMPLES", "40"))

# One representative of each class of hostile value, as text a browser could send.
JUNK_CLASSES: dict[str, list[str]] = {
    "non_ascii_digits": ["²", "٣", "１２", "߁߂", "Ⅻ"],
    "huge_numbers": ["9" * 5000, "-" + "9" * 30, "1e309", "NaN", "-0", "0x1F"],
    "edge_dates": [
        "9999-12-31",
        "0001-01-01",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "2027-02-30",
        "2027-03-28T02:30",  # inside Berlin's spring-forward gap
        "2027-10-31T02:30",  # Berlin's autumn repeat
    ],
    "control_characters": ["\x00", "a\x00b", "\x1b[31mred", "\x7f", "\u0085", "line\x0bbreak"],
    "bidi_overrides": ["\u202egnp.exe", "\u2066isolate\u2069"],
    "long_text": ["x" * 20_000, "ü" * 5_000],
    "markup": ["<script>alert(1)</script>", "'; DROP TABLE x; --", "{{ 7*7 }}", "%s%n"],
    "empty": ["", " ", "\t\n"],
}
ALL_JUNK = [value for values in JUNK_CLASSES.values() for value in values]
# Raw query strings a browser may send that are not valid UTF-8 once decoded.
RAW_QUERIES = ["q=%FF%FE", "page=%C0%AF", "week=%E2%82", "%00=1", "a%00b=%00"]

# Rows these tables hold change on any request and prove nothing about a refusal.
VOLATILE_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "usersessions_usersession",  # last seen, on every signed-in request
}
VOLATILE_PREFIXES = ("django_tasks", "programs_accessaudit")


@dataclass(frozen=True)
class Target:
    """Something to send junk to: a URL and the field names it reads."""

    url: str
    method: str
    fields: tuple[tuple[str, str], ...] = field(default=())  # (name, the page's own value)


class _Forms(HTMLParser):
    """The forms of a page: action, method and the fields with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, list[tuple[str, str]]]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), a.get("method", "get").lower(), []))
        if not self.forms:
            return
        fields = self.forms[-1][2]
        name = a.get("name", "")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "file", "button", "image"}:
                fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "button" and name and not any(n == name for n, _ in fields):
            fields.append((name, a.get("value", "")))  # a submit button sends its own value
        elif tag == "select" and name:
            self._select = name
            fields.append((name, ""))
        elif tag == "option" and self._select and ("selected" in a or fields[-1][1] == ""):
            fields[-1] = (self._select, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            fields.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            fields = self.forms[-1][2]
            fields[-1] = (self._textarea, fields[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(page_url: str, html: str) -> list[Target]:
    parser = _Forms()
    parser.feed(html)
    targets = []
    for action, method, fields in parser.forms:
        url = urljoin(page_url, action) if action else page_url
        if urlsplit(url).netloc not in {"", "testserver"}:
            continue
        path = urlsplit(url).path
        targets.append(Target(path, "post" if method == "post" else "get", tuple(fields)))
    return targets


def table_fingerprint() -> dict[str, str]:
    """A digest of every row of every table (the worlds here are small)."""
    digests = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if table in VOLATILE_TABLES or table.startswith(VOLATILE_PREFIXES):
            continue
        rows = model._base_manager.order_by("pk").values_list()
        digests[table] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the request does is undone, so every example sees the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def send(client: Client, target: Target, data: dict[str, str] | str):
    if isinstance(data, str):  # a raw query string
        return client.generic(target.method.upper(), f"{target.url}?{data}")
    if target.method == "post":
        return client.post(target.url, data)
    return client.get(target.url, data)


def is_refusal(method: str, status: int) -> bool:
    if 400 <= status < 500:
        return True
    return method == "post" and status == 200


WRITES = ("insert", "update", "delete", "replace")


def _wrote(queries: list[dict[str, str]]) -> bool:
    """Did a statement write a table that matters (sessions and lockout logs don't)?"""
    for query in queries:
        sql = query["sql"].lstrip().lower()
        if sql.startswith(WRITES) and not any(
            t in sql for t in (*VOLATILE_TABLES, *VOLATILE_PREFIXES)
        ):
            return True
    return False


def check(
    client: Client, target: Target, data: dict[str, str] | str, baseline: dict[str, str]
) -> None:
    """Send it; no 5xx, and a refusal leaves every row as it was. The tables are
    only compared when the request wrote something (a write can still have been
    rolled back by the view), which keeps thousands of requests fast."""
    with rolled_back(), CaptureQueriesContext(connection) as queries:
        try:
            response = send(client, target, data)
        except UnicodeEncodeError:
            return  # the test client can't send it; neither can a browser
        shown = data if isinstance(data, str) else {k: v[:40] for k, v in data.items()}
        assert response.status_code < 500, (target.method, target.url, shown)
        if is_refusal(target.method, response.status_code) and _wrote(queries.captured_queries):
            after = table_fingerprint()
            changed = sorted(t for t in baseline if baseline[t] != after.get(t))
            assert not changed, (target.method, target.url, shown, changed)


# ---------------------------------------------------------------------------
# The people and the pages each of them sees.


def _people(request, program) -> dict[str, object]:
    people: dict[str, object] = {
        name: request.getfixturevalue(name)
        for name in (
            "mentee",
            "mentor",
            "other_mentee",
            "success_manager",
            "admin_user",
            "outsider",
        )
    }
    people["django_staff"] = f.UserFactory(
        email="stella@example.org", name="Stella Staff", is_staff=True
    )
    superuser = get_user_model().objects.create_superuser(
        email="root@example.org",
        password="x-long-enough-password",
        name="Root",
        onboarded_at=timezone.now(),  # else every page is the welcome redirect
    )
    people["superuser"] = superuser
    people["anonymous"] = None
    return people


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/signup/",
    # Single sign-on (allauth's social accounts): the pages a provider sends people back to.
    "/accounts/3rdparty/login/cancelled/",
    "/accounts/3rdparty/login/error/",
    "/accounts/3rdparty/signup/",
    "/accounts/oidc/acme/login/",
    "/accounts/oidc/acme/login/callback/",
    "/accounts/2fa/authenticate/",  # the code step of a login (none under way here)
]
# Pages of allauth's that everyone signed in has (the single sign-on connections).
SIGNED_IN_PAGES = [
    "/accounts/3rdparty/",
    # Two-factor sign-in (allauth.mfa): set up, turn off, recovery codes, keys, confirm.
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/webauthn/",
    "/accounts/2fa/webauthn/add/",
    "/accounts/2fa/reauthenticate/",
]
TOKEN_PAGES = [
    "/calendar/not-a-token.ics",
    "/accounts/invitation/MQ/not-a-token/",
]


def _admin_pages() -> list[str]:
    from django.contrib import admin

    pages = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(f"/admin/{meta.app_label}/{meta.model_name}/")
    return pages


def _pages_for(who: str, program, ids, past_session_id: int) -> list[str]:
    pages = all_pages(program, ids) + TOKEN_PAGES
    upcoming = f"/sessions/{ids['session_id']}/"
    pages += [p.replace(upcoming, f"/sessions/{past_session_id}/") for p in pages if upcoming in p]
    if who == "anonymous":
        pages += ANONYMOUS_PAGES
    else:
        pages += SIGNED_IN_PAGES
    if who == "superuser":
        pages += _admin_pages()
    return pages


def _targets(client: Client, pages: list[str]) -> list[Target]:
    """Each page by GET and POST with no fields, plus every form it renders."""
    targets: list[Target] = []
    for page in pages:
        targets += [Target(page, "get"), Target(page, "post")]
        response = client.get(page)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            targets += forms_on(page, response.content.decode(errors="replace"))
    unique = dict.fromkeys(targets)
    return list(unique)


def _path_variants(page: str) -> Iterator[str]:
    """The page with each path segment in turn replaced by junk."""
    segments = page.strip("/").split("/")
    for i in range(len(segments)):
        for junk in ("\x00", "²", "9" * 40):
            changed = [*segments]
            changed[i] = quote(junk, safe="%")
            yield "/" + "/".join(changed) + "/"


@dataclass
class Visitor:
    """One person, logged in, with the forms their pages show them."""

    client: Client
    targets: list[Target]
    baseline: dict[str, str]


def _lived_in(mentorship) -> int:
    """Hours to book, a past session to note and reflect on, an agenda to edit,
    so the pages render the forms a real week would show."""
    for weekday in range(7):
        f.WeeklyHoursFactory(mentor=mentorship.mentor, weekday=weekday)
    past = f.SessionFactory(
        mentorship=mentorship, starts_at=timezone.now() - timedelta(days=2, hours=3)
    )
    f.AgendaFactory(session=past)
    f.MentorshipGoalFactory(mentorship=mentorship)
    return past.pk


@pytest.fixture
def visit(request, program, mentorship, mentee, admin_user):
    """`visit(who)`: that person's client and targets in a small lived-in world."""
    ids = _world(program, mentorship, mentee, admin_user)
    past_session_id = _lived_in(mentorship)
    people = _people(request, program)

    def visitor(who: str) -> Visitor:
        client = Client()
        if people[who] is not None:
            client.force_login(people[who])
        targets = _targets(client, _pages_for(who, program, ids, past_session_id))
        return Visitor(client, targets, table_fingerprint())

    return visitor


PEOPLE = [
    "mentee",
    "mentor",
    "other_mentee",
    "success_manager",
    "admin_user",
    "outsider",
    "django_staff",
    "superuser",
    "anonymous",
]


# Who walks the junk paths: the URL is resolved before roles count, so four
# kinds of visitor are enough and keep the sweep under a minute.
PATH_WALKERS = {"mentee", "admin_user", "superuser", "anonymous"}


def _junk_for(target: Target, junk: str) -> dict[str, str]:
    if target.fields:
        return {name: junk for name, _ in target.fields}
    return {"q": junk, "page": junk, "id": junk, "week": junk, "starts_at": junk}


# ---------------------------------------------------------------------------
# The deterministic sweep: every class into every field, path and query string.


@pytest.mark.parametrize("who", PEOPLE)
def test_every_junk_class_in_every_field_and_path(visit, who: str) -> None:
    me = visit(who)
    client = me.client
    sent = 0
    for n, target in enumerate(me.targets):
        # Each class once per target; which member of the class turns with the
        # target, so every value is sent somewhere by everyone.
        for values in JUNK_CLASSES.values():
            check(client, target, _junk_for(target, values[n % len(values)]), me.baseline)
            sent += 1
        if target.method == "get" and not target.fields:
            check(client, target, RAW_QUERIES[n % len(RAW_QUERIES)], me.baseline)
            sent += 1
            if who not in PATH_WALKERS:
                continue  # a path is parsed before anyone's role is looked at
            for variant in _path_variants(target.url):
                check(client, Target(variant, "get"), {}, me.baseline)
                sent += 1
    assert sent > 100, sent
    print(f"{who}: {sent} junk requests")  # the closing note reports these counts


# ---------------------------------------------------------------------------
# Hypothesis: a form's own values with some fields replaced by junk.

junk_value = st.one_of(
    st.sampled_from(ALL_JUNK),
    st.text(st.characters(codec="utf-8"), max_size=50),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@st.composite
def junk_request(draw, targets: list[Target]) -> tuple[Target, dict[str, str]]:
    target = draw(st.sampled_from(targets))
    data = dict(target.fields)
    names = [name for name, _ in target.fields] or ["q", "page", "week", "starts_at"]
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
        data[name] = draw(junk_value)
    return target, data


@pytest.mark.parametrize("who", PEOPLE)
def test_junk_drawn_by_hypothesis_is_refused_cleanly(visit, who: str) -> None:
    me = visit(who)
    client = me.client
    with_fields = [t for t in me.targets if t.fields] or me.targets

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(junk_request(with_fields))
    def one(drawn: tuple[Target, dict[str, str]]) -> None:
        target, data = drawn
        check(client, target, data, me.baseline)

    one()


def test_the_sweep_reaches_forms_of_every_kind(visit) -> None:
    """The sweep is only as good as the forms it finds."""
    posts = {t.url for t in visit("mentee").targets if t.method == "post" and t.fields}
    staff = visit("admin_user").targets
    staff_posts = {t.url for t in staff if t.method == "post" and t.fields}
    assert any("/book" in url or "/slots" in url for url in posts), posts
    assert any("/agenda" in url for url in posts), posts
    assert len(staff_posts) >= 5, staff_posts
    assert any("/admin/" in t.url for t in visit("superuser").targets)
    reflect = {t.url for t in visit("mentor").targets if "/reflect/" in t.url and t.fields}
    assert reflect, "the mentor's past session offers its reflection form"


def test_the_row_check_would_see_a_refusal_that_wrote(mentee) -> None:
    """The no-changed-row half of the check can fail: a write shows in both the
    captured statements and the tables' fingerprint."""
    before = table_fingerprint()
    with rolled_back(), CaptureQueriesContext(connection) as queries:
        type(mentee).objects.filter(pk=mentee.pk).update(name="Changed")
        assert _wrote(queries.captured_queries)
        assert table_fingerprint() != before
    assert table_fingerprint() == before
