"""Benchmark DAGs for ``bench.airflow``: the same chains of 1 and 30 ``inc`` tasks as plain Airflow TaskFlow.

The chain lengths are in the DAG ids, which ``bench.airflow`` names and checks.
"""

from airflow.sdk import dag, task

SHORT = 1
LONG = 30


@task
def inc(x: int) -> int:
    return x + 1


def chain(length: int) -> None:
    x = 0
    for _ in range(length):
        x = inc(x)


@dag(dag_id="plain_chain_1", schedule=None)
def plain_chain_1() -> None:
    chain(SHORT)


@dag(dag_id="plain_chain_30", schedule=None)
def plain_chain_30() -> None:
    chain(LONG)


plain_chain_1()
plain_chain_30()
