"""Flyte-style typed, dynamic workflows on Apache Airflow.

A flytekit user changes one import line::

    from airflow_dynflow import dynamic, task, workflow

This module is the public API and nothing else; the programming model is in ``core`` and the
Airflow runtime in ``airflow`` (see ``docs/architecture.md``).
"""

from __future__ import annotations

from airflow_dynflow.core.conditional import conditional
from airflow_dynflow.core.decorators import dynamic, task, workflow
from airflow_dynflow.core.entities import Dynamic, Task, Workflow
from airflow_dynflow.core.errors import (
    ConditionalError,
    ConditionFailedError,
    DisapprovalError,
    DynflowError,
    InterfaceError,
    PromiseError,
    SpecError,
    TypeMismatchError,
)
from airflow_dynflow.core.execution_context import Deck, current_context
from airflow_dynflow.core.files import FlyteDirectory, FlyteFile
from airflow_dynflow.core.gates import approve, sleep, wait_for_input
from airflow_dynflow.core.hashing import HashMethod
from airflow_dynflow.core.interface import kwtypes
from airflow_dynflow.core.launch_plan import LaunchPlan
from airflow_dynflow.core.map_task import MapTask, map_task
from airflow_dynflow.core.node_call import create_node
from airflow_dynflow.core.promise import Promise
from airflow_dynflow.core.reference import reference_launch_plan, reference_task
from airflow_dynflow.core.resources import Resources
from airflow_dynflow.core.schedules import CronSchedule, FixedRate
from airflow_dynflow.core.secrets import Secret
from airflow_dynflow.core.spec import Spec

__version__ = "0.1.0"

__all__ = [
    "ConditionFailedError",
    "ConditionalError",
    "CronSchedule",
    "Deck",
    "DisapprovalError",
    "Dynamic",
    "DynflowError",
    "FixedRate",
    "FlyteDirectory",
    "FlyteFile",
    "HashMethod",
    "InterfaceError",
    "LaunchPlan",
    "MapTask",
    "Promise",
    "PromiseError",
    "Resources",
    "Secret",
    "Spec",
    "SpecError",
    "Task",
    "TypeMismatchError",
    "Workflow",
    "approve",
    "conditional",
    "create_node",
    "current_context",
    "dynamic",
    "kwtypes",
    "map_task",
    "reference_launch_plan",
    "reference_task",
    "sleep",
    "task",
    "wait_for_input",
    "workflow",
]
