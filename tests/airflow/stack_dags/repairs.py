"""Targets for ``test_repairs.py``: dynamics that fail at one node until a file is removed, repaired
with Airflow's own actions. Every function writes one line to ``effects.log`` in the run's folder
as its last act (what it did and its idempotency key); a function that is made to fail writes
``attempt <name>`` first and raises, so the tests count both how often each node ran and how often
it took effect.
"""

from __future__ import annotations

from pathlib import Path

from airflow.sdk import get_current_context

from airflow_dynflow import dynamic, task, workflow  # airflow dag


def effect(folder: str, name: str) -> None:
    key = get_current_context()["dynflow_idempotency_key"]
    with open(Path(folder) / "effects.log", "a") as log:
        log.write(f"{name} {key}\n")


def fail_while_marked(folder: str, name: str) -> None:
    """Fails while ``fail-<name>`` exists in the folder: the cause a user fixes before repairing."""
    with open(Path(folder) / "effects.log", "a") as log:
        log.write(f"attempt {name}\n")
    if (Path(folder) / f"fail-{name}").exists():
        raise RuntimeError(f"{name} is marked to fail")


@task(retries=0)
def a(i: int, folder: str) -> int:
    effect(folder, f"a{i}")
    return i


@task(retries=0)
def b(x: int, folder: str) -> int:
    fail_while_marked(folder, f"b{x}")
    effect(folder, f"b{x}")
    return x * 10


@task(retries=0)
def total(values: list[int], folder: str, name: str) -> int:
    effect(folder, name)
    return sum(values)


@dynamic
def fan(n: int, folder: str) -> int:
    """``a(i) -> b(i) -> total``: 2n + 1 nodes."""
    values = [b(x=a(i=i, folder=folder), folder=folder) for i in range(n)]
    return total(values=values, folder=folder, name="total")


@workflow
def repair_fan(folder: str, n: int = 6) -> int:
    return fan(n=n, folder=folder)


@task(retries=0)
def leaf(i: int, folder: str) -> int:
    fail_while_marked(folder, f"leaf{i}")
    effect(folder, f"leaf{i}")
    return i + 1


@task(retries=0)
def double(x: int, folder: str) -> int:
    effect(folder, "double")
    return 2 * x


@dynamic
def inner(n: int, folder: str) -> int:
    """sum(i + 1 for i < n), one leaf per i."""
    return total(values=[leaf(i=i, folder=folder) for i in range(n)], folder=folder, name="inner_total")


@dynamic
def outer(n: int, folder: str) -> int:
    return double(x=inner(n=n, folder=folder), folder=folder)


@workflow
def repair_nested(folder: str, n: int = 3) -> int:
    return outer(n=n, folder=folder)


@task
def read_value(folder: str) -> int:
    return int((Path(folder) / "value").read_text())


@workflow
def repair_changed_input(folder: str) -> int:
    """Reads its value from a file, so the value can change between a run and its clear."""
    return outer(n=read_value(folder=folder), folder=folder)
