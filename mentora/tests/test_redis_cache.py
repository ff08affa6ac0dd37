"""The optional shared cache (MENTORA_REDIS_URL): against the real Redis at
127.0.0.1:6379 (CI runs one), two processes see the same value."""

import os
import socket
import subprocess
import sys
import uuid

import pytest

REDIS_URL = os.environ.get("MENTORA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not _redis_up(), reason="no Redis listening on 127.0.0.1:6379 (CI starts one)"
)


def _in_a_process(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    setup = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'mentora.settings'; "
        "import django; django.setup(); from django.core.cache import cache; "
    )
    return subprocess.run(
        [sys.executable, "-c", setup + code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_default_cache_is_redis_only_when_a_url_is_set():
    shared = _in_a_process(
        "from django.core.cache import caches; print(type(caches['default']).__name__)",
        MENTORA_REDIS_URL=REDIS_URL,
    )
    alone = _in_a_process(
        "from django.core.cache import caches; print(type(caches['default']).__name__)",
        MENTORA_REDIS_URL="",
    )
    assert shared.stdout.strip() == "RedisCache", shared.stderr
    assert alone.stdout.strip() == "LocMemCache", alone.stderr


def test_two_processes_share_a_value():
    key = f"shared-{uuid.uuid4().hex}"
    env = {"MENTORA_REDIS_URL": REDIS_URL}

    wrote = _in_a_process(f"cache.set({key!r}, 'from the first', 60)", **env)
    read = _in_a_process(f"print(cache.get({key!r})); cache.delete({key!r})", **env)

    assert wrote.returncode == 0, wrote.stderr
    assert read.stdout.strip() == "from the first", read.stderr
    gone = _in_a_process(f"print(cache.get({key!r}, 'gone'))", **env)
    assert gone.stdout.strip() == "gone"


def test_without_redis_each_process_keeps_its_own():
    key = f"alone-{uuid.uuid4().hex}"
    code = f"cache.set({key!r}, 'mine', 60); print(cache.get({key!r}))"
    first = _in_a_process(code, MENTORA_REDIS_URL="")
    second = _in_a_process(f"print(cache.get({key!r}, 'not here'))", MENTORA_REDIS_URL="")
    assert first.stdout.strip() == "mine", first.stderr
    assert second.stdout.strip() == "not here", second.stderr
