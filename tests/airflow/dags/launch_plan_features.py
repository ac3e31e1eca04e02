"""Test-only launch plans: a fixed input that reaches a map task, a dynamic and a sub-workflow, and
launch plans called inside a workflow and inside a dynamic."""

import functools
import typing

from airflow_dynflow import LaunchPlan, dynamic, map_task, task, workflow  # airflow dag


@task
def scale(x: int, factor: int) -> int:
    return x * factor


@task
def total(values: typing.List[int]) -> int:
    return sum(values)


@dynamic
def scaled_sum(n: int, factor: int) -> int:
    return total(values=[scale(x=i, factor=factor) for i in range(n)])


@workflow
def mapped_total(xs: typing.List[int], factor: int) -> int:
    return total(values=map_task(functools.partial(scale, factor=factor))(x=xs))


@workflow
def every_kind_wf(n: int, factor: int, xs: typing.List[int]) -> typing.Tuple[int, int]:
    return scaled_sum(n=n, factor=factor), mapped_total(xs=xs, factor=factor)


every_kind_lp = LaunchPlan.get_or_create(
    every_kind_wf, name="every_kind_lp", default_inputs={"n": 3}, fixed_inputs={"factor": 10}
)


@workflow
def plan_in_workflow(xs: typing.List[int]) -> typing.Tuple[int, int]:
    return every_kind_lp(xs=xs)


@dynamic
def plan_in_dynamic(xs: typing.List[int]) -> typing.List[int]:
    return [mapped_total_lp(xs=[x]) for x in xs]


mapped_total_lp = LaunchPlan.get_or_create(mapped_total, name="mapped_total_lp", fixed_inputs={"factor": 100})


@workflow
def plan_in_dynamic_wf(xs: typing.List[int]) -> typing.List[int]:
    return plan_in_dynamic(xs=xs)
