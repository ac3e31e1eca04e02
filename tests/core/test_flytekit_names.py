"""The flytekit names a Flyte user imports besides the decorators: what each does here."""

import os
import typing
import warnings

import pytest

from airflow_dynflow import Resources, create_node, current_context, kwtypes, task, workflow
from airflow_dynflow.core.authoring.local_runner import run_spec
from tests import entities as ex


def test_resources_are_recorded_on_the_task_and_in_the_spec():
    @task(requests=Resources(cpu="1", mem="2Gi"), limits=Resources(gpu=1))
    def heavy(x: int) -> int:
        return x

    assert heavy.options.requests == Resources(cpu="1", mem="2Gi")

    @workflow
    def wf(x: int) -> int:
        return heavy(x=x).with_overrides(limits=Resources(mem="4Gi"))

    node = wf.spec.nodes[0]
    assert node.options.limits == Resources(mem="4Gi")
    assert node.options.to_dict() == {"limits": {"mem": "4Gi"}}
    assert wf(x=3) == 3


def test_resources_by_kubernetes_name():
    assert Resources(cpu="500m", mem="1Gi", gpu=1).kubernetes() == {
        "cpu": "500m",
        "memory": "1Gi",
        "nvidia.com/gpu": "1",
    }


def test_requests_that_are_not_resources_are_refused_naming_the_task():
    with pytest.raises(TypeError, match="heavy: requests must be a Resources"):

        @task(requests={"cpu": "1"})
        def heavy(x: int) -> int:
            return x


def test_flytekit_options_that_do_nothing_here_are_accepted_with_one_warning_naming_them():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        @task(container_image="ghcr.io/x:1", interruptible=True)
        def portable(x: int) -> int:
            return x + 1

    assert portable(x=1) == 2
    (warning,) = caught
    assert "portable: flytekit option(s) container_image, interruptible have no effect" in str(
        warning.message
    )


def test_kwtypes_is_names_to_types_in_order():
    assert list(kwtypes(b=int, a=str).items()) == [("b", int), ("a", str)]


def test_current_context_inside_a_task_has_an_execution_id_and_a_working_directory():
    seen = {}

    @task
    def look() -> str:
        context = current_context()
        seen["folder"] = context.working_directory
        seen["name"] = context.execution_id.name
        return context.task_name

    assert look() == "look"
    assert seen["name"].startswith("local-")
    assert seen["folder"]


def test_a_call_gets_its_working_directory_only_when_it_asks_for_one():
    """Most tasks never touch it; a packed instance of many nodes would otherwise make a folder
    for each."""
    from airflow_dynflow.core.context.execution_context import _process_folder

    @task
    def quiet(x: int) -> int:
        return x + 1

    @task
    def asks(x: int) -> str:
        return current_context().working_directory

    def made() -> set[str]:
        return set(os.listdir(_process_folder(os.getpid())))

    before = made()
    assert quiet(x=1) == 2
    assert made() == before
    folder = asks(x=1)
    assert made() == before | {os.path.basename(folder)}
    assert os.path.isdir(folder)


def test_create_node_gives_outputs_by_name_and_orders_with_rshift():
    @task
    def pair(x: int) -> typing.Tuple[int, int]:
        return x, x + 1

    @workflow
    def wf(x: int) -> int:
        first = create_node(pair, x=x)
        second = create_node(ex.double, x=first.o1)
        first >> second
        return second.o0

    assert wf(x=1) == 4
    assert wf.spec.nodes[1].after == (0,)
    assert run_spec(wf.spec, {"x": 2}) == {"o0": 6}
