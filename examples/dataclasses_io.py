"""Dataclasses as inputs and outputs (after flytesnacks' dataclass.py), checked field by field."""

import typing
from dataclasses import dataclass

from airflow_dynflow import task, workflow


@dataclass
class Datum:
    x: int
    y: str
    z: typing.Dict[int, str]


@task
def stringify(s: int) -> Datum:
    return Datum(x=s, y=str(s), z={s: str(s)})


@task
def add(x: Datum, y: Datum) -> Datum:
    x.z.update(y.z)
    return Datum(x=x.x + y.x, y=x.y + y.y, z=x.z)


@workflow
def dataclass_wf(x: int = 10, y: int = 20) -> Datum:
    return add(x=stringify(s=x), y=stringify(s=y))


if __name__ == "__main__":
    print(dataclass_wf(x=10, y=20))
