"""Uploaded files on an S3-compatible bucket (MENTORA_S3_*), against a real S3
server (moto's) that the tests start on localhost.

The files still go out only through the access-checked view, which streams them
from the bucket: the bucket stays private and a link is never shareable."""

import socket
from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from mentora.mentoring.models import AgendaFile
from mentora.privacy import services as privacy
from mentora.tests import factories as f
from mentora.tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
BUCKET = "mentora-uploads"
KEYS = {"aws_access_key_id": "testing-key", "aws_secret_access_key": "testing-secret"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    """A fresh private bucket, and Django's default storage pointed at it the way
    settings.py does when MENTORA_S3_BUCKET is set."""
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "region_name": "us-east-1",
                "location": "uploads",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.fixture
def session(mentorship):
    return f.SessionFactory(mentorship=mentorship, starts_at=NOW + timedelta(days=2))


def _upload(client, program, session, mentee):
    client.force_login(mentee)
    url = reverse("agenda", args=[program.slug, session.pk])
    fields = dict.fromkeys(
        [
            *("goal", "goal_template", "mentorship_goal", "working_on", "next_days"),
            *("url", "title", "text", "tried", "topic", "link"),
        ],
        "",
    )
    data = {
        **fields,
        "action": "file_add",
        "upload": SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf"),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    return AgendaFile.objects.get()


def _default_backend(**env: str) -> str:
    """settings.py read in a fresh process with these environment variables."""
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith("MENTORA_S3_")}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'mentora.settings'; "
        "from django.conf import settings; "
        "d = settings.STORAGES['default']; print(d['BACKEND'], d.get('OPTIONS', {}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_settings_use_s3_only_when_a_bucket_is_named():
    assert _default_backend() == "django.core.files.storage.FileSystemStorage {}"
    named = _default_backend(
        MENTORA_S3_BUCKET="b", MENTORA_S3_ENDPOINT_URL="https://s3.example.org"
    )
    assert named.startswith("storages.backends.s3.S3Storage ")
    assert "'bucket_name': 'b'" in named and "'endpoint_url': 'https://s3.example.org'" in named


def test_django_uses_the_bucket(bucket):
    from django.core.files.storage import storages

    default_storage.exists("anything")  # the lazy default storage picks its backend now
    assert type(storages["default"]).__module__ == "storages.backends.s3"
    assert type(default_storage._wrapped) is type(storages["default"])


def test_an_upload_through_the_agenda_lands_in_the_bucket(client, program, session, mentee, bucket):
    stored = _upload(client, program, session, mentee)

    assert _keys(bucket) == [f"uploads/{stored.file.name}"]
    body = bucket.get_object(Bucket=BUCKET, Key=f"uploads/{stored.file.name}")["Body"].read()
    assert body == PDF


def test_the_mentor_downloads_it_through_the_checked_view(
    client, program, session, mentee, mentor, bucket
):
    stored = _upload(client, program, session, mentee)
    client.force_login(mentor)

    response = client.get(reverse("agenda_file", args=[program.slug, session.pk, stored.token]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert response["Content-Type"] == "application/pdf"


def test_an_outsider_gets_nothing_from_the_bucket(
    client, program, session, mentee, outsider, bucket
):
    stored = _upload(client, program, session, mentee)
    client.force_login(outsider)

    response = client.get(reverse("agenda_file", args=[program.slug, session.pk, stored.token]))

    assert response.status_code == 404


def test_a_file_gone_from_the_bucket_is_a_404_not_a_500(
    client, program, session, mentee, mentor, bucket
):
    stored = _upload(client, program, session, mentee)
    bucket.delete_object(Bucket=BUCKET, Key=f"uploads/{stored.file.name}")
    client.force_login(mentor)

    response = client.get(reverse("agenda_file", args=[program.slug, session.pk, stored.token]))

    assert response.status_code == 404


def test_the_stored_object_is_not_public(client, program, session, mentee, bucket):
    """No public-read grant: the bytes leave only through the checked view."""
    stored = _upload(client, program, session, mentee)

    acl = bucket.get_object_acl(Bucket=BUCKET, Key=f"uploads/{stored.file.name}")

    grantees = [grant["Grantee"].get("URI", "") for grant in acl["Grants"]]
    assert grantees and not any(
        uri.endswith(("/AllUsers", "/AuthenticatedUsers")) for uri in grantees
    )


def test_removing_the_file_deletes_it_from_the_bucket(
    client, program, session, mentee, bucket, django_capture_on_commit_callbacks
):
    from mentora.mentoring.agenda import services as agenda

    stored = _upload(client, program, session, mentee)
    with django_capture_on_commit_callbacks(execute=True):
        agenda.agenda_file_remove(session=session, by=mentee, token=stored.token, now=NOW)

    assert _keys(bucket) == []


def test_erasure_deletes_her_files_from_the_bucket(
    client, program, session, mentee, admin_user, bucket, django_capture_on_commit_callbacks
):
    _upload(client, program, session, mentee)
    assert len(_keys(bucket)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        privacy.person_erase(user=mentee, program=program, by=admin_user)

    assert _keys(bucket) == []
    assert not AgendaFile.objects.exists()
