"""Flyte-style typed, dynamic workflows on Apache Airflow.

A flytekit user changes one import line::

    from airflow_dynflow import dynamic, task, workflow

This module is the public API and nothing else; the programming model is in ``core`` and the
Airflow runtime in ``airflow`` (see ``docs/architecture.md``).
"""

from __future__ import annotations

from airflow_dynflow.core.authoring.conditional import conditional
from airflow_dynflow.core.authoring.decorators import dynamic, task, workflow
from airflow_dynflow.core.authoring.entities import Dynamic, Task, Workflow
from airflow_dynflow.core.authoring.gates import approve, sleep, wait_for_input
from airflow_dynflow.core.authoring.launch_plan import LaunchPlan
from airflow_dynflow.core.authoring.map_task import MapTask, map_task
from airflow_dynflow.core.authoring.node_call import create_node
from airflow_dynflow.core.authoring.promise import Promise
from airflow_dynflow.core.authoring.reference import reference_launch_plan, reference_task
from airflow_dynflow.core.authoring.schedules import CronSchedule, FixedRate
from airflow_dynflow.core.context.execution_context import Deck, current_context
from airflow_dynflow.core.context.secrets import Secret
from airflow_dynflow.core.conversion.files import FlyteDirectory, FlyteFile
from airflow_dynflow.core.conversion.hashing import HashMethod
from airflow_dynflow.core.conversion.interface import kwtypes
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
from airflow_dynflow.core.resources import Resources
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
