"""Benchmark DAGs for ``bench.scheduler`` written with ``airflow_dynflow``.

``static_chain`` is ``CHAIN`` ``inc`` calls written out; ``dyn_chain`` generates the same chain at run
time, ``n`` long (the benchmark passes ``n`` in the run's conf); ``dyn_fan`` generates ``n`` independent
``inc`` nodes and a ``total`` over them. ``CHAIN`` and ``WIDE`` are the figures ``bench.scheduler`` uses.
"""

from airflow_dynflow import dynamic, task, workflow

CHAIN = 20
WIDE = 1_000


@task
def inc(x: int) -> int:
    return x + 1


@task
def total(values: list[int]) -> int:
    return sum(values)


@dynamic
def inc_chain(x: int, n: int) -> int:
    for _ in range(n):
        x = inc(x=x)
    return x


@workflow
def dyn_chain(x: int = 0, n: int = CHAIN) -> int:
    return inc_chain(x=x, n=n)


@workflow
def static_chain(x: int = 0) -> int:
    for _ in range(CHAIN):
        x = inc(x=x)
    return x


@dynamic
def inc_all(n: int) -> int:
    return total(values=[inc(x=i) for i in range(n)])


@workflow
def dyn_fan(n: int = WIDE) -> int:
    return inc_all(n=n)
