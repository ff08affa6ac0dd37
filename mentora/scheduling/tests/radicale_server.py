"""A real Radicale CalDAV server for the tests: started once per test run in
its own process, on a free localhost port, with its collections in a temporary
folder and plain htpasswd logins (the `radicale` package, a dev dependency).

Tests use the `radicale` fixture (mentora/scheduling/tests/conftest.py) and
make their own calendars with `RadicaleServer.make_calendar`, so that no two
tests share one.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from caldav.collection import Calendar as DAVCalendar
from caldav.davclient import DAVClient

# username -> password; new_user adds to it.
USERS: dict[str, str] = {"ada": "ada-app-password"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(folder: Path, port: int) -> Path:
    users = folder / "users"
    users.write_text("".join(f"{name}:{password}\n" for name, password in USERS.items()))
    config = folder / "config"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\n"
        "type = htpasswd\n"
        f"htpasswd_filename = {users}\n"
        "htpasswd_encryption = plain\n"
        # Radicale waits after a wrong password; the tests don't need to.
        "delay = 0\n"
        "[rights]\n"
        "type = owner_only\n"
        "[storage]\n"
        f"filesystem_folder = {folder / 'collections'}\n"
        "[logging]\n"
        "level = warning\n"
    )
    return config


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Radicale exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("Radicale did not start listening within 20 seconds")


@dataclass
class RadicaleServer:
    url: str
    process: subprocess.Popen[bytes]
    users_file: Path
    _clients: dict[str, DAVClient] = field(default_factory=dict)

    def client(self, username: str) -> DAVClient:
        """The plain caldav client of a user: how the tests arrange a calendar
        the way the person's own calendar app would."""
        if username not in self._clients:
            self._clients[username] = DAVClient(
                url=self.url, username=username, password=USERS[username], enable_rfc6764=False
            )
        return self._clients[username]

    def new_user(self) -> tuple[str, str]:
        """A user of their own for one test (Radicale reads its htpasswd file
        on every sign-in), so no test sees another's calendars."""
        username, password = f"u{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
        with self.users_file.open("a") as users:
            users.write(f"{username}:{password}\n")
        USERS[username] = password
        return username, password

    def make_calendar(self, username: str, name: str) -> DAVCalendar:
        principal = self.client(username).principal()
        return principal.make_calendar(name=name, cal_id=f"{uuid.uuid4().hex}")

    def stop(self) -> None:
        for client in self._clients.values():
            client.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def radicale_start(folder: Path) -> RadicaleServer:
    port = _free_port()
    config = _config(folder, port)
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(port, process)
    except Exception:
        process.kill()
        process.wait()
        raise
    return RadicaleServer(
        url=f"http://127.0.0.1:{port}/", process=process, users_file=folder / "users"
    )
