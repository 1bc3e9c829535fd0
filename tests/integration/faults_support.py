"""Private services for the fault tests: a Redis, a PostgreSQL, a Celery worker and a gunicorn of
their own, which the tests stop, freeze, kill and restart. The shared services of the run are never
touched. Every one is a context manager that removes what it started, also when the test fails."""

from __future__ import annotations

import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings

from tests.integration.conftest import unavailable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, *, timeout: float, what: str, log: Path | None = None, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except OSError:
            pass  # not listening yet: try again until the deadline
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not come up\n" + (log.read_text()[-3000:] if log else ""))
        time.sleep(interval)


def _stop(process: subprocess.Popen, *, group: bool = True) -> None:
    """Stop a process we started (and its process group: gunicorn's and Celery's children)."""
    if process.poll() is not None:
        return
    try:
        if group:
            os.killpg(process.pid, signal.SIGCONT)  # a frozen one cannot act on SIGTERM
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.send_signal(signal.SIGCONT)
            process.terminate()
        process.wait(timeout=15)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        pass  # gone already, or deaf to SIGTERM: killed below
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL) if group else process.kill()
        process.wait(timeout=10)


# --- Redis -----------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server on a port of its own, with an append-only file so that a kill loses nothing
    that was acknowledged (as a production Redis with AOF)."""

    def __init__(self, workdir: Path):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            unavailable("redis-server is not installed")
        self.port = free_port()
        self.dir = workdir
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
            "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no",
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - the system's redis-server
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        wait_for(self.answers, timeout=10, what="the private redis-server")

    def answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def freeze(self) -> None:
        """Hanging instead of refusing: the kernel still accepts connections, nobody answers."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        """Down: killed at once, connections refused until `start`."""
        self.process.send_signal(signal.SIGCONT)
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


@contextmanager
def private_redis(workdir: Path):
    redis = PrivateRedis(workdir)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@contextmanager
def hanging_server():
    """A TCP server that accepts connections (the kernel does, from its backlog) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


# --- PostgreSQL ------------------------------------------------------------------------------------


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if not initdb:
        unavailable("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    return Path(initdb).parent


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary folder on a port of its own (initdb + pg_ctl, as the
    postgres user when we are root, since PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.bin = _postgres_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command: str, timeout: float = 60) -> None:
        subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            [*self.as_user, *command], check=True, capture_output=True, timeout=timeout, cwd=self.dir
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _psql(self, database: str) -> list[str]:
        return [
            str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1",
        ]  # fmt: skip

    def psql(self, database: str, sql: str) -> str:
        return subprocess.run(  # noqa: S603
            [*self._psql(database), "-qAtc", sql],
            check=True, capture_output=True, text=True, timeout=30,
        ).stdout  # fmt: skip

    def copy_database(self, source: dict, database: str) -> None:
        """Create `database` here as a copy (schema and rows) of the `source` database settings'."""
        self.psql("postgres", f"CREATE DATABASE {database}")
        env = {**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""}
        host, port = source["HOST"] or "127.0.0.1", str(source["PORT"] or 5432)
        dump = subprocess.Popen(  # noqa: S603
            [str(self.bin / "pg_dump"), "-h", host, "-p", port,
             "-U", source["USER"], "--no-owner", "--no-privileges", source["NAME"]],
            stdout=subprocess.PIPE, env=env,
        )  # fmt: skip
        restore = subprocess.run(  # noqa: S603
            [*self._psql(database), "-q"],
            stdin=dump.stdout, capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        dump.stdout.close()
        assert dump.wait(timeout=60) == 0, "pg_dump failed"
        assert restore.returncode == 0, restore.stderr.decode()[-2000:]

    def remove(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def private_postgres():
    postgres = PrivatePostgres()
    try:
        postgres.init()
        postgres.start()
        yield postgres
    finally:
        postgres.remove()


# --- Processes of the portal -----------------------------------------------------------------------


def portal_env(**overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "palace_portal.settings.test",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        **overrides,
    }


def database_url(db: dict) -> str:
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Our own interpreter running `command` in its own process group, its output to `log`."""
    with log.open("w") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter, our own arguments
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@contextmanager
def gunicorn(env: dict[str, str], log: Path, *, workers: int = 1, threads: int = 4):
    """A gunicorn on a loopback port with `env`; yields (port, process)."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "palace_portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread",
        "--threads", str(threads), "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    process = _spawn(command, env, log)
    try:

        def up():
            assert process.poll() is None, log.read_text()[-3000:]
            return request(port, "GET", "/api/v1/health/")[0] == 200

        wait_for(up, timeout=60, what="gunicorn", log=log, interval=0.2)
        yield port, process
    finally:
        _stop(process)


@contextmanager
def celery_worker(env: dict[str, str], log: Path, *, queue: str | None = None, pool: str = "solo"):
    """A Celery worker of our own; yields the Popen (its own process group, for killing).

    It consumes `queue`, or every queue the settings route tasks to (PORTAL_CELERY_QUEUES where
    the queues are split, Celery's default queue otherwise)."""
    if queue is None:
        queue = ",".join(getattr(settings, "PORTAL_CELERY_QUEUES", None) or ("celery",))
    command = [
        sys.executable, "-m", "celery", "-A", "palace_portal", "worker", "--pool", pool, "--queues", queue,
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
        "--hostname", f"faults-{os.getpid()}-{time.monotonic_ns()}@localhost",
    ]  # fmt: skip
    process = _spawn(command, env, log)
    try:
        wait_for(
            lambda: "ready" in log.read_text(), timeout=60, what="the Celery worker", log=log, interval=0.2
        )
        yield process
    finally:
        _stop(process)


def request(port: int, method: str, path: str, body: dict | None = None, token: str = "", *, html=False):
    """(status, headers, body) of one request on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept": "text/html" if html else "application/json", "Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Token {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def children(pid: int) -> set[int]:
    """The ids of a process's children (gunicorn's workers), from /proc."""
    found = set()
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.split("/")[2]))
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]
