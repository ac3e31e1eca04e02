"""A diamond inside a dynamic: one source, two branches whose number depends on the input, a join."""

import typing

from airflow_dynflow import dynamic, task, workflow  # airflow dag: found by the safe-mode scan


@task
def source(seed: int) -> int:
    return seed + 1


@task
def branch(value: int, factor: int) -> int:
    return value * factor


@task
def join(left: int, right: int) -> typing.Tuple[int, int]:
    return left + right, left - right


@dynamic
def diamond_shape(seed: int, rounds: int) -> typing.Tuple[int, int]:
    """``rounds`` diamonds in a row: each join feeds the next source."""
    value = source(seed=seed)
    total = difference = 0
    for _ in range(rounds):
        total, difference = join(left=branch(value=value, factor=2), right=branch(value=value, factor=3))
        value = source(seed=total)
    return total, difference


@workflow
def diamond(seed: int = 1, rounds: int = 2) -> typing.Tuple[int, int]:
    """Diamonds whose count is decided at run time."""
    return diamond_shape(seed=seed, rounds=rounds)


if __name__ == "__main__":
    print(diamond(seed=1, rounds=2))
