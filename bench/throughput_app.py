"""The WSGI app the throughput benchmark serves with gunicorn: Mentora as it is,
plus one trivial signed-in page (the baseline: session, user, middleware and
nothing else), at /bench/ping/. Never part of the product's URLs.

    gunicorn bench.throughput_app:application
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentora.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import URLPattern, URLResolver, path  # noqa: E402

from mentora import urls as mentora_urls  # noqa: E402

PING = "/bench/ping/"


@login_required
def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path(PING.strip("/") + "/", ping),
    *mentora_urls.urlpatterns,
]
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
