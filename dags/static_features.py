"""A static workflow: map_task over a list, a nested workflow, tuple outputs, retries and the cache."""

import functools
import typing

from airflow_dynflow import map_task, task, workflow  # airflow dag: found by the safe-mode scan


@task
def scale(x: int, factor: int) -> int:
    return x * factor


@task(retries=2, cache=True, cache_version="1")
def total(values: typing.List[int]) -> int:
    return sum(values)


@task
def describe(count: int, label: str) -> typing.Tuple[int, str]:
    return count, f"{label}: {count}"


@workflow
def summarize(values: typing.List[int], label: str) -> typing.Tuple[int, str]:
    """A workflow used inside another one: a TaskGroup on Airflow."""
    return describe(count=total(values=values), label=label)


@workflow
def static_features(xs: typing.List[int] = list(range(50))) -> typing.Tuple[int, str]:  # noqa: B006
    """Triples every element (one mapped task instance each), then sums and labels the result.

    :param xs: the numbers to scale
    """
    scaled = map_task(functools.partial(scale, factor=3))(x=xs)
    return summarize(values=scaled, label="sum")


if __name__ == "__main__":
    print(static_features(xs=[1, 2, 3]))
