"""Airflow's Celery configuration, plus our worker preload.

Set ``[celery] celery_config_options = airflow_dynflow.airflow.celery.config.CELERY_CONFIG`` (the
compose files and the distributed test stack do). A Celery worker imports the modules its
configuration lists under ``imports`` once, in its main process, before it forks its pool; every task
process is forked from there (Airflow's supervisor forks it from the pool process), so it starts with
them already imported (``celery.preload`` says what they are and what that saves).
"""

from __future__ import annotations

from typing import Any

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

__all__ = ["CELERY_CONFIG"]

CELERY_CONFIG: dict[str, Any] = {
    **DEFAULT_CELERY_CONFIG,
    "imports": [*DEFAULT_CELERY_CONFIG.get("imports", ()), "airflow_dynflow.airflow.celery.preload"],
}
