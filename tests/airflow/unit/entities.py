"""Entities for the Airflow-side unit tests, at module level so that specs resolve them by import.

The specs these tests use are compiled from the dynamics below, exactly as a compile task does.
"""

from __future__ import annotations

import dataclasses
import datetime
import typing

from airflow_dynflow import dynamic, map_task, task, workflow


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def double(x: int) -> int:
    return x * 2


@task
def total(values: typing.List[int]) -> int:
    return sum(values)


@task
def merge(parts: typing.Dict[str, int]) -> int:
    return sum(parts.values())


@task
def letters(word: str) -> typing.Dict[str, int]:
    return {c: word.count(c) for c in word}


@task
def split(x: int) -> typing.Tuple[int, str]:
    return x, str(x) * x


@dataclasses.dataclass
class Point:
    x: int
    y: int


@task
def make_point(x: int, y: int) -> Point:
    return Point(x, y)


class Opaque:
    """pydantic cannot describe this class: it travels pickled."""

    def __init__(self, n: int) -> None:
        self.n = n


class Stranger:
    """Another class pydantic cannot describe: pickled too, but never an ``Opaque``."""

    def __init__(self, n: int) -> None:
        self.n = n


@task
def wrap(n: int) -> Opaque:
    return Opaque(n)


@task
def unwrap(o: Opaque) -> int:
    return o.n


@task
def describe_day(day: datetime.date, n: int) -> str:
    return f"{day.isoformat()} x{n}"


@dynamic
def chain(n: int) -> int:
    """``n`` nodes, each reading the one before it."""
    value = 0
    for i in range(n):
        value = add(a=value, b=i)
    return value


@dynamic
def fan(n: int) -> int:
    """``n`` independent nodes, then one that reads them all: ``n + 1`` nodes."""
    return total(values=[double(x=i) for i in range(n)])


@dynamic
def bindings(word: str) -> int:
    """One node per kind of binding the resolver turns into a value."""
    counts = letters(word=word)  # n0: a constant
    a = add(a=counts["a"], b=1)  # n1: a reference with a path, and a constant
    d = double(x=a)  # n2: a plain reference
    s = total(values=[a, d, 5])  # n3: a list of references and a constant
    m = merge(parts={"a": a, "d": d})  # n4: a dict of references
    return add(a=s, b=m)  # n5: two references


@dynamic
def pickled(n: int) -> int:
    return unwrap(o=wrap(n=n))


@dynamic
def kinds(n: int) -> int:
    """A plain task, a renamed call, a nested dynamic, a map and an ordering-only dependency."""
    first = double(x=n)  # n0
    renamed = double(x=first).with_overrides(name="twice")  # n1 <- n0
    nested = chain(n=n)  # n2 (dynamic)
    mapped = map_task(double)(x=[1, 2])  # n3 (map)
    last = add(a=nested, b=renamed)  # n4 <- n2, n1
    mapped >> last
    return last


@workflow
def dated(day: datetime.date, n: int = 1) -> str:
    """Describe a day.

    :param day: the day to describe
    :param n: how many times
    """
    return describe_day(day=day, n=n)
