"""Task and node options, launch plans and their schedules, and map tasks."""

from __future__ import annotations

import typing
from typing import Any

from airflow_dynflow.core.errors.family import (
    DynflowRuntimeError,
    DynflowTimeoutError,
    DynflowTypeError,
    DynflowValueError,
    PromiseError,
    TypeMismatchError,
    type_name,
)

__all__ = [
    "aws_cron_not_six_fields",
    "aws_cron_numeric_weekday",
    "bad_concurrency",
    "bad_fixed_rate",
    "bad_nodes_per_instance",
    "bad_resources",
    "bad_retries",
    "bad_success_ratio",
    "bad_timeout",
    "cache_version_without_cache",
    "cron_needs_one_expression",
    "cron_not_five_fields",
    "fixed_input_overridden",
    "kickoff_input_fixed",
    "kickoff_input_not_datetime",
    "launch_plan_conflict",
    "launch_plan_input_twice",
    "launch_plan_named_like_workflow",
    "launch_plan_needs_workflow",
    "launch_plan_unknown_input",
    "launch_plan_unnamed_settings",
    "map_below_success_ratio",
    "map_multiple_outputs",
    "map_needs_task",
    "map_partial_positional",
    "map_partial_promise",
    "mapped_lengths_differ",
    "packing_on_a_task",
    "scheduled_inputs_without_value",
    "timed_out",
    "unexpected_options",
]


def unexpected_options(owner: str, unknown: typing.Iterable[str]) -> DynflowTypeError:
    return DynflowTypeError(f"{owner} got unexpected option(s): {', '.join(sorted(unknown))}")


def bad_retries(owner: str, value: Any) -> DynflowTypeError:
    return DynflowTypeError(f"{owner}: retries must be a non-negative int, got {value!r}")


def bad_timeout(owner: str, value: Any) -> DynflowValueError:
    return DynflowValueError(f"{owner}: timeout must be positive, got {value!r}")


def bad_resources(owner: str, option: str, value: Any) -> DynflowTypeError:
    return DynflowTypeError(
        f"{owner}: {option} must be a Resources(cpu=, mem=, gpu=, ephemeral_storage=), got {value!r}"
    )


def packing_on_a_task(entity: str) -> DynflowTypeError:
    return DynflowTypeError(
        f"{entity}: nodes_per_instance packs the generated nodes of a @dynamic; a @task is one node"
    )


def bad_nodes_per_instance(entity: str, value: Any) -> DynflowValueError:
    return DynflowValueError(f"{entity}: nodes_per_instance must be an int of at least 1, got {value!r}")


def cache_version_without_cache(entity: str) -> DynflowValueError:
    return DynflowValueError(f"{entity}: cache_version is set but cache=False; add cache=True")


def timed_out(entity: str, timeout: float) -> DynflowTimeoutError:
    return DynflowTimeoutError(f"{entity} timed out after {timeout:g} s")


# ---------------------------------------------------------------- launch plans and schedules


def _lp(name: str) -> str:
    return f"launch plan '{name}'"


def launch_plan_needs_workflow(target: Any) -> DynflowTypeError:
    return DynflowTypeError(f"LaunchPlan.get_or_create() takes a @workflow, got {target!r}")


def launch_plan_unnamed_settings(workflow: str) -> DynflowValueError:
    return DynflowValueError(
        f"LaunchPlan.get_or_create({workflow}): only a named launch plan can have default_inputs, "
        "fixed_inputs or a schedule; pass name=... (without it you get the workflow's default launch plan)"
    )


def launch_plan_named_like_workflow(name: str, workflow: str) -> DynflowValueError:
    return DynflowValueError(
        f"{_lp(name)} has the name of workflow {workflow}'s default launch plan (its DAG on Airflow); "
        "give it a name of its own"
    )


def launch_plan_conflict(name: str, differences: typing.Iterable[str]) -> DynflowValueError:
    return DynflowValueError(
        f"{_lp(name)} already exists with a different {', '.join(differences)}; "
        "use the same arguments to get it again, or give the new launch plan another name"
    )


def launch_plan_unknown_input(
    name: str, role: str, input_name: str, workflow: str, inputs: typing.Iterable[str]
) -> DynflowTypeError:
    """``role`` is "default_inputs", "fixed_inputs" or "kickoff_time_input_arg"."""
    return DynflowTypeError(
        f"{_lp(name)}: {role} names '{input_name}', which is not an input of workflow {workflow} "
        f"(its inputs are: {', '.join(inputs) or 'none'})"
    )


def launch_plan_input_twice(name: str, input_name: str) -> DynflowValueError:
    return DynflowValueError(
        f"{_lp(name)}: input '{input_name}' is in both default_inputs and fixed_inputs; keep one"
    )


def fixed_input_overridden(name: str, inputs: typing.Iterable[str]) -> DynflowTypeError:
    return DynflowTypeError(
        f"{_lp(name)} fixes input(s) {', '.join(sorted(inputs))}; a call cannot change them "
        "(make them default_inputs of a launch plan to allow it)"
    )


def kickoff_input_not_datetime(name: str, input_name: str, declared: Any) -> TypeMismatchError:
    return TypeMismatchError(
        f"{_lp(name)}: kickoff_time_input_arg '{input_name}' expects an input of type datetime, "
        f"got one of type {type_name(declared)}"
    )


def kickoff_input_fixed(name: str, input_name: str) -> DynflowValueError:
    return DynflowValueError(
        f"{_lp(name)}: input '{input_name}' receives the scheduled time (kickoff_time_input_arg), "
        "so it cannot also be a fixed input"
    )


def scheduled_inputs_without_value(name: str, inputs: typing.Iterable[str]) -> DynflowValueError:
    return DynflowValueError(
        f"{_lp(name)} runs on a schedule, so every input needs a value; give {', '.join(inputs)} "
        "a default_inputs or fixed_inputs entry, or a default in the workflow"
    )


def cron_needs_one_expression(cron_expression: Any, schedule: Any) -> DynflowTypeError:
    return DynflowTypeError(
        "CronSchedule() takes exactly one of cron_expression= (AWS form, '0 10 * * ? *') or "
        f"schedule= ('*/5 * * * *', '@daily'); got cron_expression={cron_expression!r}, schedule={schedule!r}"
    )


def cron_not_five_fields(schedule: str) -> DynflowValueError:
    return DynflowValueError(
        f"CronSchedule(schedule={schedule!r}): expected five fields (minute hour day-of-month month "
        "day-of-week) or an alias such as '@daily'"
    )


def aws_cron_not_six_fields(expression: str) -> DynflowValueError:
    return DynflowValueError(
        f"CronSchedule(cron_expression={expression!r}): expected AWS's six fields with the year '*' "
        "('0 10 * * ? *'); for other years use schedule= with five fields"
    )


def aws_cron_numeric_weekday(expression: str) -> DynflowValueError:
    return DynflowValueError(
        f"CronSchedule(cron_expression={expression!r}): AWS numbers weekdays 1-7 from Sunday and cron "
        "0-6, so write weekday names (MON-FRI) or use schedule= with a five-field expression"
    )


def bad_fixed_rate(duration: Any) -> DynflowValueError:
    return DynflowValueError(f"FixedRate(duration=...) must be a positive timedelta, got {duration!r}")


# ---------------------------------------------------------------- map_task


def map_needs_task(target: Any) -> DynflowTypeError:
    return DynflowTypeError(f"map_task maps a @task, got {target!r}")


def map_partial_positional() -> DynflowTypeError:
    return DynflowTypeError("map_task: bind constants with functools.partial by keyword, not position")


def map_partial_promise(task: str, name: str) -> PromiseError:
    return PromiseError(
        f"map_task({task}): functools.partial binds constants, but '{name}' is a promise; "
        "pass it as a list to map over instead"
    )


def bad_success_ratio(task: str, value: Any) -> DynflowValueError:
    return DynflowValueError(f"map_task({task}): min_success_ratio must be in (0, 1], got {value}")


def bad_concurrency(task: str, value: Any) -> DynflowValueError:
    return DynflowValueError(f"map_task({task}): concurrency must be at least 1, got {value}")


def map_multiple_outputs(task: str) -> DynflowTypeError:
    return DynflowTypeError(f"map_task({task}): a mapped task must have at most one output")


def mapped_lengths_differ(entity: str, lengths: typing.Mapping[str, int]) -> DynflowValueError:
    detail = ", ".join(f"{k}={v}" for k, v in lengths.items())
    return DynflowValueError(f"{entity}: mapped inputs must have the same length, got {detail}")


def map_below_success_ratio(entity: str, succeeded: int, size: int, ratio: float) -> DynflowRuntimeError:
    return DynflowRuntimeError(
        f"{entity}: {succeeded} of {size} elements succeeded, below min_success_ratio={ratio}"
    )
