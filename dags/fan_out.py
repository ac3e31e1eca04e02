"""Fan-out and fan-in inside a dynamic: one task per element, then one task over all of them."""

import typing

from airflow_dynflow import dynamic, task, workflow  # airflow dag: found by the safe-mode scan


@task
def square(x: int) -> int:
    return x * x


@task
def total(values: typing.List[int]) -> int:
    return sum(values)


@dynamic
def sum_of_squares(n: int) -> int:
    """One ``square`` per number below n (the graph's width is the input), then their sum."""
    return total(values=[square(x=i) for i in range(n)])


@workflow
def fan_out(n: int = 200) -> int:
    """Sum of squares below n.

    :param n: how many numbers (and generated nodes)
    """
    return sum_of_squares(n=n)


if __name__ == "__main__":
    print(fan_out(n=10))
