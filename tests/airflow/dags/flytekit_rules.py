"""Test-only workflows for flytekit 1.16's rules: a case whose result is a sub-workflow's constant
(in a static workflow and in a dynamic), and cases that give different numbers of outputs."""

import typing

from airflow_dynflow import conditional, dynamic, task, workflow  # airflow dag


@task
def success() -> int:
    return 1


@task
def pair(x: int) -> typing.Tuple[int, str]:
    return x * 10, str(x)


@workflow
def failure() -> int:
    return -1


@workflow
def constant_case(x: int = 2) -> int:
    return conditional("outcome").if_(x == 2).then(success()).else_().then(failure())


@dynamic
def decide_each(xs: typing.List[int]) -> typing.List[int]:
    return [
        conditional(f"outcome_{i}").if_(x == 2).then(success()).else_().then(failure())
        for i, x in enumerate(xs)
    ]


@workflow
def constant_case_dynamic(xs: typing.List[int] = [2, 3]) -> typing.List[int]:  # noqa: B006
    return decide_each(xs=xs)


@workflow
def shared_outputs(x: int = 2) -> int:
    return conditional("sizes").if_(x > 1).then(success()).else_().then(pair(x=x))
