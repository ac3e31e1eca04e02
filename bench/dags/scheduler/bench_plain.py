"""Benchmark DAGs for ``bench.scheduler`` written with plain Airflow TaskFlow: a static chain of
``CHAIN`` ``inc`` tasks and native mapping over ``WIDE`` values, both the same figures as
``bench_dynflow.py``'s."""

from collections.abc import Sequence

from airflow.sdk import dag, task

CHAIN = 20
WIDE = 1_000


@task
def inc(x: int) -> int:
    return x + 1


@task
def total(values: Sequence[int]) -> int:
    return sum(values)


@dag(dag_id="plain_chain", schedule=None)
def plain_chain() -> None:
    x = 0
    for _ in range(CHAIN):
        x = inc(x)


@dag(dag_id="plain_fan", schedule=None)
def plain_fan() -> None:
    total(inc.expand(x=list(range(WIDE))))


plain_chain()
plain_fan()
