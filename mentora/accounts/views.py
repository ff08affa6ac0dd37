from django.http import Http404, HttpRequest, HttpResponse


def profile_edit(request: HttpRequest) -> HttpResponse:
    raise Http404("placeholder: being written")


def mentor_detail(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    raise Http404("placeholder: being written")


def mentee_detail(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    raise Http404("placeholder: being written")
