"""mentora/outbound.py against a real HTTP server on localhost: what it
fetches, what it refuses, and the limits (time, size, redirects)."""

import pytest

from mentora import outbound
from mentora.outbound import OutboundError, fetch
from mentora.scheduling.tests.calendar_server import CalendarServer

BODY = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def local(settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = True


@pytest.fixture
def server(local):
    with CalendarServer() as running:
        yield running


def test_fetch_returns_body_and_validators(server):
    server.serve("/cal.ics", BODY, etag='"v1"', last_modified="Tue, 01 Dec 2026 10:00:00 GMT")
    got = fetch(server.url("/cal.ics"))
    assert (got.not_modified, got.body, got.etag) == (False, BODY, '"v1"')
    assert got.last_modified == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert got.content_type.startswith("text/calendar")


def test_conditional_request_gets_not_modified(server):
    server.serve("/cal.ics", BODY, etag='"v1"')
    got = fetch(server.url("/cal.ics"), etag='"v1"', last_modified="Tue, 01 Dec 2026 10:00:00 GMT")
    assert got.not_modified and got.body == b""
    sent = server.hits_of("/cal.ics")[-1]
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Tue, 01 Dec 2026 10:00:00 GMT"


def test_host_header_is_the_name_not_the_address(server):
    server.serve("/cal.ics", BODY)
    fetch(f"http://localhost:{server.port}/cal.ics")
    assert server.hits_of("/cal.ics")[-1]["host"] == f"localhost:{server.port}"


@pytest.mark.parametrize(
    ("status", "words", "credentials"),
    [(500, "HTTP 500", False), (404, "nothing at this address", False), (401, "refused", True)],
)
def test_error_statuses_are_one_readable_error(server, status, words, credentials):
    server.serve("/cal.ics", b"no", status=status)
    with pytest.raises(OutboundError, match=words) as refused:
        fetch(server.url("/cal.ics"))
    assert refused.value.status == status
    assert refused.value.credentials is credentials
    assert "127.0.0.1" in str(refused.value)  # the host, never the path
    assert "/cal.ics" not in str(refused.value)


def test_a_server_that_does_not_answer_in_time(server):
    server.serve("/slow.ics", BODY, delay=2)
    with pytest.raises(OutboundError, match="didn't answer in time"):
        fetch(server.url("/slow.ics"), timeout=0.5)


def test_a_declared_oversize_body_is_refused_before_reading(server):
    server.serve("/big.ics", b"B" * 2000)
    with pytest.raises(OutboundError, match="larger than"):
        fetch(server.url("/big.ics"), max_bytes=1000)


def test_an_endless_body_is_cut_at_the_limit(server):
    server.serve("/endless.ics", endless=True)
    with pytest.raises(OutboundError, match="larger than 1 MB"):
        fetch(server.url("/endless.ics"), max_bytes=1024 * 1024)


def test_redirects_are_followed_and_checked(server):
    server.serve("/cal.ics", BODY)
    server.redirect("/a", "/b")
    server.redirect("/b", server.url("/cal.ics"), status=301)
    assert fetch(server.url("/a")).body == BODY


def test_more_than_three_redirects_are_refused(server):
    server.serve("/cal.ics", BODY)
    for hop, following in (("/1", "/2"), ("/2", "/3"), ("/3", "/4"), ("/4", "/cal.ics")):
        server.redirect(hop, following)
    with pytest.raises(OutboundError, match="redirects more than 3"):
        fetch(server.url("/1"))
    assert fetch(server.url("/2")).body == BODY  # three hops are fine


@pytest.mark.parametrize(
    "target",
    [
        "https://10.0.0.1/calendar.ics",
        "https://192.168.1.1/calendar.ics",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:10.0.0.1]/calendar.ics",
        "https://0.0.0.0/calendar.ics",
        "https://[fe80::1]/calendar.ics",
        "https://224.0.0.1/calendar.ics",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(server, target):
    server.redirect("/evil", target)
    with pytest.raises(OutboundError, match="private or local address"):
        fetch(server.url("/evil"))
    assert server.hits_of("/evil")


def test_a_redirect_to_plain_http_elsewhere_is_refused(server):
    server.redirect("/evil", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(OutboundError, match="https"):
        fetch(server.url("/evil"))


def test_local_addresses_are_refused_when_not_allowed(settings):
    settings.MENTORA_OUTBOUND_ALLOW_LOCAL = False
    with CalendarServer() as server:
        server.serve("/cal.ics", BODY)
        with pytest.raises(OutboundError, match="https"):
            fetch(server.url("/cal.ics"))
        for host in ("127.0.0.1", "localhost", "[::1]"):
            with pytest.raises(OutboundError, match="private or local address"):
                fetch(f"https://{host}:{server.port}/cal.ics")
        assert server.hits == []  # nothing ever reached the server


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.com/cal.ics", "https://"),
        ("webcal://example.com/cal.ics", "https://"),
        ("https:///cal.ics", "https://"),
        ("https://user:pw@example.com/cal.ics", "own fields"),
        ("https://example.com:99999/", "isn't a web address"),
        ("not a url", "https://"),
    ],
)
def test_bad_shapes_are_refused_without_a_request(local, url, words):
    with pytest.raises(OutboundError, match=words):
        outbound.check_url(url)


def test_an_unknown_name_is_a_readable_error(local):
    with pytest.raises(OutboundError, match="couldn't be found"):
        fetch("https://no-such-host.invalid/cal.ics")


@pytest.fixture
def localhost_certificate(tmp_path, monkeypatch):
    """A self-signed certificate for the name "localhost" only, trusted through
    SSL_CERT_FILE (OpenSSL's default trust store reads it)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    return cert_file, key_file


def test_https_checks_the_certificate_against_the_name(local, localhost_certificate):
    with CalendarServer(tls=localhost_certificate) as server:
        server.serve("/cal.ics", BODY)
        # Connected to the checked address, with SNI and the check for "localhost".
        assert fetch(f"https://localhost:{server.port}/cal.ics").body == BODY
        # The same server by its address: the certificate doesn't name it.
        with pytest.raises(OutboundError, match="couldn't be verified"):
            fetch(f"https://127.0.0.1:{server.port}/cal.ics")


def test_https_refuses_an_untrusted_certificate(local, localhost_certificate, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent")
    with CalendarServer(tls=localhost_certificate) as server:
        server.serve("/cal.ics", BODY)
        with pytest.raises(OutboundError, match="couldn't be verified"):
            fetch(f"https://localhost:{server.port}/cal.ics")
