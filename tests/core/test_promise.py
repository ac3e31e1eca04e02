"""Promises: every misuse fails at once with a message that names the task and the fix."""

import operator

import pytest

from airflow_dynflow import Promise, PromiseError, workflow
from tests import entities as ex

MISUSES = {
    "p + 1": lambda p: p + 1,
    "1 + p": lambda p: 1 + p,
    "p - 1": lambda p: p - 1,
    "p * 2": lambda p: p * 2,
    "p / 2": lambda p: p / 2,
    "p // 2": lambda p: p // 2,
    "p % 2": lambda p: p % 2,
    "p ** 2": lambda p: p**2,
    "-p": operator.neg,
    "abs(p)": abs,
    "if p": lambda p: 1 if p else 0,
    "bool(p)": bool,
    "not p": operator.not_,
    "len(p)": len,
    "int(p)": int,
    "float(p)": float,
    "iter(p)": iter,
    "list(p)": list,
    "unpacking": lambda p: [*p],
    "1 in p": lambda p: 1 in p,
    "f-string": lambda p: f"{p}",
    "range(p)": range,
    "p[1:2]": lambda p: p[1:2],
}


def trace_with(use):
    @workflow
    def wf(x: int) -> int:
        p = ex.double(x=x)
        use(p)
        return p

    return wf


@pytest.mark.parametrize("use", MISUSES.values(), ids=MISUSES.keys())
def test_misuse_raises_promise_error_naming_task_and_fix(use):
    with pytest.raises(PromiseError, match=r"double's output 'o0'.*Pass the promise to another task"):
        trace_with(use)


@pytest.mark.parametrize(
    "use",
    [lambda p: 1 if p == 1 else 0, lambda p: p < 1 and p > 0, lambda p: not p.is_true()],
    ids=["if p == 1", "p < 1 and p > 0", "not p.is_true()"],
)
def test_a_comparison_is_a_condition_whose_truth_value_is_refused(use):
    with pytest.raises(PromiseError, match=r"truth value of the condition \(Promise\(double\.o0.*if_"):
        trace_with(use)


def test_promise_error_is_both_type_error_and_value_error():
    assert issubclass(PromiseError, TypeError)
    assert issubclass(PromiseError, ValueError)


def test_task_call_in_workflow_returns_a_promise():
    seen = []

    @workflow
    def wf(x: int) -> int:
        p = ex.double(x=x)
        seen.append(p)
        return p

    assert isinstance(seen[0], Promise)


def test_index_key_and_field_access_resolve_at_run_time():
    assert ex.indexing(word="banana") == 3 + 2


def test_private_attribute_access_is_refused():
    @workflow
    def wf(x: int) -> int:
        p = ex.make_point(x=x, y=1)
        with pytest.raises(AttributeError):
            p._secret  # noqa: B018
        return ex.add(a=p.x, b=p.y)

    assert wf(x=1) == 2


def test_unknown_field_is_refused_while_tracing():
    with pytest.raises(PromiseError, match="Point has no field 'z'"):

        @workflow
        def wf(x: int) -> int:
            return ex.double(x=ex.make_point(x=x, y=1).z)


def test_promise_is_immutable():
    @workflow
    def wf(x: int) -> int:
        p = ex.double(x=x)
        with pytest.raises(AttributeError, match="immutable"):
            p.anything = 1
        return p

    assert wf(x=1) == 2


def test_promise_of_a_void_task_cannot_be_passed_on():
    with pytest.raises(TypeError, match="returns nothing"):

        @workflow
        def wf(x: int) -> int:
            return ex.double(x=ex.side_effect(x=x))


def test_passing_on_the_result_of_a_void_task_is_an_assertion_error_as_in_flytekit():
    """flytekit's test_promise.py::test_translate_inputs_to_literals_with_wrong_types expects an
    AssertionError for a VoidPromise passed to a task (promise.py raises one when binding it)."""
    with pytest.raises(AssertionError, match="double: input 'x' expects int, got the result of side_effect"):

        @workflow
        def wf(x: int) -> int:
            return ex.double(x=ex.side_effect(x=x))


def test_promise_from_another_workflow_is_refused():
    leaked = []

    @workflow
    def first(x: int) -> int:
        leaked.append(ex.double(x=x))
        return leaked[0]

    with pytest.raises(PromiseError, match="another workflow"):

        @workflow
        def second(x: int) -> int:
            return ex.double(x=leaked[0])


def test_static_type_mismatch_between_promise_and_input_fails_at_parse():
    from airflow_dynflow import TypeMismatchError

    with pytest.raises(
        TypeMismatchError, match=r"double: input 'x' expects int, got a promise of str from shout"
    ):

        @workflow
        def wf(s: str) -> int:
            return ex.double(x=ex.shout(s=s))


def test_int_promise_fits_a_float_input():
    @workflow
    def wf(x: int) -> float:
        return ex.halve(x=ex.double(x=x))

    assert wf(x=3) == 3.0
