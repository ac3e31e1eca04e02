"""A library of tasks that other programs refer to by name (``examples/reference.py``): installed
code, the stand-in here for entities registered on a Flyte backend."""

import typing

from airflow_dynflow import task


@task
def normalize(values: typing.List[float]) -> typing.List[float]:
    top = max(values)
    return [v / top for v in values]


@task
def mean(values: typing.List[float]) -> float:
    return sum(values) / len(values)
