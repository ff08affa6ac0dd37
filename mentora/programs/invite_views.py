from django.http import Http404, HttpRequest, HttpResponse


def invite_person(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404("placeholder: being written")


def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    raise Http404("placeholder: being written")
