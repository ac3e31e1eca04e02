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


@task
def numbers(params: dict | None = None) -> list[int]:
    return list(range(params["n"] if params else WIDE))


@dag(dag_id="plain_n", schedule=None, params={"n": WIDE})
def plain_n() -> None:
    """Native ``.expand()`` over ``n`` values from the run's conf: as many trivial instances as a
    generated graph of ``n`` nodes."""
    total(inc.expand(x=numbers()))


plain_chain()
plain_fan()
plain_n()
