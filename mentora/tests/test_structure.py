"""The layout's promises, checked: every program page comes in through
@program_view, and the program decorator does what it says."""

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern

from mentora import urls
from mentora.programs import access
from mentora.programs.decorators import ProgramRequest, program_view
from mentora.programs.models import Role

pytestmark = pytest.mark.django_db


def test_every_page_under_a_program_comes_in_through_program_view():
    for pattern in urls.program_patterns:
        assert isinstance(pattern, URLPattern)
        assert getattr(pattern.callback, "is_program_view", False), pattern.name


@program_view
def _echo(request: ProgramRequest, thing_id: int) -> HttpResponse:
    return HttpResponse(f"{request.program.slug} {','.join(sorted(request.roles))} {thing_id}")


@program_view(roles={Role.MENTOR})
def _mentors_only(request: ProgramRequest) -> HttpResponse:
    return HttpResponse("mentor")


@program_view(allow=access.is_program_admin)
def _admins_only(request: ProgramRequest) -> HttpResponse:
    return HttpResponse("admin")


def _get(user):
    request = RequestFactory().get("/p/bootcamp/")
    request.user = user
    return request


def test_program_view_sets_the_program_and_the_roles_and_passes_the_url_args(program, mentee):
    response = _echo(_get(mentee), slug=program.slug, thing_id=7)

    assert response.content.decode() == "bootcamp mentee 7"


def test_program_view_is_a_404_for_an_outsider_and_an_unknown_program(program, outsider, mentee):
    with pytest.raises(Http404):
        _echo(_get(outsider), slug=program.slug, thing_id=1)
    with pytest.raises(Http404):
        _echo(_get(mentee), slug="no-such-program", thing_id=1)


def test_program_view_sends_an_anonymous_visitor_to_log_in(program):
    from django.contrib.auth.models import AnonymousUser

    response = _echo(_get(AnonymousUser()), slug=program.slug, thing_id=1)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_program_view_roles_admits_only_those_roles(program, mentor, mentee):
    assert _mentors_only(_get(mentor), slug=program.slug).content == b"mentor"
    with pytest.raises(Http404):
        _mentors_only(_get(mentee), slug=program.slug)


def test_program_view_allow_takes_an_access_predicate(program, admin_user, success_manager):
    assert _admins_only(_get(admin_user), slug=program.slug).content == b"admin"
    with pytest.raises(Http404):
        _admins_only(_get(success_manager), slug=program.slug)
