"""Attribute access on promises (after flytesnacks' attribute_access.py): p[0], p["key"] and
p.field are resolved when the graph runs."""

import typing
from dataclasses import dataclass

from airflow_dynflow import task, workflow


@task
def print_message(message: str) -> str:
    return message


@task
def list_task() -> typing.List[str]:
    return ["a", "b", "c"]


@task
def dict_task() -> typing.Dict[str, str]:
    return {"a": "b"}


@dataclass
class Fruit:
    name: str


@task
def dataclass_task() -> Fruit:
    return Fruit(name="banana")


@task
def gather(a: str, b: str, c: str) -> typing.List[str]:
    return [a, b, c]


@workflow
def attribute_access_wf() -> typing.List[str]:
    first = print_message(message=list_task()[0])
    value = print_message(message=dict_task()["a"])
    fruit = print_message(message=dataclass_task().name)
    return gather(a=first, b=value, c=fruit)


if __name__ == "__main__":
    print(attribute_access_wf())
