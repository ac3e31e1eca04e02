"""Dynamic workflows (after flytesnacks' dynamic_workflow.py): the graph's shape comes from the
inputs, at run time; task calls inside return promises, locally as on Airflow."""

import typing

from airflow_dynflow import dynamic, task, workflow


@task
def return_index(character: str) -> int:
    if character.islower():
        return ord(character) - ord("a")
    return ord(character) - ord("A")


@task
def update_list(freq_list: typing.List[int], list_index: int) -> typing.List[int]:
    freq_list[list_index] += 1
    return freq_list


@task
def derive_count(freq1: typing.List[int], freq2: typing.List[int]) -> int:
    count = 0
    for i in range(26):
        count += min(freq1[i], freq2[i])
    return count


@dynamic
def count_common(s1: str, s2: str) -> int:
    freq1 = [0] * 26
    freq2 = [0] * 26
    for ch in s1:
        freq1 = update_list(freq_list=freq1, list_index=return_index(character=ch))
    for ch in s2:
        freq2 = update_list(freq_list=freq2, list_index=return_index(character=ch))
    return derive_count(freq1=freq1, freq2=freq2)


@task
def square(x: int) -> int:
    return x * x


@task
def add_all(values: typing.List[int]) -> int:
    return sum(values)


@dynamic
def sum_of_squares(n: int) -> int:
    return add_all(values=[square(x=i).with_overrides(retries=1) for i in range(n)])


@workflow
def dynamic_wf(s1: str = "Pear", s2: str = "Earth", n: int = 5) -> typing.Tuple[int, int]:
    return count_common(s1=s1, s2=s2), sum_of_squares(n=n)


if __name__ == "__main__":
    print(dynamic_wf(s1="Pear", s2="Earth", n=5))
