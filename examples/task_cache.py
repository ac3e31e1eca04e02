"""Caching (after flytesnacks' task_cache.py): a cached task runs once per (version, inputs)."""

import typing

from airflow_dynflow import task, workflow


@task(cache=True, cache_version="1.0")
def square(n: int) -> int:
    return n * n


@task
def total(values: typing.List[int]) -> int:
    return sum(values)


@workflow
def cached_wf(n: int = 4) -> int:
    return total(values=[square(n=n), square(n=n)])


if __name__ == "__main__":
    print(cached_wf(n=4))
