"""Static relations between annotations: certain mistakes refused while tracing, the rest let through."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, NamedTuple, Optional, Tuple, Union

import pydantic
import pytest

from airflow_dynflow.core.conversion.type_relations import describe_value, is_assignable, member_type


class Base:
    pass


class Derived(Base):
    pass


class Pair(NamedTuple):
    left: int
    right: str


@dataclasses.dataclass
class Point:
    x: int
    y: float


class Model(pydantic.BaseModel):
    name: str
    tags: List[str]


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        (int, int),
        (Any, int),
        (int, Any),
        (int, float),
        (bool, bool),
        (Derived, Base),
        (int, Optional[int]),
        (int, int | None),
        (Union[int, str], Union[str, int, None]),
        (List[int], List[float]),
        (list[int], List[int]),
        (Dict[str, List[int]], Dict[str, List[int]]),
        (Tuple[int, str], Tuple[int, str]),
        (list, List[int]),
        (List[int], list),
    ],
)
def test_a_value_of_the_source_type_certainly_fits_the_destination(src, dst):
    assert is_assignable(src, dst)


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        (str, int),
        (float, int),
        (Base, Derived),
        (bool, int),
        (int, bool),
        (Optional[int], int),
        (Union[int, str], int),
        (List[str], List[int]),
        (Dict[str, int], Dict[str, str]),
        (Tuple[int, str], Tuple[int]),
        (List[int], Dict[str, int]),
        (list, dict),
    ],
)
def test_a_certain_mismatch_is_refused(src, dst):
    assert not is_assignable(src, dst)


def test_a_bare_generic_against_a_parameterised_one_is_left_to_the_run_time_check():
    assert is_assignable(Tuple, Tuple[int, str])
    assert is_assignable(Tuple[int, str], Tuple)


@pytest.mark.parametrize(
    ("tp", "key", "member"),
    [
        (List[int], 0, int),
        (list[str], -1, str),
        (Tuple[int, str], 1, str),
        (Tuple[int, str], -1, str),
        (Tuple[float, ...], 7, float),
        (Dict[str, Point], "anything", Point),
        (Pair, "right", str),
        (Pair, 0, int),
        (Point, "y", float),
        (Model, "tags", List[str]),
    ],
)
def test_the_member_type_follows_the_declared_type(tp, key, member):
    assert member_type(tp, key) == member


@pytest.mark.parametrize(("tp", "key"), [(Any, "x"), (list, 3), (Tuple, 0), (Dict, "k"), (Base, "x")])
def test_a_member_that_cannot_be_known_statically_is_any(tp, key):
    assert member_type(tp, key) is Any


@pytest.mark.parametrize(
    ("tp", "key", "message"),
    [
        (List[int], "x", "a list is indexed by position, not by 'x'"),
        (Tuple[int, str], "x", "a tuple is indexed by position, not by 'x'"),
        (Tuple[int, str], 2, "index 2 is out of range for 2 elements"),
        (Tuple[int, str], -3, "index -3 is out of range for 2 elements"),
        (Point, "z", "Point has no field 'z'"),
        (Model, "nam", "Model has no field 'nam'"),
    ],
)
def test_a_member_that_certainly_does_not_exist_is_refused(tp, key, message):
    with pytest.raises(LookupError) as caught:
        member_type(tp, key)
    assert str(caught.value) == message


def test_a_dataclass_with_unresolvable_hints_lets_any_member_through():
    @dataclasses.dataclass
    class Later:
        x: Undefined  # noqa: F821

    assert member_type(Later, "whatever") is Any


def test_a_value_is_described_by_its_type_then_its_repr():
    assert describe_value("5") == "str ('5')"
    assert describe_value(Point(1, 2.0)) == "Point (Point(x=1, y=2.0))"


def test_a_long_repr_is_cut_to_forty_characters():
    text = describe_value(list(range(100)))
    assert text == "list ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11...)"
    assert len(text) == len("list ()") + 40
