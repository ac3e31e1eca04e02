"""Benchmark DAGs for ``bench.scheduler`` written with ``airflow_dynflow``.

``static_chain`` is ``CHAIN`` ``inc`` calls written out; ``dyn_chain`` generates the same chain at run
time, ``n`` long (the benchmark passes ``n`` in the run's conf); ``dyn_fan`` generates ``n`` independent
``inc`` nodes and a ``total`` over them; ``seed_packed`` is the seed with ``PACK`` nodes per instance.
``CHAIN``, ``WIDE`` and ``PACK`` are the figures ``bench.scheduler`` uses.
"""

from count_characters import derive_count, return_index, update_list  # the seed's tasks, copied beside

from airflow_dynflow import dynamic, task, workflow

CHAIN = 20
WIDE = 1_000
PACK = 100


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


@dynamic(nodes_per_instance=PACK)
def count_packed(s1: str, s2: str) -> int:
    """The seed's dynamic, ``PACK`` generated nodes per task instance."""
    freq1, freq2 = [0] * 26, [0] * 26
    for ch in s1:
        freq1 = update_list(freq_list=freq1, list_index=return_index(character=ch))
    for ch in s2:
        freq2 = update_list(freq_list=freq2, list_index=return_index(character=ch))
    return derive_count(freq1=freq1, freq2=freq2)


@workflow
def seed_packed(s1: str, s2: str) -> int:
    return count_packed(s1=s1, s2=s2)
