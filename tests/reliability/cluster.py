"""A PostgreSQL cluster and a gunicorn server that a reliability test starts, stops and removes itself.

The cluster is a new one in a temporary directory, on a port of its own, never the machine's shared server: the
test stops and starts it on purpose. Under root the PostgreSQL binaries run as the `postgres` user (initdb
refuses root), as `./dev` does for its project-local cluster.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgis_bin_dir() -> Path:
    """The newest installed PostgreSQL whose PostGIS extension is installed too (the same rule as ./dev)."""
    versions = []
    for control in glob.glob("/usr/share/postgresql/*/extension/postgis.control"):
        version = control.split("/")[4]
        if Path(f"/usr/lib/postgresql/{version}/bin/initdb").exists():
            versions.append(version)
    if not versions:
        raise RuntimeError("no PostgreSQL with PostGIS is installed (postgresql-15-postgis-3)")
    return Path(f"/usr/lib/postgresql/{max(versions, key=float)}/bin")


class Cluster:
    def __init__(self) -> None:
        self.bin = postgis_bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="meldpunt-outage-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        if self.as_postgres:
            shutil.chown(self.dir, user="postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        log = str(self.dir / "server.log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    """gunicorn serving the project against `env`'s database, on a free loopback port."""

    def __init__(self, env: dict[str, str], *, workers: int = 3) -> None:
        self.port = free_port()
        self.env = env
        self.log = tempfile.NamedTemporaryFile(prefix="meldpunt-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "geo_meldpunt.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str = "/api/v1/categories/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {Path(self.log.name).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def output(self) -> str:
        return Path(self.log.name).read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.unlink(self.log.name)
