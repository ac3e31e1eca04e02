"""Chaining (after flytesnacks' chain_entities.py): ``>>`` runs one call after another when no data
flows between them, including tasks and sub-workflows that return nothing."""

import os
import tempfile

from airflow_dynflow import current_context, task, workflow


def log_file() -> str:
    """One file per execution, so that runs side by side never mix their lines."""
    return os.path.join(tempfile.gettempdir(), f"chain-{current_context().execution_id.name}.log")


@task
def write(line: str) -> None:
    with open(log_file(), "a") as handle:
        handle.write(line + "\n")


@task
def read_back() -> str:
    with open(log_file()) as handle:
        lines = handle.read().split()
    os.remove(log_file())
    return ",".join(lines)


@workflow
def two_writes() -> None:
    write(line="b") >> write(line="c")


@workflow
def chain_wf() -> str:
    first = write(line="a")
    sub = two_writes()
    last = read_back()
    first >> sub
    sub >> last
    return last


if __name__ == "__main__":
    print(chain_wf())
