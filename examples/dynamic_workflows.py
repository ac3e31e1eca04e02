"""Dynamic workflows (after flytesnacks' dynamic_workflow.py): the graph's shape comes from the
inputs, at run time; task calls inside return promises, locally as on Airflow."""

import typing

from airflow_dynflow import conditional, dynamic, task, workflow


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


@task
def split(numbers: typing.List[int]) -> typing.Tuple[typing.List[int], typing.List[int], int, int]:
    half = len(numbers) // 2
    return numbers[:half], numbers[half:], half, len(numbers) - half


@task
def merge(sorted_list1: typing.List[int], sorted_list2: typing.List[int]) -> typing.List[int]:
    result = []
    while sorted_list1 and sorted_list2:
        smaller = sorted_list1 if sorted_list1[0] < sorted_list2[0] else sorted_list2
        result.append(smaller.pop(0))
    return result + sorted_list1 + sorted_list2


@task
def sort_locally(numbers: typing.List[int]) -> typing.List[int]:
    return sorted(numbers)


@dynamic
def merge_sort_remotely(numbers: typing.List[int], run_local_at_count: int) -> typing.List[int]:
    split1, split2, new_count1, new_count2 = split(numbers=numbers)
    sorted1 = merge_sort(numbers=split1, numbers_count=new_count1, run_local_at_count=run_local_at_count)
    sorted2 = merge_sort(numbers=split2, numbers_count=new_count2, run_local_at_count=run_local_at_count)
    return merge(sorted_list1=sorted1, sorted_list2=sorted2)


@workflow
def merge_sort(
    numbers: typing.List[int] = [9, 4, 7, 1, 8, 2, 6, 3, 5, 0, 11, 10],
    numbers_count: int = 12,
    run_local_at_count: int = 5,
) -> typing.List[int]:
    """A dynamic and a workflow calling each other through a conditional, until lists are short."""
    return (
        conditional("terminal_case")
        .if_(numbers_count <= run_local_at_count)
        .then(sort_locally(numbers=numbers))
        .else_()
        .then(merge_sort_remotely(numbers=numbers, run_local_at_count=run_local_at_count))
    )


if __name__ == "__main__":
    print(dynamic_wf(s1="Pear", s2="Earth", n=5))
    print(merge_sort(numbers=[9, 4, 7, 1, 8, 2, 6, 3, 5, 0, 11, 10], numbers_count=12))
