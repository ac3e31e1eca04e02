"""map_task: list inputs, partial constants, tolerated failures."""

import functools
import typing

import pytest

from airflow_dynflow import TypeMismatchError, map_task, workflow
from airflow_dynflow.core.authoring.local_runner import run_spec
from airflow_dynflow.core.wire.spec_read import load_spec
from airflow_dynflow.core.wire.spec_write import dump_spec
from tests import entities as ex


def test_each_input_becomes_a_list():
    assert ex.square_all(x=[1, 2]) == [2, 4]
    assert str(ex.square_all.interface.inputs["x"].tp) == "typing.List[int]"


def test_partial_binds_constants_for_every_element():
    assert map_task(functools.partial(ex.add, b=1))(a=[1, 2, 3]) == [2, 3, 4]


def test_inputs_of_different_lengths_are_refused():
    m = map_task(ex.add)
    with pytest.raises(ValueError, match="same length, got a=2, b=1"):
        m(a=[1, 2], b=[1])


def test_empty_list_maps_to_empty_list():
    assert ex.square_all(x=[]) == []


def test_failure_fails_the_map_by_default():
    m = map_task(functools.partial(ex.fail_on, bad=2))
    with pytest.raises(ValueError, match="refusing 2"):
        m(x=[1, 2, 3])


def test_min_success_ratio_tolerates_failures_as_none():
    m = map_task(functools.partial(ex.fail_on, bad=2), min_success_ratio=0.5)
    assert m(x=[1, 2, 3]) == [1, None, 3]
    assert "Optional" in str(m.interface.outputs["o0"].tp)


def test_min_success_ratio_none_keeps_the_plain_element_type():
    """flytekit's test_map_task.py::test_map_task_min_success_ratio: None gives List[int]."""
    m = map_task(ex.double, min_success_ratio=None)

    @workflow
    def wf(xs: list[int]) -> list[int]:
        return m(x=xs)

    assert m.interface.outputs["o0"].tp == typing.List[int]
    assert wf(xs=[1, 2]) == [2, 4]


def test_min_success_ratio_none_fails_the_map_with_the_element_error():
    """flytekit's test_array_node_map_task.py::test_raw_execute_with_min_success_ratio, case None:
    one failed element fails the workflow with that element's ValueError."""

    @workflow
    def wf(xs: list[int]) -> list[int | None]:
        return map_task(functools.partial(ex.fail_on, bad=2), min_success_ratio=None)(x=xs)

    with pytest.raises(ValueError, match="refusing 2"):
        wf(xs=[1, 2, 3, 4])


def test_too_many_failures_fail_the_map():
    m = map_task(functools.partial(ex.fail_on, bad=2), min_success_ratio=0.9)
    with pytest.raises(RuntimeError, match="2 of 3 elements succeeded, below min_success_ratio=0.9"):
        m(x=[1, 2, 3])


def test_concurrency_must_be_positive():
    with pytest.raises(ValueError, match="concurrency"):
        map_task(ex.double, concurrency=0)


def test_only_tasks_can_be_mapped():
    with pytest.raises(TypeError, match="maps a @task"):
        map_task(ex.chain)


def test_positional_partial_is_refused():
    with pytest.raises(TypeError, match="by keyword"):
        map_task(functools.partial(ex.add, 1))


def test_partial_value_is_type_checked():
    with pytest.raises(TypeMismatchError, match="add: input 'b' expects int"):
        map_task(functools.partial(ex.add, b="1"))


def test_a_list_bound_by_partial_to_a_scalar_input_fails_as_in_flytekit():
    """flytekit's test_array_node_map_task.py::test_partials_local_execute expects ValueError here
    (its TypeTransformerFailedError is also a TypeError and an AssertionError); ours is all four."""
    with pytest.raises(TypeMismatchError, match="add: input 'b' expects int, got list") as info:
        map_task(functools.partial(ex.add, b=[1, 2, 3]))(a=[1, 2, 3])
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, AssertionError)


def test_map_node_in_spec_records_its_settings():
    @workflow
    def wf(xs: list[int]) -> list[int]:
        return map_task(functools.partial(ex.add, b=3), concurrency=2)(a=xs)

    (node,) = wf.spec.nodes
    entry = wf.spec.tasks[node.task]
    assert entry.kind == "map"
    assert entry.map.concurrency == 2
    assert dict(entry.map.bound) == {"b": 3}
    assert wf(xs=[1]) == [4]


def test_partial_with_a_workflow_input_gives_every_element_its_value():
    @workflow
    def wf(xs: list[int], k: int) -> list[int]:
        return map_task(functools.partial(ex.add, b=k))(a=xs)

    assert wf(xs=[1, 2, 3], k=10) == [11, 12, 13]


def test_partial_with_a_task_output_gives_every_element_its_value():
    @workflow
    def wf(xs: list[int], k: int) -> list[int]:
        return map_task(functools.partial(ex.add, b=ex.double(x=k)))(a=xs)

    assert wf(xs=[1, 2], k=5) == [11, 12]


def test_a_promise_bound_by_partial_is_an_input_of_the_map_node_not_a_list():
    @workflow
    def wf(xs: list[int], k: int) -> list[int]:
        return map_task(functools.partial(ex.add, b=k))(a=xs)

    (node,) = wf.spec.nodes
    mapper = wf.spec.entity(node)
    assert set(node.inputs) == {"a", "b"}
    assert str(mapper.interface.inputs["b"].tp) == "<class 'int'>"
    assert wf.spec.tasks[node.task].map.broadcast == ("b",)


def test_a_map_with_a_promise_bound_by_partial_survives_the_spec_json():
    spec = ex.map_with_shared.compile(xs=[1, 2], k=4)
    loaded = load_spec(dump_spec(spec))
    assert loaded.tasks["map_add"].map.broadcast == ("b",)
    assert run_spec(loaded, {}) == {"o0": [9, 10]}
