"""Entities the reference tests name by dotted path: installed code, as a reference needs."""

from __future__ import annotations

from airflow_dynflow import LaunchPlan, task, workflow


@task
def inc(x: int) -> int:
    return x + 1


def not_a_task(x: int) -> int:
    return x


@workflow
def twice(x: int) -> int:
    return inc(x=inc(x=x))


twice_from_ten = LaunchPlan.get_or_create(twice, name="reference_targets_twice_lp", default_inputs={"x": 10})
