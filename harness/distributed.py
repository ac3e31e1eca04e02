"""``DistributedStack``: the ``AirflowStack`` of a multi-host deployment, on one machine.

PostgreSQL for metadata, Redis as the Celery broker, CeleryExecutor with two workers that report
distinct hostnames, and the blob store on an S3-compatible server, all native processes bound to
127.0.0.1 (``harness.services``). It is ``AirflowStack`` with a different environment and two more
components, so the REST client, stopping by process group and the log tails are the same.

Facts about Airflow 3.3.2 and its Celery provider this relies on (checked against the installed
sources and an earlier manual trial):

* ``airflow db migrate`` on PostgreSQL needs ``asyncpg``; a Celery result backend on PostgreSQL is
  written ``db+postgresql+psycopg2://`` (SQLAlchemy 2.1 has no default driver for it).
* ``airflow celery worker --skip-serve-logs`` keeps the worker from starting a log server on every
  interface; ``-H name@host`` names the Celery node. Workers log ``<node name> ready.`` when they
  consume tasks.
* A task instance's ``hostname`` comes from ``[core] hostname_callable``, called in the task's
  process, not from the Celery node name: two workers on one machine would both report its FQDN. Each
  worker here gets ``hostname_callable = harness.distributed.worker_hostname``, which reads
  ``DYNFLOW_WORKER_HOSTNAME``, so a test can tell which worker ran which instance.
* Outside a task, Airflow 3 reads no connections from the metadata DB; the store's ``aws_default``
  connection is given to every component as ``AIRFLOW_CONN_AWS_DEFAULT`` (JSON, with ``endpoint_url``).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from harness.polling import PollTimeout, poll_until
from harness.rest import AirflowStackError
from harness.services import Postgres, Redis, S3Server, Server, ensure_debian_packages
from harness.stack import AirflowStack, free_port

__all__ = ["WORKERS", "DistributedStack", "PostgresStack", "worker_hostname"]

WORKERS = ("w1", "w2")
_REPO = Path(__file__).resolve().parent.parent
_HOSTNAME_VARIABLE = "DYNFLOW_WORKER_HOSTNAME"
_WORKER_READY_TIMEOUT_SECONDS = 120.0


def worker_hostname() -> str:
    """``[core] hostname_callable`` for the test workers: the name the stack gave this worker."""
    return os.environ.get(_HOSTNAME_VARIABLE) or "unnamed-worker"


class PostgresStack(AirflowStack):
    """``AirflowStack`` (LocalExecutor) on a throw-away PostgreSQL instead of SQLite."""

    def __init__(self, dags_folder: Path, home: Path, *, extra_env: dict[str, str] | None = None) -> None:
        super().__init__(dags_folder=dags_folder, home=home, extra_env=extra_env)
        self.postgres = Postgres(self.home / "services" / "postgres", free_port())
        self._services = contextlib.ExitStack()

    def backing_services(self) -> list[Server]:
        return [self.postgres]

    def _start(self) -> None:
        ensure_debian_packages()
        for service in self.backing_services():
            self._services.enter_context(service)
        super()._start()

    def _stop(self) -> None:
        try:
            super()._stop()
        finally:
            self._services.close()

    def _environment(self, passwords_file: Path) -> dict[str, str]:
        env = super()._environment(passwords_file)
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = self.postgres.url()
        return env | self._extra_env

    def logs_tail(self, lines: int = 40) -> str:
        services = "\n".join(s.log_tail(lines) for s in self.backing_services())
        return f"{super().logs_tail(lines)}\n{services}"


class DistributedStack(PostgresStack):
    """PostgreSQL + Redis + CeleryExecutor (two workers) + an S3 store, with Airflow's four components.

    ``store_url`` is the ``s3://aws_default@bucket/...`` URL every component uses; ``workers`` the
    hostnames the two workers report on their task instances.
    """

    workers = WORKERS

    def __init__(
        self,
        dags_folder: Path,
        home: Path,
        *,
        worker_concurrency: int = 4,
        schedulers: int = 1,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        super().__init__(dags_folder=dags_folder, home=home, extra_env=extra_env)
        self.schedulers = schedulers
        services = self.home / "services"
        self.redis = Redis(services / "redis", free_port())
        self.s3 = S3Server(services / "s3", free_port())
        self.store_url = f"s3://aws_default@{S3Server.bucket}/store"
        self.worker_concurrency = worker_concurrency

    def backing_services(self) -> list[Server]:
        return [self.postgres, self.redis, self.s3]

    def _environment(self, passwords_file: Path) -> dict[str, str]:
        env = super()._environment(passwords_file)
        env |= {
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CELERY__BROKER_URL": self.redis.url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + self.postgres.url(),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.worker_concurrency),
            # Two workers share the running tasks: the scheduler may hand out that many at once.
            "AIRFLOW__CORE__PARALLELISM": str(self.worker_concurrency * len(self.workers)),
            "AIRFLOW__DYNFLOW__STORE_URL": self.store_url,
            # Workers preload our runtime and the store's filesystem (docs/deploy.md).
            "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": "airflow_dynflow.airflow.celery.config.CELERY_CONFIG",
            "AIRFLOW_CONN_AWS_DEFAULT": json.dumps(self.s3.connection()),
        }
        return env | self._extra_env

    def _commands(self) -> dict[str, list[str]]:
        commands = super()._commands()
        # More schedulers share the database (row locks decide who schedules what), as an HA
        # deployment runs them; each one's [core] parallelism is its own.
        for number in range(2, self.schedulers + 1):
            commands[f"scheduler-{number}"] = commands["scheduler"]
        for name in self.workers:
            commands[f"worker-{name}"] = [
                "celery", "worker", "--skip-serve-logs", "-H", f"{name}@127.0.0.1",
                "--concurrency", str(self.worker_concurrency),
            ]  # fmt: skip
        return commands

    def _component_env(self, name: str) -> dict[str, str]:
        if not name.startswith("worker-"):
            return self.env
        python_path = os.pathsep.join(p for p in (str(_REPO), self.env.get("PYTHONPATH", "")) if p)
        return self.env | {
            _HOSTNAME_VARIABLE: name.removeprefix("worker-"),
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.worker_hostname",
            "PYTHONPATH": python_path,
        }

    def _wait_until_ready(self) -> None:
        """Both workers consume tasks: each logged ``<name>@127.0.0.1 ready.``."""

        def ready() -> list[str] | None:
            waiting = [
                name
                for name in self.workers
                if f"{name}@127.0.0.1 ready." not in _read(self.log_dir / f"worker-{name}.log")
            ]
            if dead := {n: p.returncode for n, p in self._processes.items() if p.poll() is not None}:
                raise AirflowStackError(
                    f"Airflow components exited during start-up: {dead}\n{self.logs_tail()}"
                )
            return None if waiting else list(self.workers)

        try:
            poll_until(
                ready, timeout=_WORKER_READY_TIMEOUT_SECONDS, describe="both Celery workers to be ready"
            )
        except PollTimeout as waited:
            raise AirflowStackError(f"{waited}\n{self.logs_tail()}") from waited

    def hostnames(self, task_instances: list[dict[str, Any]]) -> set[str]:
        """The worker hostnames found on ``task_instances`` (REST dicts)."""
        return {str(ti["hostname"]) for ti in task_instances if ti.get("hostname")}


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
