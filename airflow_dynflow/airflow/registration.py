"""The Airflow runtime's listener for new workflows and launch plans (``airflow_dynflow.runtimes``).

A workflow defined while Airflow is loaded becomes a DAG, and so does each launch plan other than
a workflow's default one, built inside ``with DAG`` so that the DagBag picks them up like any
other. This module imports nothing from Airflow until then, so a plain Python run stays
Airflow-free.
"""

from __future__ import annotations

import sys

from airflow_dynflow.core.authoring.entities import Workflow
from airflow_dynflow.core.authoring.launch_plan import LaunchPlan

__all__ = ["on_defined"]


def on_defined(defined: Workflow | LaunchPlan) -> None:
    if "airflow" not in sys.modules:
        return
    if isinstance(defined, LaunchPlan):
        from airflow_dynflow.airflow.launch_plans import build_launch_plan_dag

        build_launch_plan_dag(defined)
        return
    from airflow_dynflow.airflow.dag_builder import build_dag

    build_dag(defined)
