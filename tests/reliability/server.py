"""A real gunicorn server on a free loopback port, on the test database, for the reliability loops."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 60) -> Answer:
    started = time.monotonic()
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310 - loopback URL made here
            return Answer(response.status, response.read(), time.monotonic() - started)
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(), time.monotonic() - started)


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, dict]:
    """A multipart/form-data body: fields, then (field, filename, content, content type) parts."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content, content_type in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def memory_kb(pid: int, field: str) -> int:
    """VmRSS or VmHWM (peak resident size) of a process, in kB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]


@contextlib.contextmanager
def gunicorn(tmp_path: Path, *, workers: int = 2, env: dict | None = None):
    """gunicorn with the repository's gunicorn.conf.py and the test settings on the test database; stopped after."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.test",
        "MELDPUNT_DB_NAME": connection.settings_dict["NAME"],  # test_<name>, made by pytest-django
        "MELDPUNT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **(env or {}),
    }
    command = [str(GUNICORN), "geo_meldpunt.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn stopped:\n{log.read_text(errors='replace')}"
            with contextlib.suppress(OSError):
                if request(f"{server.url}/api/v1/categories/", timeout=5).status == 200:
                    break
            assert time.monotonic() < deadline, f"gunicorn did not answer:\n{log.read_text(errors='replace')}"
            time.sleep(0.3)
        while len(server.worker_pids()) < workers:  # every worker forked, so that each can be measured
            time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
