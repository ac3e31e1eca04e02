"""PostgreSQL, Redis and an S3-compatible server as native processes on loopback, for the distributed stack.

Each service is a context manager that runs one server in a process group of its own, with its data in a
folder the caller owns, bound to 127.0.0.1 on a free port, and stops it by group (SIGTERM, then SIGKILL).
Nothing here needs Docker: the servers come from Debian's packages (``postgresql``, ``redis-server``,
installed by ``ensure_debian_packages`` when missing) and from PyPI (moto's S3 server, a dev dependency).

Facts this module relies on:

* PostgreSQL refuses to run as root; ``runuser -u postgres`` runs ``initdb`` and ``postgres`` as the
  ``postgres`` user that the Debian package creates. ``--auth=trust`` on a loopback-only server keeps the
  URL password-free. The data folder's parents must be searchable by that user.
* Debian puts the server binaries under ``/usr/lib/postgresql/<major>/bin``, not on ``PATH``.
* ``redis-server`` takes its whole configuration as ``--name value`` arguments; ``--save ''`` turns
  persistence off.
* ``moto_server`` (``moto[server]``) answers S3's API on one port; a bucket must be created before use.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from harness.polling import PollTimeout, poll_until
from harness.rest import AirflowStackError

__all__ = ["Postgres", "Redis", "S3Server", "Server", "apt_available", "ensure_debian_packages"]

_START_TIMEOUT_SECONDS = 60.0
_STOP_GRACE_SECONDS = 10.0
_PG_USER = "postgres"


def apt_available() -> bool:
    """Whether this machine can install Debian packages (``apt-get``, as root)."""
    return shutil.which("apt-get") is not None and os.geteuid() == 0


def _postgres_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name)
    )
    return found[-1].parent if found else None


def ensure_debian_packages() -> None:
    """Install PostgreSQL and Redis from Debian when either is missing (CI's set-up, idempotent)."""
    if _postgres_bin() is not None and shutil.which("redis-server") is not None:
        return
    if not apt_available():
        raise AirflowStackError("PostgreSQL or Redis is missing and apt-get is not available to install them")
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for argv in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql", "redis-server"],
    ):
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise AirflowStackError(
                f"{' '.join(argv)} exited with {result.returncode}\n{result.stderr[-2000:]}"
            )


class Server:
    """One server process in its own group, logging to ``<folder>/<name>.log``."""

    name = "server"

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.log_path = folder / f"{self.name}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def _launch(self, argv: list[str]) -> None:
        with open(self.log_path, "ab") as log:
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.folder,
            )

    def _wait(self, ready: object, describe: str) -> None:
        def check() -> bool:
            if self._proc is not None and self._proc.poll() is not None:
                raise AirflowStackError(f"{self.name} exited with {self._proc.returncode}\n{self.log_tail()}")
            return bool(ready() if callable(ready) else ready)

        try:
            poll_until(check, timeout=_START_TIMEOUT_SECONDS, interval=0.2, describe=describe)
        except PollTimeout as waited:
            raise AirflowStackError(f"{waited}\n{self.log_tail()}") from waited

    @property
    def pid(self) -> int | None:
        """The server's pid, which leads its process group and session; None when stopped."""
        return self._proc.pid if self._proc is not None else None

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return f"--- {self.name}: (no log) ---"
        tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return f"--- {self.log_path.name} ---\n" + "\n".join(tail)

    def _start(self) -> None:
        """Prepare (once) and run the server; ``restart`` runs it again on the same data."""
        self._run()

    def _run(self) -> None:
        raise NotImplementedError

    def restart(self, down_for: float) -> None:
        """Stop the server, leave it down for ``down_for`` seconds, and run it again on its data and port:
        an outage of it, as a restart or a failover would give."""
        self.stop()
        time.sleep(down_for)
        self._run()

    # The signal that shuts the server down at once, closing its clients' connections.
    stop_signal = signal.SIGTERM

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, self.stop_signal)
        try:
            proc.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def __enter__(self) -> Self:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class Postgres(Server):
    """A throw-away PostgreSQL cluster with one database, ``airflow``, owned by ``postgres`` (trust auth)."""

    name = "postgres"
    database = "airflow"
    # "Fast" shutdown: SIGTERM would wait for every client (Airflow never lets go) to disconnect.
    stop_signal = signal.SIGINT

    def _as_pg_user(self, *argv: str) -> list[str]:
        return ["runuser", "-u", _PG_USER, "--", *argv] if os.geteuid() == 0 else list(argv)

    @functools.cached_property
    def bindir(self) -> Path:
        """The newest installed PostgreSQL's programs, looked up once per server."""
        found = _postgres_bin()
        if found is None:
            raise AirflowStackError(
                "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)"
            )
        return found

    def _start(self) -> None:
        data = self.folder / "data"
        if os.geteuid() == 0:
            # initdb runs as postgres: it must reach and own the folder.
            for parent in [self.folder, *self.folder.parents]:
                if parent == Path("/"):
                    break
                parent.chmod(parent.stat().st_mode | 0o011)
            shutil.chown(self.folder, user=_PG_USER)
        result = subprocess.run(
            self._as_pg_user(
                str(self.bindir / "initdb"), "-D", str(data), "-U", _PG_USER, "--auth=trust", "-E", "UTF8"
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise AirflowStackError(
                f"initdb exited with {result.returncode}\n{result.stdout}\n{result.stderr}"
            )
        self._run()
        subprocess.run(
            [*self._psql(), "-c", f"create database {self.database}"], capture_output=True, check=True
        )

    def _psql(self) -> list[str]:
        return [
            str(self.bindir / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            _PG_USER,
            "-d",
            "postgres",
        ]

    def _run(self) -> None:
        data = self.folder / "data"
        self._launch(
            self._as_pg_user(
                str(self.bindir / "postgres"),
                "-D", str(data),
                "-h", "127.0.0.1",
                "-p", str(self.port),
                "-k", str(self.folder),  # the socket folder: not /var/run/postgresql, which may not exist
                "-c", "max_connections=300",
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
            )
        )  # fmt: skip

        def accepts() -> bool:
            probe = subprocess.run([*self._psql(), "-c", "select 1"], capture_output=True, check=False)
            return probe.returncode == 0

        self._wait(accepts, f"PostgreSQL on 127.0.0.1:{self.port} to accept connections")

    def url(self, driver: str = "postgresql+psycopg2") -> str:
        return f"{driver}://{_PG_USER}@127.0.0.1:{self.port}/{self.database}"


class Redis(Server):
    """A Redis with no password, on loopback only (protected mode stays on), persisting every write to
    its append-only file as docs/deploy.md asks of a broker: a restart keeps the queued messages."""

    name = "redis"

    def _run(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise AirflowStackError("redis-server is not installed (apt-get install redis-server)")
        ready_before = self._readiness()
        self._launch(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", str(self.folder)]
        )  # fmt: skip
        self._wait(lambda: self._readiness() > ready_before, f"Redis on 127.0.0.1:{self.port}")

    def _readiness(self) -> int:
        if not self.log_path.exists():
            return 0
        return self.log_path.read_text(errors="replace").count("Ready to accept connections")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class S3Server(Server):
    """moto's S3-compatible server with one bucket; ``connection`` is the Airflow connection for it."""

    name = "s3"
    bucket = "dynflow"
    region = "us-east-1"
    access_key = "testing"
    secret_key = "testing"

    def _start(self) -> None:
        self._launch([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)])

        def bucket_created() -> bool:
            import boto3
            import botocore.exceptions

            client = boto3.client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=self.region,
                aws_access_key_id=self.access_key,
                aws_secret_access_key=self.secret_key,
            )
            try:
                client.create_bucket(Bucket=self.bucket)
            except botocore.exceptions.EndpointConnectionError:
                time.sleep(0.2)
                return False
            return True

        self._wait(bucket_created, f"the S3 server on 127.0.0.1:{self.port} to create bucket {self.bucket!r}")

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connection(self) -> dict[str, object]:
        """An ``aws`` connection in the JSON form ``AIRFLOW_CONN_<ID>`` accepts."""
        return {
            "conn_type": "aws",
            "login": self.access_key,
            "password": self.secret_key,
            "extra": {"endpoint_url": self.endpoint_url, "region_name": self.region},
        }
