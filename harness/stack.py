"""A real Airflow 3.3.2 stack (scheduler, triggerer, dag-processor, api-server) for tests and benchmarks.

Unit tests and ``dag.test()`` never exercise the paths that break in production: the dag-processor's
parse loop, serialization into the metadata DB, the scheduler expanding mapped tasks, workers talking to
the execution API, and the REST views users read results through. ``AirflowStack`` runs the four real
components against a throw-away ``AIRFLOW_HOME`` and hands out a REST client for it (``stack.api``, an
``harness.rest.AirflowClient``). Tests, ``bench.scheduler`` and anything else that needs a real Airflow
share this one class.

Facts about Airflow 3.3.2 this module relies on (checked against the installed sources):

* Authentication: the simple auth manager reads its users from ``[core] simple_auth_manager_users``
  (``AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=admin:admin``) and their passwords from the JSON file named
  by ``[core] simple_auth_manager_passwords_file`` (``AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE``).
  It only generates a random password for users *missing* from that file, so writing
  ``{"admin": "admin"}`` there before start-up fixes the password. ``POST /auth/token`` with
  ``{"username", "password"}`` answers 201 with ``access_token``.
* ``[api] base_url`` must name the real port: workers derive ``[core] execution_api_server_url`` from it
  and otherwise call ``http://localhost:8080/execution/``.
* ``[api_auth] jwt_secret`` signs the execution-API tokens the scheduler hands to workers and the
  api-server checks. The first CLI call writes a random one into ``airflow.cfg``; pinning it in the
  environment means the components agree on it without depending on who wrote that file.
* The scheduler and the triggerer each start a log server bound to every interface (``host=""`` in
  ``airflow.utils.serve_logs``) on fixed ports 8793/8794; ``--skip-serve-logs`` turns it off, which keeps
  every listener on loopback and lets stacks run side by side. The api-server still serves task logs
  because it reads the local files under ``[logging] base_log_folder`` first.
* ``GET /api/v2/monitor/health`` needs no token and reports the metadatabase, scheduler, triggerer and
  dag-processor separately; the stack is ready only when all four say ``healthy``.
* ``GET .../xcomEntries/{key}`` returns the stored JSON under ``value`` (a dict stays a dict) and takes
  ``map_index`` as a query parameter (default -1), so a mapped XCom needs ``?map_index=N``. Values JSON
  cannot express (tuples, datetimes) come back as serde envelopes; ``deserialize=true`` does *not* turn
  them into values but into display strings such as ``'(1,2)'``, so ``AirflowClient.xcom`` decodes
  them with ``airflow.sdk.serde.deserialize`` instead.
* A TaskFlow task annotated ``-> dict`` gets ``multiple_outputs`` inferred and pushes one XCom per key
  besides ``return_value``.
* ``POST /api/v2/dags/{dag_id}/dagRuns`` requires ``logical_date`` to be present (``null`` is fine).
* The task-log endpoint answers JSON (``content``: a list of structured events) unless asked for ndjson;
  ``full_content=true`` returns the whole log in one response.
* Task runners are put in process groups of their own by the task-SDK supervisor, so stopping the
  component groups alone could leave a task of a failed test running; the stack also kills the groups of
  every descendant it saw before stopping.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from harness.polling import PollTimeout, poll_until
from harness.processes import descendant_groups
from harness.rest import ADMIN_PASSWORD, ADMIN_USER, AirflowClient, AirflowStackError

__all__ = ["AirflowStack", "AirflowStackError", "free_port"]

_DISCOVERY_MODULE = "airflow_dynflow.airflow.discovery"
_POLL_SECONDS = 0.5
_START_TIMEOUT_SECONDS = 120.0
_STOP_GRACE_SECONDS = 15.0
_LOG_TAIL_LINES = 40
# Prefixes of inherited variables the stack never passes on (see ``AirflowStack._environment``).
_NOT_INHERITED = ("AIRFLOW_", "PYTHONDONTWRITEBYTECODE")


def free_port() -> int:
    """Ask the kernel for an unused loopback port, so parallel stacks never collide on a fixed one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AirflowStack:
    """Airflow's four long-running components on loopback, each in its own process group.

    Use it as a context manager; every process it started is gone once the ``with`` block ends, even
    when start-up fails half-way. ``api`` is the REST client for it. ``env`` is the environment the
    components run with, for callers that run the ``airflow`` CLI against the same stack.
    """

    def __init__(
        self,
        dags_folder: Path,
        home: Path,
        port: int | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.dags_folder = dags_folder.resolve()
        self.home = home.resolve()
        self.port = port if port is not None else free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_dir = self.home / "logs"
        self._extra_env = dict(extra_env or {})
        self.env: dict[str, str] = {}
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self.api = AirflowClient(self.base_url, diagnostics=self.logs_tail)

    # -- lifecycle ---------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()

    def _start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        passwords_file = self.home / "simple_auth_manager_passwords.json.generated"
        passwords_file.write_text(json.dumps({ADMIN_USER: ADMIN_PASSWORD}) + "\n")
        self.env = self._environment(passwords_file)
        self._migrate()
        for name in self._commands():
            self._launch(name)
        self._wait_until_healthy(timeout=_START_TIMEOUT_SECONDS)
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        """Wait for components the health view does not report on (Celery workers, in a subclass)."""

    def _commands(self) -> dict[str, list[str]]:
        return {
            "scheduler": ["scheduler", "--skip-serve-logs"],
            "triggerer": ["triggerer", "--skip-serve-logs"],
            "dag-processor": ["dag-processor"],
            "api-server": ["api-server", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
        }

    def _launch(self, name: str) -> None:
        with open(self.log_dir / f"{name}.log", "ab") as log:
            self._processes[name] = subprocess.Popen(
                self._airflow(*self._commands()[name]),
                env=self._component_env(name),
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _component_env(self, name: str) -> dict[str, str]:
        """The environment component ``name`` runs with; subclasses give one component its own values."""
        return self.env

    def kill(self, name: str) -> None:
        """SIGKILL one component's process group, as a crash or an OOM kill would: no clean shutdown.

        Task runners it started live in groups of their own and are left running, as they would be.
        """
        proc = self._processes[name]
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()

    def restart(self, name: str) -> None:
        """Start a killed component again with the same command and environment, and wait for health."""
        self._launch(name)
        self._wait_until_healthy(timeout=_START_TIMEOUT_SECONDS)

    def revive(self) -> list[str]:
        """Start again every component that exited, as systemd or Kubernetes would; their names.
        It does not wait: a caller polls until ``api.health()`` says all is well."""
        exited = sorted(name for name, proc in self._processes.items() if proc.poll() is not None)
        for name in exited:
            self._launch(name)
        return exited

    def _environment(self, passwords_file: Path) -> dict[str, str]:
        """Build the one environment every component shares.

        Inherited ``AIRFLOW_*`` variables (settings, ``AIRFLOW_CONFIG``, connections) are dropped so the
        developer's own Airflow cannot leak into the stack; ``extra_env`` is applied last so a test can
        override any tuned value.

        ``PYTHONDONTWRITEBYTECODE`` is dropped too: a deployment runs on compiled bytecode (``pip
        install`` compiles it; our Docker image is built that way), but this package is installed
        editable here, so with that variable set every task process compiled our ~60 modules and the
        DAG file from source again, about 40 ms of CPU each, which no real worker pays.
        """
        env = {key: value for key, value in os.environ.items() if not key.startswith(_NOT_INHERITED)}
        env |= {
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{self.home / 'airflow.db'}",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.1",
            "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__BASE_URL": self.base_url,
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__DYNFLOW__SIGNING_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__CORE__AUTH_MANAGER": (
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
            ),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",  # user:role
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file),
        }
        if importlib.util.find_spec(_DISCOVERY_MODULE) is not None:
            env["AIRFLOW__CORE__MIGHT_CONTAIN_DAG_CALLABLE"] = f"{_DISCOVERY_MODULE}.might_contain_dag"
        return env | self._extra_env

    @staticmethod
    def _airflow(*args: str) -> list[str]:
        """Run the CLI through this interpreter so the stack uses the test virtualenv whatever PATH says."""
        return [sys.executable, "-m", "airflow", *args]

    def _migrate(self) -> None:
        log_path = self.log_dir / "db-migrate.log"
        with open(log_path, "ab") as log:
            result = subprocess.run(
                self._airflow("db", "migrate"),
                env=self.env,
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if result.returncode != 0:
            raise AirflowStackError(
                f"`airflow db migrate` exited with {result.returncode}\n{_tail(log_path, _LOG_TAIL_LINES)}"
            )

    def _wait_until_healthy(self, timeout: float) -> None:
        """Block until the health view reports all four parts healthy; a component that exits meanwhile
        fails start-up at once, with the logs."""

        def healthy() -> dict[str, Any] | None:
            if dead := {
                name: proc.returncode for name, proc in self._processes.items() if proc.poll() is not None
            }:
                raise AirflowStackError(
                    f"Airflow components exited during start-up: {dead}\n{self.logs_tail()}"
                )
            health = self.api.health()
            return health if health and all(p.get("status") == "healthy" for p in health.values()) else None

        try:
            poll_until(
                healthy,
                timeout=timeout,
                interval=_POLL_SECONDS,
                describe=f"all four components at {self.base_url} to report healthy",
            )
        except PollTimeout as waited:
            raise AirflowStackError(
                f"Airflow at {self.base_url} not healthy after {timeout:.0f}s; "
                f"last health: {self.api.health()}\n{self.logs_tail()}"
            ) from waited

    def _stop(self) -> None:
        """Stop every component by process group: SIGTERM, a grace period, then SIGKILL.

        Descendant groups (task runners) are collected before the first signal, because once their
        parents exit they are re-parented and can no longer be traced back to this stack.
        """
        self.api.close()
        if not self._processes:
            return
        groups = {proc.pid for proc in self._processes.values()}
        groups |= descendant_groups(groups)
        for pgid in groups:
            _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + _STOP_GRACE_SECONDS
        for proc in self._processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        for pgid in groups:
            _signal_group(pgid, signal.SIGKILL)
        for proc in self._processes.values():
            proc.wait()
        self._processes.clear()

    @property
    def pids(self) -> dict[str, int]:
        """Component name to pid, which is also the id of the process group and session it leads."""
        return {name: proc.pid for name, proc in self._processes.items()}

    def logs_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        """The end of every component log, for failure messages that explain themselves."""
        return "\n".join(
            f"--- {path.name} ---\n{_tail(path, lines)}" for path in sorted(self.log_dir.glob("*.log"))
        )


def _tail(path: Path, lines: int) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
