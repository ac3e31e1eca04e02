"""Workflows: traced at decoration into a spec, run locally by the reference runner."""

import typing

import pytest

from airflow_dynflow import Promise, PromiseError, TypeMismatchError, task, workflow
from airflow_dynflow.core.spec import Const
from tests import entities as ex


def test_workflow_call_outside_any_workflow_returns_native_value():
    assert ex.add_then_double(a=2, b=3) == 10


def test_workflow_spec_has_one_node_per_task_call():
    assert [n.task for n in ex.add_then_double.spec.nodes] == ["add", "double"]


def test_multiple_outputs_come_back_as_named_tuple():
    result = ex.two_outputs(x=4)
    assert result == (8, "4")
    assert result._fields == ("o0", "o1")


def test_no_output_workflow_returns_none():
    assert ex.no_output(x=1) is None


def test_nested_workflow_is_inlined_as_a_group():
    groups = [n.group for n in ex.nested.spec.nodes]
    assert groups == ["add_then_double", "add_then_double", "add_then_double_2", "add_then_double_2"]
    assert ex.nested(a=1) == ((1 + 1) * 2 + 1) * 2


def test_with_overrides_applies_to_that_node_only():
    @workflow
    def wf(x: int) -> int:
        a = ex.double(x=x).with_overrides(retries=3, timeout=10, name="first")
        return ex.double(x=a)

    first, second = wf.spec.nodes
    assert (first.options.retries, first.options.timeout, first.options.name) == (3, 10.0, "first")
    assert second.options.retries is None
    assert wf(x=1) == 4


def test_with_overrides_returns_the_promise():
    seen = []

    @workflow
    def wf(x: int) -> int:
        p = ex.double(x=x)
        seen.append((p, p.with_overrides(retries=1)))
        return p

    assert seen[0][0] is seen[0][1]


def test_with_overrides_on_a_call_of_several_outputs_still_unpacks():
    """As flytekit's create_task_output (promise.py): the tuple of a multi-output call takes
    with_overrides, applies it to the call's node and returns itself."""

    @workflow
    def wf(x: int) -> str:
        _, s = ex.split(x=x).with_overrides(retries=2, name="halves")
        return ex.shout(s=s)

    first, _ = wf.spec.nodes
    assert (first.options.retries, first.options.name) == (2, "halves")
    assert wf(x=3) == "3"


def test_a_named_tuple_call_result_with_overrides_keeps_its_class_and_fields():
    seen = []

    @workflow
    def wf(values: list[int]) -> float:
        result = ex.stats(values=values)
        seen.append((result, result.with_overrides(retries=1)))
        return result.mean

    result, overridden = seen[0]
    assert overridden is result
    assert isinstance(result, ex.Stats)
    assert repr(result).startswith("Stats(count=Promise(stats.count")
    assert wf(values=[1, 2]) == 1.5


def test_rshift_from_a_call_of_several_outputs_orders_the_next_call():
    @workflow
    def wf(x: int) -> int:
        pair = ex.split(x=x)
        later = ex.double(x=x)
        pair >> later
        return later

    assert wf.spec.nodes[1].after == (0,)


def test_with_overrides_refuses_unknown_options():
    with pytest.raises(TypeError, match="unexpected option"):

        @workflow
        def wf(x: int) -> int:
            return ex.double(x=x).with_overrides(colour="red")


def test_rshift_orders_calls_without_data_flow():
    @workflow
    def wf(x: int) -> int:
        later = ex.double(x=x)
        first = ex.side_effect(x=x)
        first >> later
        return later

    nodes = wf.spec.nodes
    assert [n.task for n in nodes] == ["side_effect", "double"]
    assert nodes[1].after == (0,)
    assert wf(x=2) == 4


def test_rshift_cycle_is_refused():
    from airflow_dynflow import SpecError

    with pytest.raises(SpecError, match="cycle"):

        @workflow
        def wf(x: int) -> int:
            a = ex.double(x=x)
            b = ex.double(x=a)
            b >> a
            return b


def test_workflow_inputs_are_validated_locally():
    from airflow_dynflow import TypeMismatchError

    with pytest.raises(TypeMismatchError, match=r"add_then_double: input 'a' expects int, got str"):
        ex.add_then_double(a="1")


def test_map_task_in_workflow_maps_each_element():
    assert ex.mapped(xs=[1, 2, 3]) == [2, 4, 6]


def test_map_task_with_partial_binds_constants():
    assert ex.mapped_partial(xs=[1, 2]) == [11, 12]


def test_list_of_promises_fans_in():
    @workflow
    def wf(a: int, b: int) -> int:
        return ex.total(values=[ex.double(x=a), ex.double(x=b), 5])

    assert wf(a=1, b=2) == 11


def test_dict_of_promises_fans_in():
    @workflow
    def wf(a: int) -> typing.Dict[str, int]:
        return {"doubled": ex.double(x=a), "plain": a}

    assert wf(a=2) == {"doubled": 4, "plain": 2}


def test_passthrough_output_of_an_input():
    @workflow
    def wf(a: int) -> int:
        return a

    assert wf(a=7) == 7


def test_failure_in_workflow_keeps_type_and_names_the_node():
    @workflow
    def wf(x: int) -> int:
        return ex.fail_on(x=ex.double(x=x), bad=2)

    with pytest.raises(ValueError, match="refusing 2") as info:
        wf(x=1)
    assert info.value.dynflow_path == ("wf", "fail_on[n1]")


def test_rshift_orders_calls_that_return_nothing():
    @task
    def first() -> None: ...

    @task
    def second() -> None: ...

    @workflow
    def wf() -> None:
        first() >> second()

    assert [node.after for node in wf.spec.nodes] == [(), (0,)]
    assert wf() is None


def test_rshift_after_a_sub_workflow_waits_for_all_its_nodes():
    @task
    def step() -> None: ...

    @workflow
    def sub() -> None:
        step()
        step()

    @workflow
    def wf() -> None:
        sub() >> step()

    assert wf.spec.nodes[2].after == (0, 1)


def test_rshift_before_a_sub_workflow_holds_back_every_node_of_it():
    @task
    def step() -> None: ...

    @workflow
    def sub() -> None:
        step()
        step()

    @workflow
    def wf() -> None:
        first = step()
        first >> sub()

    assert [node.after for node in wf.spec.nodes] == [(), (0,), (0,)]


@workflow
def seven() -> int:
    return 7


class Pair(typing.NamedTuple):
    b: int
    c: str


@workflow
def constant_pair() -> Pair:
    return Pair(3, "bar")


def test_a_sub_workflow_returning_a_constant_gives_its_caller_a_promise():
    """As a flytekit sub-workflow call, which is a node and gives promises whatever its body returns."""
    seen = []

    @workflow
    def wf() -> int:
        seen.append(seven())
        return seen[0]

    assert isinstance(seen[0], Promise)
    assert wf() == 7


def test_a_constant_from_a_sub_workflow_is_passed_on_as_that_constant():
    @workflow
    def wf() -> int:
        return ex.double(x=seven())

    (node,) = wf.spec.nodes
    assert node.inputs == {"x": Const(7)}
    assert wf() == 14


def test_a_constant_from_a_sub_workflow_is_checked_as_the_value_it_is():
    @workflow
    def ratio() -> float:
        return 2.5

    with pytest.raises(TypeMismatchError, match=r"double: input 'x' expects int, got float \(2.5\)"):

        @workflow
        def wf() -> int:
            return ex.double(x=ratio())


def test_a_sub_workflow_named_tuple_of_constants_unpacks_into_promises():
    @workflow
    def wf() -> tuple[int, str]:
        b, c = constant_pair()
        return ex.double(x=b), ex.shout(s=c)

    assert tuple(wf()) == (6, "BAR")


def test_an_item_of_a_constant_from_a_sub_workflow_is_that_item():
    @workflow
    def primes() -> list[int]:
        return [2, 3, 5]

    @workflow
    def wf() -> int:
        return ex.double(x=primes()[1])

    assert wf.spec.nodes[0].inputs == {"x": Const(3)}


def test_rshift_after_a_sub_workflow_returning_a_constant_waits_for_its_nodes():
    @workflow
    def sub(x: int) -> int:
        ex.side_effect(x=x)
        return 1

    @workflow
    def wf(x: int) -> int:
        later = ex.double(x=x)
        sub(x=x) >> later
        return later

    assert wf.spec.nodes[1].after == (0,)


def test_with_overrides_on_a_constant_from_a_sub_workflow_is_refused():
    with pytest.raises(PromiseError, match="output 'o0' of seven is a constant its body returns"):

        @workflow
        def wf() -> int:
            return seven().with_overrides(retries=2)
