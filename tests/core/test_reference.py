"""reference_task / reference_launch_plan: installed code by dotted path or launch-plan name."""

import pytest

from airflow_dynflow import InterfaceError, reference_launch_plan, reference_task, workflow
from tests.core import reference_targets


def test_a_reference_task_is_the_installed_task_at_its_dotted_path():
    @reference_task(project="p", domain="d", name="tests.core.reference_targets.inc", version="v1")
    def inc(x: int) -> int: ...

    assert inc is reference_targets.inc
    assert inc(x=1) == 2


def test_a_reference_task_is_a_node_of_a_workflow():
    @reference_task(project="p", domain="d", name="tests.core.reference_targets.inc", version="v1")
    def inc(x: int) -> int: ...

    @workflow
    def wf(x: int) -> int:
        return inc(x=x)

    assert wf.spec.tasks[wf.spec.nodes[0].task].ref == reference_targets.inc.origin.ref
    assert wf(x=4) == 5


def test_a_reference_whose_interface_differs_fails_at_definition_naming_the_difference():
    with pytest.raises(InterfaceError, match="input x declared str, is int"):

        @reference_task(project="p", domain="d", name="tests.core.reference_targets.inc", version="v1")
        def inc(x: str) -> int: ...


def test_a_reference_whose_outputs_differ_fails_at_definition():
    with pytest.raises(InterfaceError, match=r"outputs declared \(str\), is \(int\)"):

        @reference_task(project="p", domain="d", name="tests.core.reference_targets.inc", version="v1")
        def inc(x: int) -> str: ...


def test_a_reference_to_a_module_that_is_not_installed_says_what_to_use_instead():
    with pytest.raises(ValueError, match="ModuleNotFoundError.*dotted path 'package.module.entity'"):

        @reference_task(project="p", domain="d", name="core.basic.hello_world.say_hello", version="v1")
        def say_hello(name: str) -> str: ...


def test_a_reference_task_to_a_plain_function_is_refused():
    with pytest.raises(TypeError, match="a @task or @dynamic was expected there, found function"):

        @reference_task(project="p", domain="d", name="tests.core.reference_targets.not_a_task", version="v1")
        def not_a_task(x: int) -> int: ...


def test_a_reference_launch_plan_by_name_is_that_plan_with_its_defaults():
    @reference_launch_plan(project="p", domain="d", name="reference_targets_twice_lp", version="v1")
    def twice_lp(x: int) -> int: ...

    assert twice_lp is reference_targets.twice_from_ten
    assert twice_lp() == 12


def test_a_reference_launch_plan_by_dotted_path_to_a_workflow_is_that_workflow():
    @reference_launch_plan(project="p", domain="d", name="tests.core.reference_targets.twice", version="v1")
    def twice(x: int) -> int: ...

    @workflow
    def wf(x: int) -> int:
        return twice(x=x)

    assert wf(x=0) == 2


def test_a_reference_launch_plan_that_names_nothing_says_what_to_use_instead():
    with pytest.raises(ValueError, match="the name given to LaunchPlan.get_or_create"):

        @reference_launch_plan(project="p", domain="d", name="no_such_plan", version="v1")
        def plan(x: int) -> int: ...
