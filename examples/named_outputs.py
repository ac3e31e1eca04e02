"""Named outputs (after flytesnacks' named_outputs.py): NamedTuple outputs keep their names, and a
single-field NamedTuple accepts a bare value."""

import typing

from airflow_dynflow import task, workflow

hello_output = typing.NamedTuple("OP", [("greet", str)])


@task
def say_hello() -> hello_output:
    return "hello world"


wf_outputs = typing.NamedTuple("OP2", [("greet1", str), ("greet2", str)])


@workflow
def named_outputs_wf() -> wf_outputs:
    h1 = say_hello()
    h2 = say_hello()
    return wf_outputs(h1.greet, h2.greet)


@task
def split_name(full: str) -> (str, str):
    first, last = full.split(" ", 1)
    return first, last


@workflow
def tuple_literal_wf(full: str = "Ada Lovelace") -> (str, str):
    first, last = split_name(full=full)
    return last, first


if __name__ == "__main__":
    print(named_outputs_wf())
    print(tuple_literal_wf(full="Ada Lovelace"))
