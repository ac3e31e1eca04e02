"""Which of a worker's preloads (``airflow_dynflow.airflow.celery.preload``) a task process already
had when it began parsing this file: recorded before this file imports anything of its own, and
returned by a task, so a test on a real Celery worker can read it."""

from __future__ import annotations

import sys

PRELOADED = sorted(name for name in ("airflow_dynflow.airflow.dag_builder", "s3fs") if name in sys.modules)

from airflow_dynflow import task, workflow  # noqa: E402  (after the look above; an airflow dag file)


@task
def preloaded() -> list[str]:
    return PRELOADED


@workflow
def preload_probe() -> list[str]:
    return preloaded()
