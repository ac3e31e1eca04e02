"""Entities shared by the core and the Airflow-side unit tests, at module level so that specs resolve
them by import (the specs those tests use are compiled from the dynamics here, as a compile task does)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import typing
from typing import NamedTuple

from airflow_dynflow import conditional, dynamic, map_task, task, workflow


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def double(x: int) -> int:
    return x * 2


@task
def halve(x: float) -> float:
    return x / 2


@task
def shout(s: str) -> str:
    return s.upper()


@task
def total(values: typing.List[int]) -> int:
    return sum(values)


@task
def split(x: int) -> typing.Tuple[int, str]:
    return x, str(x)


class Stats(NamedTuple):
    count: int
    mean: float


@task
def stats(values: typing.List[int]) -> Stats:
    return Stats(len(values), sum(values) / len(values))


@task
def side_effect(x: int) -> None:
    return None


@dataclasses.dataclass
class Point:
    x: int
    y: int


@task
def make_point(x: int, y: int) -> Point:
    return Point(x, y)


@task
def letters(word: str) -> typing.Dict[str, int]:
    return {c: word.count(c) for c in word}


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@task
def describe(when: datetime.date, color: Color, span: datetime.timedelta) -> str:
    return f"{when.isoformat()} {color.value} {span.total_seconds():g}"


class Opaque:
    """pydantic cannot describe this class: it travels as cloudpickle."""

    def __init__(self, n: int) -> None:
        self.n = n


@task
def wrap(n: int) -> Opaque:
    return Opaque(n)


@task
def unwrap(o: Opaque) -> int:
    return o.n


@task
def fail_on(x: int, bad: int) -> int:
    if x == bad:
        raise ValueError(f"refusing {x}")
    return x


@dynamic
def chain(n: int) -> int:
    value = 0
    for i in range(n):
        value = add(a=value, b=i)
    return value


@dynamic
def fan(n: int) -> int:
    return total(values=[double(x=i) for i in range(n)])


@dynamic
def nothing(n: int) -> int:
    return n


@dynamic
def failing_chain(n: int, bad: int) -> int:
    value = 0
    for i in range(n):
        value = add(a=value, b=fail_on(x=i, bad=bad))
    return value


@workflow
def add_then_double(a: int, b: int = 1) -> int:
    return double(x=add(a=a, b=b))


@dynamic
def uses_workflow(n: int) -> int:
    value = 0
    for _ in range(n):
        value = add_then_double(a=value)
    return value


@dynamic
def outer(n: int) -> int:
    return add(a=chain(n=n), b=chain(n=n + 1))


@dynamic
def outer_outer(n: int) -> int:
    return double(x=outer(n=n))


@workflow
def seed_like(n: int) -> int:
    return chain(n=n)


@workflow
def nested(a: int) -> int:
    return add_then_double(a=add_then_double(a=a))


@workflow
def two_outputs(x: int) -> typing.Tuple[int, str]:
    n, s = split(x=x)
    return double(x=n), shout(s=s)


@workflow
def no_output(x: int) -> None:
    side_effect(x=x)


@workflow
def indexing(word: str) -> int:
    counts = letters(word=word)
    point = make_point(x=counts["a"], y=2)
    pair = split(x=point.x)
    return add(a=pair.o0, b=point.y)


square_all = map_task(double)


@workflow
def mapped(xs: typing.List[int]) -> typing.List[int]:
    return map_task(double)(x=xs)


@workflow
def mapped_partial(xs: typing.List[int]) -> typing.List[int]:
    return map_task(functools.partial(add, b=10))(a=xs)


@workflow
def opaque_roundtrip(n: int) -> int:
    return unwrap(o=wrap(n=n))


@task
def length(text: str) -> int:
    return len(text)


@dynamic
def repeat_constant(text: str, n: int) -> int:
    return total(values=[length(text=text) for _ in range(n)])


@dynamic
def map_with_shared(xs: typing.List[int], k: int) -> typing.List[int]:
    return map_task(functools.partial(add, b=double(x=k)))(a=xs)


@workflow
def sign_of(x: int) -> str:
    return (
        conditional("sign")
        .if_(x > 0)
        .then(shout(s="positive"))
        .elif_(x == 0)
        .then(shout(s="zero"))
        .else_()
        .then(shout(s="negative"))
    )


@workflow
def checked_half(x: float) -> float:
    return conditional("range").if_((x >= 0.0) & (x <= 10.0)).then(halve(x=x)).else_().fail("out of range")


@workflow
def two_way_split(x: int) -> typing.Tuple[int, str]:
    return conditional("parity").if_(x > 1).then(split(x=x)).else_().then(split(x=double(x=x)))


@workflow
def void_case(x: int) -> None:
    conditional("effect").if_(x > 1).then(side_effect(x=x)).else_().then(side_effect(x=0))


@dynamic
def signs(xs: typing.List[int]) -> typing.List[str]:
    return [sign_of(x=x) for x in xs]


# Used by the Airflow-side unit tests (tests/airflow/unit).


@task
def merge(parts: typing.Dict[str, int]) -> int:
    return sum(parts.values())


class Stranger:
    """Another class pydantic cannot describe: pickled too, but never an ``Opaque``."""

    def __init__(self, n: int) -> None:
        self.n = n


@task
def describe_day(day: datetime.date, n: int) -> str:
    return f"{day.isoformat()} x{n}"


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


@task(cache=True, cache_version="1")
def cached_square(n: int) -> int:
    return n * n


@dynamic
def squares(n: int) -> int:
    """Two calls of one cached task with the same input (n0, n1), then a node that reads both (n2)."""
    return add(a=cached_square(n=n), b=cached_square(n=n))


@task
def refuse(x: int) -> int:
    raise ValueError(x)


@dynamic
def refusing(n: int) -> int:
    return refuse(x=n)
