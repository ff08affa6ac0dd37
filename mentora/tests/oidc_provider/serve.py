"""Start the test OpenID Connect provider: migrate its own database, create the
client and users from OIDC_TEST_PROVIDER, then serve on localhost until stopped."""

import socketserver
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
from django.conf import settings
from django.core.management import call_command


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        print(format % args, flush=True)


def _arrange() -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    config = settings.CONFIG
    Application.objects.create(
        name="Mentora",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        skip_authorization=True,
        algorithm=Application.RS256_ALGORITHM,
    )
    for user in config["users"]:
        User.objects.create_user(user["username"], user["email"], user["password"])


def main() -> None:
    django.setup()
    call_command("migrate", verbosity=0)
    _arrange()
    from django.core.wsgi import get_wsgi_application

    server = make_server(
        "127.0.0.1",
        settings.CONFIG["port"],
        get_wsgi_application(),
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
