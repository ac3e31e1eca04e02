"""Workflow -> Airflow DAG."""

from __future__ import annotations

from typing import Any


def register(wf: Any) -> None:
    """Placeholder until the Airflow runtime lands (issue 3)."""
