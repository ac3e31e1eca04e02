"""How arguments bind to inputs, locally and while tracing: Python's own rules and wording."""

import typing

import pytest

from airflow_dynflow import task, workflow
from tests import entities as ex


def test_keyword_call_runs_locally():
    assert ex.add(a=1, b=2) == 3


def test_positional_call_binds_in_declaration_order():
    assert ex.add(1, 2) == 3


def test_mixed_positional_and_keyword_call():
    assert ex.add(1, b=5) == 6


def test_missing_argument_names_entity_and_argument():
    with pytest.raises(TypeError, match=r"add\(\) missing required argument 'b'"):
        ex.add(a=1)


def test_unexpected_argument_names_entity_and_argument():
    with pytest.raises(TypeError, match=r"add\(\) got an unexpected keyword argument 'c'"):
        ex.add(a=1, b=2, c=3)


def test_duplicate_argument_names_entity_and_argument():
    with pytest.raises(TypeError, match=r"add\(\) got multiple values for argument 'a'"):
        ex.add(1, a=1)


def test_too_many_positional_arguments():
    with pytest.raises(TypeError, match=r"add\(\) takes 2 positional arguments but 3 were given"):
        ex.add(1, 2, 3)


def test_default_fills_a_missing_input():
    assert ex.add_then_double(a=1) == 4


def test_argument_errors_also_happen_while_tracing():
    with pytest.raises(TypeError, match=r"add\(\) missing required argument 'b'"):

        @workflow
        def wf(x: int) -> int:
            return ex.add(a=x)


def test_positional_call_inside_a_workflow():
    @workflow
    def wf(x: int) -> int:
        return ex.add(x, 2)

    assert wf(x=1) == 3


def test_a_tuple_literal_return_annotation_is_several_outputs():
    @task
    def split(x: int) -> (int, str):
        return x, str(x)

    assert list(split.interface.outputs) == ["o0", "o1"]
    assert split(x=3) == (3, "3")
    assert split(x=3).o1 == "3"


def test_a_tuple_literal_return_annotation_works_with_postponed_annotations():
    namespace: dict = {}
    exec(
        "from __future__ import annotations\n"
        "from airflow_dynflow import task\n"
        "@task\n"
        "def split(x: int) -> (int, str):\n"
        "    return x, str(x)\n",
        namespace,
    )
    assert namespace["split"](x=4) == (4, "4")


def test_a_single_field_named_tuple_output_accepts_a_bare_value():
    class Out(typing.NamedTuple):
        total: int

    @task
    def bare(x: int) -> Out:
        return x + 1

    @task
    def whole(x: int) -> Out:
        return Out(x + 1)

    assert bare(x=1) == Out(2) == whole(x=1)


def test_a_task_without_a_return_annotation_gives_none_whatever_it_returns():
    @task
    def chatty(x: int):
        return x * 2

    assert chatty(x=2) is None


def test_a_workflow_of_tasks_with_tuple_literal_outputs_unpacks_them():
    @task
    def split(x: int) -> (int, int):
        return x, x + 1

    @workflow
    def wf(x: int) -> int:
        a, b = split(x=x)
        return ex.add(a=a, b=b)

    assert wf(x=1) == 3
