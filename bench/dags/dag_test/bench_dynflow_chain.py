"""Benchmark DAGs for ``bench.airflow``: chains of 1 and 30 trivial ``airflow_dynflow`` tasks.

Each ``@workflow`` becomes one DAG: one ``DynflowTaskOperator`` per ``inc`` call plus the ``outputs``
task our DAGs end with. The chain lengths are in the DAG ids, which ``bench.airflow`` names and checks.
"""

from airflow_dynflow import task, workflow

SHORT = 1
LONG = 30


@task
def inc(x: int) -> int:
    return x + 1


@workflow
def dynflow_chain_1(x: int = 0) -> int:
    for _ in range(SHORT):
        x = inc(x=x)
    return x


@workflow
def dynflow_chain_30(x: int = 0) -> int:
    for _ in range(LONG):
        x = inc(x=x)
    return x
