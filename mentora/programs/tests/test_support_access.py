"""Access comes from program roles only. Django's `is_staff` opens nothing; a
superuser opens a program for support as if its admin, and every such view is
in the program's audit log (mentora.programs.audit)."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from mentora import urls
from mentora.accounts.models import BackgroundField, Visibility
from mentora.matching.tests.factories import ConcernFactory, PulseFactory
from mentora.mentoring.models import FeedbackVisibility
from mentora.programs import access, audit, audit_views
from mentora.programs.models import AccessAuditEntry, AuditKind, Role
from mentora.tests import factories as f
from mentora.tests.test_no_500 import _world

pytestmark = pytest.mark.django_db

PRIVATE_MARK = "Private-answer-5d1e"
CONCERN_MARK = "We keep talking past each other"


@pytest.fixture
def django_staff(db):
    """Django staff with no permissions and no program role."""
    return f.UserFactory(email="stef@example.org", name="Stef Staff", is_staff=True)


@pytest.fixture
def superuser(db):
    """A superuser with no role in any program."""
    return f.UserFactory(
        email="root@example.org", name="Ruth Root", is_staff=True, is_superuser=True
    )


@pytest.fixture
def ended_session(mentorship):
    """Ended a quarter of an hour ago, with the mentee's reflection and feedback."""
    session = f.SessionFactory(mentorship=mentorship, starts_at=timezone.now() - timedelta(hours=1))
    f.ReflectionFactory(session=session, author=mentorship.mentee, plan_now="PLAN-4711")
    f.FeedbackFactory(
        session=session,
        less_productive="FEEDBACK-0815",
        visibility=FeedbackVisibility.SUCCESS_MANAGER,
    )
    return session


def program_pages(program, ids):
    """Every program URL, its ids from test_no_500's small world."""
    ids = {**ids, "token": "no-such-file"}
    return [
        reverse(p.name, kwargs={"slug": program.slug, **{k: ids[k] for k in p.pattern.converters}})
        for p in urls.program_patterns
        if isinstance(p, URLPattern)
    ]


def entries():
    return list(AccessAuditEntry.objects.order_by("pk"))


# --- Django staff: nothing ------------------------------------------------------------------


def test_django_staff_without_a_role_gets_404_on_every_program_page(
    client, program, mentorship, mentee, admin_user, django_staff
):
    pages = program_pages(program, _world(program, mentorship, mentee, admin_user))
    client.force_login(django_staff)

    assert len(pages) == len(urls.program_patterns) >= 50
    for page in pages:
        assert client.get(page).status_code == 404, page
        assert client.post(page, {"action": "resolve"}).status_code == 404, page
    assert not AccessAuditEntry.objects.exists()


def test_django_staff_home_page_shows_no_program(client, program, mentee, django_staff):
    client.force_login(django_staff)

    home = client.get(reverse("home")).content.decode()

    assert program.name not in home
    assert f"/p/{program.slug}/" not in home
    assert "not part of a mentoring program" in home


def test_django_staff_counts_for_nothing_in_the_predicates(program, mentee, django_staff):
    assert not access.is_member(django_staff, program)
    assert not access.is_program_admin(django_staff, program)
    assert not access.is_program_staff(django_staff, program)
    assert not access.can_view_mentee(django_staff, program, mentee)
    assert not access.manages_mentee(django_staff, program, mentee)
    assert not access.sees_all_background(django_staff, mentee, program)
    assert access.staff_scope(django_staff, program) is None


# --- a superuser: support access, logged ------------------------------------------------------


def test_superuser_reads_a_concern_and_the_view_is_logged(client, program, mentorship, superuser):
    concern = ConcernFactory(mentorship=mentorship)
    PulseFactory(mentorship=mentorship)
    client.force_login(superuser)
    path = reverse("concern_detail", args=[program.slug, concern.pk])

    response = client.get(path)

    assert response.status_code == 200
    assert CONCERN_MARK in response.content.decode()
    logged = entries()
    assert {e.kind for e in logged} == {AuditKind.CONCERN, AuditKind.FEEDBACK, AuditKind.PULSE}
    for entry in logged:
        assert (entry.program, entry.user, entry.method, entry.path, entry.page) == (
            program,
            superuser,
            "GET",
            path,
            "concern_detail",
        )
        assert timezone.now() - entry.at < timedelta(minutes=1)


def test_superuser_reads_reflections_and_feedback_and_the_view_is_logged(
    client, program, ended_session, superuser
):
    client.force_login(superuser)
    path = reverse("session_reflect", args=[program.slug, ended_session.pk])

    page = client.get(path).content.decode()

    assert "PLAN-4711" in page and "FEEDBACK-0815" in page
    assert {(e.kind, e.path) for e in entries()} == {
        (AuditKind.REFLECTION, path),
        (AuditKind.FEEDBACK, path),
    }


def test_superuser_reads_private_background_and_the_view_is_logged(
    client, program, mentee, superuser
):
    f.BackgroundAnswerFactory(
        user=mentee, field=BackgroundField.GENDER, value=PRIVATE_MARK, visibility=Visibility.PRIVATE
    )
    client.force_login(superuser)
    path = reverse("mentee_detail", args=[program.slug, mentee.pk])

    assert PRIVATE_MARK in client.get(path).content.decode()
    assert {e.kind for e in entries()} == {AuditKind.MENTEE, AuditKind.BACKGROUND}


def test_superuser_home_page_of_a_program_is_the_admins_and_is_logged(
    client, program, mentee, superuser
):
    client.force_login(superuser)

    response = client.get(reverse("program_home", args=[program.slug]))

    assert response.status_code == 200
    assert 'data-role="admin"' in response.content.decode()
    assert [(e.kind, e.page) for e in entries()] == [(AuditKind.PEOPLE, "program_home")]


def test_each_request_logs_each_kind_once(client, program, mentorship, superuser):
    concern = ConcernFactory(mentorship=mentorship)
    client.force_login(superuser)
    path = reverse("concern_detail", args=[program.slug, concern.pk])

    client.get(path)
    client.get(path)

    assert AccessAuditEntry.objects.filter(kind=AuditKind.CONCERN).count() == 2
    assert AccessAuditEntry.objects.count() == 2 * len(audit.PAGE_KINDS["concern_detail"])


def test_a_support_write_is_logged_with_its_method(client, program, mentorship, superuser):
    concern = ConcernFactory(mentorship=mentorship)
    client.force_login(superuser)
    path = reverse("concern_resolve", args=[program.slug, concern.pk])

    response = client.post(path, {"outcome": "keep_going", "note": "Talked to both."})

    assert response.status_code == 302
    assert {(e.kind, e.method, e.path) for e in entries()} == {(AuditKind.CONCERN, "POST", path)}


# --- what is not logged ---------------------------------------------------------------------


def test_a_superuser_who_is_program_admin_by_role_leaves_no_entry(
    client, program, mentorship, mentee, ended_session, superuser
):
    f.MembershipFactory(user=superuser, program=program, role=Role.ADMIN)
    concern = ConcernFactory(mentorship=mentorship)
    client.force_login(superuser)

    for name, args in [
        ("program_home", []),
        ("concern_detail", [concern.pk]),
        ("session_reflect", [ended_session.pk]),
        ("mentee_detail", [mentee.pk]),
        ("caseload", []),
        ("program_audit", []),
    ]:
        assert client.get(reverse(name, args=[program.slug, *args])).status_code == 200, name

    assert not AccessAuditEntry.objects.exists()


def test_a_superuser_success_manager_reads_own_caseload_without_an_entry(
    client, program, mentee, success_manager
):
    success_manager.is_superuser = True
    success_manager.save()
    client.force_login(success_manager)

    response = client.get(reverse("mentee_detail", args=[program.slug, mentee.pk]))

    assert response.status_code == 200
    assert not AccessAuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("concern_detail", 999_999),  # no such concern
        ("session_book", "mentorship"),  # the parties' page: staff get a 404 too
        ("availability_edit", None),  # mentors only
    ],
)
def test_no_entry_when_the_request_was_refused(client, program, mentorship, superuser, name, arg):
    client.force_login(superuser)
    args = [] if arg is None else [mentorship.pk if arg == "mentorship" else arg]

    assert client.get(reverse(name, args=[program.slug, *args])).status_code == 404
    assert not AccessAuditEntry.objects.exists()


def test_no_entry_when_a_party_only_post_is_refused(client, program, ended_session, superuser):
    client.force_login(superuser)
    path = reverse("session_reflect", args=[program.slug, ended_session.pk])

    assert client.post(path, {"action": "reflection", "goal_met": "yes"}).status_code == 404
    assert not AccessAuditEntry.objects.exists()


def test_a_mentee_or_admin_leaves_no_entry(client, program, mentorship, mentee, admin_user):
    concern = ConcernFactory(mentorship=mentorship)
    for person in (mentee, admin_user):
        client.force_login(person)
        assert (
            client.get(reverse("concern_detail", args=[program.slug, concern.pk])).status_code
            == 200
        )

    assert not AccessAuditEntry.objects.exists()


def test_predicates_outside_a_request_note_nothing(program, superuser):
    assert access.is_program_admin(superuser, program)  # a shell or the worker: no request
    assert not AccessAuditEntry.objects.exists()


# --- the audit page -----------------------------------------------------------------------


def audit_url(program):
    return reverse("program_audit", args=[program.slug])


def test_program_admin_reads_the_log_newest_first(
    client, program, mentorship, superuser, admin_user
):
    concern = ConcernFactory(mentorship=mentorship)
    client.force_login(superuser)
    client.get(reverse("concern_detail", args=[program.slug, concern.pk]))
    client.get(reverse("caseload", args=[program.slug]))
    client.force_login(admin_user)

    page = client.get(audit_url(program)).content.decode()

    assert "Ruth Root" in page and "root@example.org" in page
    assert f"GET /p/{program.slug}/concerns/{concern.pk}/" in page
    log = page[page.index("<main") :]  # the header links the concerns page too
    assert log.index("/caseload/") < log.index("/concerns/")  # newest first
    assert str(AuditKind.CONCERN.label) in page and str(AuditKind.PULSE.label) in page


def test_the_admins_home_links_to_the_log(client, program, admin_user):
    client.force_login(admin_user)

    assert audit_url(program) in client.get(reverse("program_home", args=[program.slug])).text


def test_the_log_is_paged(client, program, superuser, admin_user):
    now = timezone.now()
    AccessAuditEntry.objects.bulk_create(
        AccessAuditEntry(
            program=program,
            user=superuser,
            at=now - timedelta(minutes=n),
            kind=AuditKind.NOTES,
            method="GET",
            path=f"/p/{program.slug}/n{n:03d}/",
        )
        for n in range(audit_views.PER_PAGE + 5)
    )
    client.force_login(admin_user)

    first = client.get(audit_url(program)).content.decode()
    second = client.get(audit_url(program), {"page": 2}).content.decode()

    assert audit_views.PER_PAGE == 50
    assert "/n000/" in first and "/n049/" in first and "/n050/" not in first
    assert "/n050/" in second and "/n054/" in second
    for junk in ("x", "²", "0", "-1", "9" * 5000):
        assert client.get(audit_url(program), {"page": junk}).status_code == 200


@pytest.mark.parametrize("person", ["outsider", "mentor", "mentee", "success_manager"])
def test_the_log_is_a_404_for_anyone_but_admins(client, request, program, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(audit_url(program)).status_code == 404


def test_a_superuser_reading_the_log_is_itself_logged(client, program, superuser):
    client.force_login(superuser)

    assert client.get(audit_url(program)).status_code == 200
    assert [e.kind for e in entries()] == [AuditKind.AUDIT]


def test_the_log_is_read_only_in_django_admin(client, program, superuser):
    entry = AccessAuditEntry.objects.create(
        program=program, user=superuser, at=timezone.now(), kind=AuditKind.CONCERN, path="/x/"
    )
    client.force_login(superuser)

    assert client.get(reverse("admin:programs_accessauditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:programs_accessauditentry_add")).status_code == 403
    delete = reverse("admin:programs_accessauditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessAuditEntry.objects.filter(pk=entry.pk).exists()


def test_every_program_page_says_what_it_shows():
    names = {p.name for p in urls.program_patterns if isinstance(p, URLPattern)}

    assert names <= set(audit.PAGE_KINDS), names - set(audit.PAGE_KINDS)
    assert set(audit.PAGE_KINDS) <= names  # no stale names either


def test_superuser_walks_every_program_page_without_an_error_and_each_view_is_logged(
    client, program, mentorship, mentee, admin_user, superuser
):
    pages = program_pages(program, _world(program, mentorship, mentee, admin_user))
    client.force_login(superuser)

    for page in pages:
        for method in (client.get, client.post):
            AccessAuditEntry.objects.all().delete()
            status = method(page).status_code
            assert status < 500, page
            logged = set(AccessAuditEntry.objects.values_list("path", flat=True))
            assert logged == (set() if status in audit.REFUSED else {page}), (page, status)
