"""The seed's dynamic with ``PACK`` generated nodes per task instance, for ``bench.scheduler``'s
packing cases. Its tasks are the seed's own (``dags/count_characters.py``, which the benchmark
copies beside this file), so packed and unpacked runs do the same work."""

from count_characters import derive_count, return_index, update_list

from airflow_dynflow import dynamic, workflow

PACK = 100


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
