"""conditional(...): the case taken runs, the others never do; misuse fails as in flytekit."""

from __future__ import annotations

import json
import typing

import pytest

from airflow_dynflow import (
    ConditionalError,
    ConditionFailedError,
    PromiseError,
    SpecError,
    TypeMismatchError,
    conditional,
    dynamic,
    task,
    workflow,
)
from airflow_dynflow.core.authoring.local_runner import run_spec
from airflow_dynflow.core.wire.spec_read import load_spec
from airflow_dynflow.core.wire.spec_write import dump_spec
from tests import entities as ex
from tests.core.test_spec_json import resign, spec_dict

calls: list[str] = []


@task
def record(tag: str) -> str:
    calls.append(tag)
    return tag


@pytest.mark.parametrize(("x", "expected"), [(5, "POSITIVE"), (0, "ZERO"), (-2, "NEGATIVE")])
def test_the_first_case_whose_condition_holds_is_taken(x, expected):
    assert ex.sign_of(x=x) == expected


def test_only_the_case_taken_runs():
    calls.clear()

    @workflow
    def wf(x: int) -> str:
        return conditional("c").if_(x > 1).then(record(tag="big")).else_().then(record(tag="small"))

    assert wf(x=3) == "big"
    assert calls == ["big"]


def test_a_fail_case_raises_a_value_error_with_its_message():
    with pytest.raises(ConditionFailedError, match="out of range") as info:
        ex.checked_half(x=11.0)
    assert isinstance(info.value, ValueError)
    assert ex.checked_half(x=4.0) == 2.0


def test_a_conditional_of_several_outputs_returns_a_tuple():
    assert tuple(ex.two_way_split(x=4)) == (4, "4")
    assert tuple(ex.two_way_split(x=1)) == (2, "2")


def test_a_conditional_of_calls_that_return_nothing_returns_nothing():
    assert ex.void_case(x=5) is None


def test_a_conditional_in_a_dynamic_is_decided_per_input_at_run_time():
    assert ex.signs(xs=[1, 0, -1]) == ["POSITIVE", "ZERO", "NEGATIVE"]


def test_a_boolean_and_an_optional_promise_have_is_true_and_is_none():
    @task
    def maybe(x: int) -> typing.Optional[int]:
        return x if x > 0 else None

    @task
    def is_even(x: int) -> bool:
        return x % 2 == 0

    @workflow
    def wf(x: int) -> str:
        none = conditional("none").if_(maybe(x=x).is_none()).then(ex.shout(s="none")).else_()
        return none.then(
            conditional("even")
            .if_(is_even(x=x).is_false())
            .then(ex.shout(s="odd"))
            .else_()
            .then(ex.shout(s="even"))
        )

    assert [wf(x=x) for x in (-1, 3, 4)] == ["NONE", "ODD", "EVEN"]


def test_the_spec_of_a_conditional_round_trips_and_runs_the_same():
    spec = load_spec(dump_spec(ex.sign_of.spec))
    assert dump_spec(spec) == dump_spec(ex.sign_of.spec)
    assert run_spec(spec, {"x": 0}) == {"o0": "ZERO"}


@dynamic
def many_conditionals(n: int) -> int:
    x = ex.add(a=0, b=1)
    for i in range(n):
        case = conditional(f"c{i}").if_(x < 3).then(ex.add(a=x, b=1)).elif_(x < 5).then(ex.add(a=x, b=1))
        x = case.else_().then(ex.add(a=x, b=1))
    return x


def test_each_select_keeps_its_own_task_key_however_many_conditionals_a_body_builds():
    """A decide node's entity is replaced case by case; the replaced ones used to be freed, and a
    select entity allocated at the same address took their task key (and its interface)."""
    for _ in range(5):  # the address reuse that broke it is likely, not certain, in any one body
        spec = many_conditionals.compile(n=200)
        kinds = {spec.tasks[node.task].kind for node in spec.nodes if "branch" in node.inputs}
        assert kinds == {"select"}
    assert run_spec(load_spec(dump_spec(spec)), {"n": 200}) == {"o0": 201}


def test_nodes_of_a_case_carry_its_guard_in_the_spec():
    nodes = spec_dict(ex.sign_of.spec)["nodes"]
    assert [n.get("w") for n in nodes] == [None, [0, 0], [0, 1], [0, 2], None]


def test_a_spec_guarding_a_node_with_a_missing_case_is_refused():
    data = spec_dict(ex.sign_of.spec)
    data["nodes"][1]["w"] = [0, 7]
    with pytest.raises(SpecError, match="no such case"):
        load_spec(resign(data))


def test_a_spec_whose_condition_reads_an_unknown_operand_is_refused():
    data = spec_dict(ex.sign_of.spec)
    data["tasks"]["sign"]["conditions"][0]["l"] = {"in": "x9"}
    with pytest.raises(SpecError, match="malformed"):
        load_spec(resign(data))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda x: conditional("c").if_(x), "compare it"),
        (lambda x: conditional("c").if_("yes"), "takes a comparison"),
        (lambda x: conditional("c").if_(x == [1]), "constants"),
        (lambda x: conditional("c").else_(), "else_"),
        (lambda x: conditional("c").if_(x > 1).then(ex.double(x=x)).then(ex.double(x=x)), "then"),
        (lambda x: conditional("c").if_(x > 1).then(5), "then\\(\\) takes the promise"),
        (lambda x: conditional("c").if_(x > 1).then(ex.double(x=x)), "never finished"),
    ],
    ids=[
        "bare promise",
        "not a condition",
        "list constant",
        "else first",
        "then twice",
        "then(5)",
        "no else",
    ],
)
def test_a_misbuilt_conditional_raises_an_assertion_error_as_flytekit_does(build, message):
    with pytest.raises(ConditionalError, match=message) as info:

        @workflow
        def wf(x: int) -> int:
            build(x)
            return x

    assert isinstance(info.value, AssertionError)


def test_a_conditional_outside_a_body_is_refused():
    with pytest.raises(ConditionalError, match="inside a @workflow or @dynamic"):
        conditional("c")


def test_python_and_between_conditions_is_refused():
    with pytest.raises(PromiseError, match="'&' and '\\|'"):

        @workflow
        def wf(x: int) -> int:
            return conditional("c").if_((x > 1) and (x < 5)).then(ex.double(x=x)).else_().then(ex.double(x=x))


def test_a_promise_made_in_a_case_cannot_be_used_after_the_conditional():
    with pytest.raises(PromiseError, match="only exists when c, case 0 is taken"):

        @workflow
        def wf(x: int) -> int:
            case = conditional("c").if_(x > 1)
            inside = ex.double(x=x)
            case.then(inside).else_().then(ex.double(x=x))
            return inside

    # made before the conditional, the same promise is fine
    @workflow
    def fine(x: int) -> int:
        before = ex.double(x=x)
        conditional("c").if_(x > 1).then(ex.double(x=before)).else_().then(ex.double(x=x))
        return before

    assert fine(x=3) == 6


def test_a_call_after_the_conditional_cannot_wait_on_a_call_inside_a_case():
    with pytest.raises(PromiseError, match="'>>' cannot make side_effect wait for double"):

        @workflow
        def wf(x: int) -> None:
            case = conditional("c").if_(x > 1)
            inside = ex.double(x=x)
            case.then(inside).else_().then(ex.double(x=x))
            inside >> ex.side_effect(x=x)


def test_an_elif_cannot_compare_a_promise_made_in_an_earlier_case():
    with pytest.raises(ConditionalError, match="made inside one of its own cases"):

        @workflow
        def wf(x: int) -> int:
            case = conditional("c").if_(x > 1)
            inside = ex.double(x=x)
            return case.then(inside).elif_(inside > 3).then(inside).else_().then(ex.double(x=x))


def test_cases_must_give_values_of_the_first_case_type():
    with pytest.raises(TypeMismatchError, match="conditional 'c'.*expects int, got a promise of str"):

        @workflow
        def wf(x: int) -> int:
            return conditional("c").if_(x > 1).then(ex.double(x=x)).else_().then(ex.shout(s="a"))


class SumDivSub(typing.NamedTuple):
    sum: int
    div: int
    sub: int


class SumSub(typing.NamedTuple):
    sum: int
    sub: int


@task
def sum_div_sub(a: int, b: int) -> SumDivSub:
    return SumDivSub(a + b, a // b, a - b)


@task
def sum_sub(a: int, b: int) -> SumSub:
    return SumSub(a + b, a - b)


def test_cases_giving_different_numbers_of_values_give_the_outputs_they_share():
    """flytekit's ConditionalSection.compute_output_vars (condition.py) keeps the output names every
    case gives: here ``o0``, taken from whichever case runs."""

    @workflow
    def wf(x: int) -> int:
        return conditional("c").if_(x > 1).then(ex.double(x=x)).else_().then(ex.split(x=x))

    assert (wf(x=3), wf(x=1)) == (6, 1)


def test_an_output_only_some_cases_give_is_left_out_by_name():
    """flytekit's test_conditions.py::test_condition_sub_workflows: "Flyte will only make `sum` and
    `sub` available as outputs because they are common between all branches"."""

    @workflow
    def wf(a: int, b: int) -> tuple[int, int]:
        total, difference = (
            conditional("c").if_(a > b).then(sum_div_sub(a=a, b=b)).else_().then(sum_sub(a=a, b=b))
        )
        return total, difference

    assert tuple(wf(a=6, b=2)) == (8, 4)
    assert tuple(wf(a=1, b=2)) == (3, -1)


def test_cases_of_different_sizes_sharing_no_output_name_give_nothing():
    """As flytekit's compute_output_vars: no common output name, so the conditional's result is void."""
    with pytest.raises(TypeMismatchError, match="got the result of c_result, which returns nothing"):

        @workflow
        def wf(x: int) -> int:
            result = conditional("c").if_(x > 1).then(ex.stats(values=[x])).else_().then(ex.double(x=x))
            return ex.double(x=result)


def test_cases_giving_as_many_values_fill_the_first_case_outputs_by_position():
    """As flytekit's local runs (LocalExecutedConditionalSection zips names and values), so a
    workflow input, which names no output, can be a case's value."""

    @workflow
    def wf(x: int) -> int:
        return conditional("c").if_(x > 1).then(ex.double(x=x)).else_().then(x)

    assert (wf(x=3), wf(x=1)) == (6, 1)


def test_a_dangling_if_inside_a_dynamic_is_refused_when_it_compiles():
    @task
    def one(x: int) -> int:
        return x

    from airflow_dynflow import dynamic

    @dynamic
    def dyn(x: int) -> int:
        conditional("c").if_(x > 1).then(one(x=x))
        return one(x=x)

    with pytest.raises(ConditionalError, match="never finished"):
        dyn(x=1)


def test_a_constant_condition_from_an_inlined_workflow_is_decided_like_any_other():
    # A workflow called inside a dynamic with plain values compares plain values: a bool.
    spec = ex.signs.compile(xs=[2])
    assert json.loads(dump_spec(spec))["tasks"]["sign"]["conditions"][0] == {"v": True}


class Sample(typing.NamedTuple):
    b: int
    c: str


@task
def sample() -> Sample:
    return Sample(5, "foo")


@workflow
def constant_sample() -> Sample:
    return Sample(3, "bar")


@workflow
def three() -> int:
    return 3


@workflow
def four() -> int:
    return 4


def test_a_sub_workflow_returning_a_constant_can_be_a_case():
    """flytekit's test_conditions.py::test_subworkflow_condition_named_tuple."""

    @workflow
    def branching(x: int) -> Sample:
        return conditional("test").if_(x == 2).then(sample()).else_().then(constant_sample())

    assert branching(x=2) == (5, "foo")
    assert branching(x=3) == (3, "bar")


@dynamic
def constant_cases(x: int) -> int:
    return conditional("c").if_(x == 2).then(four()).else_().then(three())


@pytest.mark.parametrize(("x", "expected"), [(2, 4), (3, 3)])
def test_a_dynamic_whose_cases_are_all_constants_survives_the_spec_json(x, expected):
    loaded = load_spec(dump_spec(constant_cases.compile(x=x)))
    assert run_spec(loaded, {}) == {"o0": expected}


def test_a_constant_from_a_sub_workflow_in_a_condition_is_compared_as_a_constant():
    @workflow
    def wf(x: int) -> int:
        return conditional("c").if_(three() > 2).then(ex.double(x=x)).else_().then(ex.add(a=x, b=1))

    decide = json.loads(dump_spec(wf.spec))["tasks"]["c"]
    assert decide["conditions"][0] == {"cmp": ">", "l": {"v": 3}, "r": {"v": 2}}
    assert wf(x=5) == 10
