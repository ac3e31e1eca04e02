"""Test-only workflows for flytekit 1.16's rules: cases that give different numbers of outputs."""

import typing

from airflow_dynflow import conditional, task, workflow  # airflow dag


@task
def success() -> int:
    return 1


@task
def pair(x: int) -> typing.Tuple[int, str]:
    return x * 10, str(x)


@workflow
def shared_outputs(x: int = 2) -> int:
    return conditional("sizes").if_(x > 1).then(success()).else_().then(pair(x=x))
