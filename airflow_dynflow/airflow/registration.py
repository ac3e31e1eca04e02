"""The Airflow runtime's listener for new workflows (entry point ``airflow_dynflow.runtimes``).

A workflow defined while Airflow is loaded becomes a DAG, built inside ``with DAG`` so that the
DagBag picks it up like any other. This module imports nothing from Airflow until then, so a plain
Python run of a workflow stays Airflow-free.
"""

from __future__ import annotations

import sys

from airflow_dynflow.core.entities import Workflow

__all__ = ["on_workflow_defined"]


def on_workflow_defined(workflow: Workflow) -> None:
    if "airflow" not in sys.modules:
        return
    from airflow_dynflow.airflow.dag_builder import build_dag

    build_dag(workflow)
