"""@dynamic: compiled with real inputs and run as a spec, locally and on Airflow alike."""

import json

import pytest

from airflow_dynflow import Promise, Spec, dynamic
from airflow_dynflow.core.authoring.local_runner import run_spec
from airflow_dynflow.core.authoring.tracing import CompileLimits
from airflow_dynflow.core.errors import CompileLimitError
from airflow_dynflow.core.wire.spec_write import dump_spec
from tests import entities as ex


def test_local_call_compiles_the_body_so_task_calls_return_promises():
    seen = []

    @dynamic
    def d(n: int) -> int:
        value = ex.double(x=n)
        seen.append(value)
        return value

    assert d(n=3) == 6
    assert isinstance(seen[0], Promise)


def test_inputs_of_a_local_call_are_native_values():
    seen = []

    @dynamic
    def d(n: int) -> int:
        seen.append(n)
        return ex.double(x=n)

    assert d(n=3) == 6
    assert seen == [3]


def test_with_overrides_and_ordering_work_in_a_local_dynamic():
    @dynamic
    def d(n: int) -> int:
        first = ex.double(x=n).with_overrides(retries=2, name="twice")
        second = ex.add(a=n, b=1)
        first >> second
        return ex.add(a=first, b=second)

    assert d(n=3) == 10


def test_compile_returns_promises_inside_the_body():
    seen = []

    @dynamic
    def d(n: int) -> int:
        value = ex.double(x=n)
        seen.append(value)
        return value

    d.compile(n=3)
    assert isinstance(seen[0], Promise)


def test_compile_runs_no_node():
    calls = []

    @dynamic
    def d(n: int) -> int:
        calls.append(n)
        return ex.fail_on(x=n, bad=n)

    spec = d.compile(n=1)
    assert calls == [1]
    assert len(spec.nodes) == 1


def test_compile_gives_one_node_per_call():
    spec = ex.chain.compile(n=5)
    assert len(spec.nodes) == 5
    assert [n.task for n in spec.nodes] == ["add"] * 5


def test_compiled_spec_runs_to_the_local_result():
    assert run_spec(ex.chain.compile(n=6), {}) == {"o0": ex.chain(n=6)}


def test_compiling_with_other_inputs_gives_another_spec():
    assert dump_spec(ex.chain.compile(n=2)) != dump_spec(ex.chain.compile(n=3))


def test_same_inputs_give_the_same_spec_byte_for_byte():
    assert dump_spec(ex.fan.compile(n=20)) == dump_spec(ex.fan.compile(n=20))


def test_spec_has_nodes_and_json_text():
    spec = ex.fan.compile(n=3)
    assert len(spec.nodes) == 4
    assert json.loads(dump_spec(spec))["name"] == "fan"


def test_dynamic_that_creates_no_nodes():
    spec = ex.nothing.compile(n=4)
    assert spec.nodes == ()
    assert run_spec(spec, {}) == {"o0": 4}
    assert ex.nothing(n=4) == 4


def test_nested_dynamic_is_one_node_expanded_at_its_own_run_time():
    spec = ex.outer.compile(n=2)
    assert [(n.task, spec.tasks[n.task].kind) for n in spec.nodes] == [
        ("chain", "dynamic"),
        ("chain", "dynamic"),
        ("add", "task"),
    ]
    assert run_spec(spec, {}) == {"o0": ex.outer(n=2)}


def test_nested_dynamic_two_levels_deep_locally():
    assert ex.outer_outer(n=3) == 2 * (ex.chain(n=3) + ex.chain(n=4))


def test_nested_workflow_inside_dynamic_is_inlined_in_the_expansion():
    spec = ex.uses_workflow.compile(n=2)
    assert [(n.task, n.group) for n in spec.nodes] == [
        ("add", "add_then_double"),
        ("double", "add_then_double"),
        ("add", "add_then_double_2"),
        ("double", "add_then_double_2"),
    ]
    assert run_spec(spec, {}) == {"o0": ex.uses_workflow(n=2)} == {"o0": 6}


def test_dynamic_in_workflow_runs_locally():
    assert ex.seed_like(n=4) == 0 + 1 + 2 + 3


def test_failure_keeps_the_exception_type_and_names_the_node_path():
    with pytest.raises(ValueError, match="refusing 3") as info:
        ex.failing_chain(n=5, bad=3)
    assert info.value.dynflow_path == ("failing_chain", "fail_on[n6]")
    assert "dynflow node path: failing_chain -> fail_on[n6]" in info.value.__notes__


def test_local_node_ids_match_compiled_node_ids():
    spec = ex.failing_chain.compile(n=5, bad=3)
    assert spec.label(6) == "fail_on[n6]"


def test_failure_path_through_a_workflow_and_a_nested_dynamic():
    @dynamic
    def parent(n: int) -> int:
        return ex.failing_chain(n=n, bad=1)

    with pytest.raises(ValueError) as info:
        parent(n=3)
    assert info.value.dynflow_path == ("parent", "failing_chain[n0]", "fail_on[n2]")


def test_compile_checks_inputs():
    from airflow_dynflow import TypeMismatchError

    with pytest.raises(TypeMismatchError, match=r"chain: input 'n' expects int"):
        ex.chain.compile(n="3")


def test_compile_refuses_unknown_inputs():
    with pytest.raises(TypeError, match="unexpected keyword argument 'm'"):
        ex.chain.compile(n=1, m=2)


def test_promise_misuse_fails_the_same_locally_and_at_compile():
    from airflow_dynflow import PromiseError

    @dynamic
    def d(n: int) -> int:
        v = ex.double(x=n)
        return ex.double(x=v + 1)

    with pytest.raises(PromiseError, match="'\\+' on the promise of double's output 'o0'") as local:
        d(n=1)
    with pytest.raises(PromiseError) as compiled:
        d.compile(n=1)
    assert str(local.value) == str(compiled.value)


def test_branching_on_a_task_output_in_a_dynamic_is_refused_locally():
    from airflow_dynflow import PromiseError

    @dynamic
    def d(n: int) -> int:
        if ex.double(x=n):
            return ex.double(x=n)
        return n

    with pytest.raises(PromiseError, match="truth value"):
        d(n=1)


def test_spec_is_a_spec():
    assert isinstance(ex.chain.compile(n=1), Spec)


def test_a_node_cap_stops_the_body_at_the_first_node_past_it():
    added = []

    @dynamic
    def d(n: int) -> int:
        for i in range(n):
            added.append(i)
            ex.double(x=i)
        return ex.double(x=0)

    with pytest.raises(
        CompileLimitError, match=r"d: compiling stopped at node 11: .* at most 10 nodes"
    ) as caught:
        d.compile_within(CompileLimits(max_nodes=10), n=10**12)
    assert len(added) == 11
    assert (caught.value.limit, caught.value.value) == ("max_nodes", 10)


def test_a_body_within_its_node_cap_compiles():
    assert len(ex.chain.compile_within(CompileLimits(max_nodes=5), n=5).nodes) == 5


def test_a_compile_deadline_stops_a_body_that_keeps_adding_nodes():
    @dynamic
    def d(n: int) -> int:
        for i in range(n):
            ex.double(x=i)
        return ex.double(x=0)

    with pytest.raises(CompileLimitError, match=r"d: compiling stopped after 0.2 s") as caught:
        d.compile_within(CompileLimits(max_seconds=0.2), n=10**12)
    assert caught.value.limit == "max_seconds"


def test_an_input_named_limits_does_not_collide_with_the_compile_bounds():
    @dynamic
    def d(limits: int) -> int:
        return ex.double(x=limits)

    assert len(d.compile_within(CompileLimits(max_nodes=1), limits=3).nodes) == 1


def test_compile_takes_inputs_by_keyword_only():
    with pytest.raises(TypeError):
        ex.chain.compile(5)
