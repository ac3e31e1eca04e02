"""What decoration accepts and refuses, before anything runs."""

import typing

import pytest

from airflow_dynflow import InterfaceError, TypeMismatchError, dynamic, task, workflow
from tests import entities as ex


def test_unannotated_input_is_refused_naming_task_and_argument():
    with pytest.raises(InterfaceError, match=r"f: input 'x' has no type annotation"):

        @task
        def f(x) -> int:
            return 1


def test_unannotated_input_is_a_type_error():
    assert issubclass(InterfaceError, TypeError)


def test_var_args_are_refused():
    with pytest.raises(InterfaceError, match=r"'\*args'"):

        @task
        def f(*args: int) -> int:
            return 1


def test_default_of_wrong_type_is_refused_at_decoration():
    with pytest.raises(TypeMismatchError, match=r"f: input 'x' expects int, got str \('one'\)"):

        @task
        def f(x: int = "one") -> int:  # type: ignore[assignment]
            return x


def test_single_output_is_named_o0():
    assert list(ex.add.interface.outputs) == ["o0"]


def test_tuple_output_becomes_namedtuple_with_o_fields():
    result = ex.split(x=3)
    assert result == (3, "3")
    assert result._fields == ("o0", "o1")
    assert result.o1 == "3"


def test_namedtuple_output_keeps_its_names():
    result = ex.stats(values=[1, 2, 3])
    assert isinstance(result, ex.Stats)
    assert result.mean == 2.0


def test_no_annotation_or_none_gives_no_output():
    @task
    def unannotated_return(x: int):
        return None

    assert ex.side_effect(x=1) is None
    assert unannotated_return(x=1) is None
    assert ex.side_effect.interface.outputs == {}


def test_negative_retries_are_refused():
    with pytest.raises(TypeError, match="retries must be a non-negative int"):

        @task(retries=-1)
        def f(x: int) -> int:
            return x


def test_cache_version_without_cache_is_refused():
    with pytest.raises(ValueError, match="cache=True"):

        @task(cache_version="1")
        def f(x: int) -> int:
            return x


def test_workflow_body_runs_once_at_decoration():
    calls = []

    @workflow
    def wf(x: int) -> int:
        calls.append(x)
        return ex.double(x=x)

    assert len(calls) == 1
    assert wf(x=2) == 4
    assert wf(x=3) == 6
    assert len(calls) == 1


def test_docstring_param_descriptions_are_kept():
    @task
    def f(x: int) -> int:
        """Do it.

        :param x: how many times
        """
        return x

    assert f.interface.inputs["x"].description == "how many times"


def test_dynamic_takes_task_options():
    @dynamic(retries=2, timeout=5)
    def d(x: int) -> int:
        return ex.double(x=x)

    assert d.options.retries == 2
    assert d.options.timeout == 5.0


def test_a_dynamic_may_pack_its_nodes_and_runs_the_same_locally():
    @dynamic(nodes_per_instance=50)
    def d(x: int) -> int:
        return ex.double(x=ex.double(x=x))

    assert d.nodes_per_instance == 50
    assert d(x=2) == 8


def test_packing_is_refused_on_a_task():
    with pytest.raises(TypeError, match="a @task is one node"):

        @task(nodes_per_instance=3)
        def f(x: int) -> int:
            return x


@pytest.mark.parametrize("value", [0, -1, 2.5, True, "4"])
def test_nodes_per_instance_must_be_a_positive_int(value):
    with pytest.raises(ValueError, match="nodes_per_instance must be an int of at least 1"):

        @dynamic(nodes_per_instance=value)
        def d(x: int) -> int:
            return ex.double(x=x)


def test_unresolvable_annotation_is_refused():
    with pytest.raises(InterfaceError, match="cannot resolve an annotation"):

        @task
        def f(x: "Missing") -> int:  # type: ignore[name-defined]  # noqa: F821
            return 1


def test_list_annotation_of_builtin_generic_is_accepted():
    @task
    def f(x: list[int]) -> typing.Optional[int]:
        return x[0] if x else None

    assert f(x=[]) is None
