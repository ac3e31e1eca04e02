"""HashMethod: ``Annotated[T, HashMethod(fn)]`` on an output is ``T`` everywhere, except that a cached
consumer's key uses ``fn(value)``, computed once when the output is produced."""

from __future__ import annotations

import typing
from typing import Annotated, NamedTuple

import pytest

from airflow_dynflow import HashMethod, InterfaceError, TypeMismatchError, dynamic, task, workflow
from airflow_dynflow.core.conversion.converters import converter_for
from airflow_dynflow.core.conversion.output_cache import cache_key, local_cache

HASHED: list[list[int]] = []


def by_length(values: typing.List[int]) -> str:
    HASHED.append(values)
    return str(len(values))


@task
def numbers(n: int, start: int) -> Annotated[typing.List[int], HashMethod(by_length)]:
    return list(range(start, start + n))


class Pair(NamedTuple):
    hashed: Annotated[typing.List[int], HashMethod(by_length)]
    plain: int


@task
def pair(n: int, start: int) -> Pair:
    return Pair(list(range(start, start + n)), n)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    """The local cache lives as long as the process; every test starts from an empty one."""
    HASHED.clear()
    local_cache().clear()


def counted_total() -> tuple[typing.Any, list[list[int]]]:
    calls: list[list[int]] = []

    @task(cache=True, cache_version="1")
    def total(values: typing.List[int]) -> int:
        calls.append(values)
        return sum(values)

    return total, calls


def test_an_annotated_output_is_its_type_for_checks_and_schema():
    (param,) = numbers.interface.outputs.values()
    assert param.tp == typing.List[int]
    assert param.converter.schema() == converter_for(typing.List[int]).schema()
    assert numbers(n=2, start=1) == [1, 2]

    @task
    def wrong() -> Annotated[int, HashMethod(str)]:
        return "3"  # type: ignore[return-value]

    with pytest.raises(TypeMismatchError, match=r"wrong: output 'o0' expects int, got str"):
        wrong()


def test_a_promise_of_an_annotated_output_fits_an_input_of_its_type():
    total, _ = counted_total()

    @workflow
    def wf(n: int) -> int:
        return total(values=numbers(n=n, start=0))

    assert wf(n=3) == 3

    @task
    def takes_str(s: str) -> str:
        return s

    with pytest.raises(TypeMismatchError, match="expects str, got a promise of List"):

        @workflow
        def bad(n: int) -> str:
            return takes_str(s=numbers(n=n, start=0))


def test_a_cached_consumer_hits_when_the_hash_matches_though_the_value_differs():
    total, calls = counted_total()

    @workflow
    def wf(n: int, start: int) -> int:
        return total(values=numbers(n=n, start=start))

    assert wf(n=3, start=0) == 3
    assert wf(n=3, start=10) == 3  # [10, 11, 12] hashes like [0, 1, 2]: the cached 3
    assert calls == [[0, 1, 2]]
    assert wf(n=4, start=0) == 6  # another length, another hash: a miss
    assert calls == [[0, 1, 2], [0, 1, 2, 3]]


def test_the_hash_is_computed_once_when_the_output_is_produced():
    total, _ = counted_total()

    @workflow
    def wf(n: int) -> typing.Tuple[int, int]:
        values = numbers(n=n, start=0)
        return total(values=values), total(values=values)

    assert wf(n=2) == (1, 1)
    assert HASHED == [[0, 1]]


def test_a_named_output_carries_its_hash_and_the_others_do_not():
    total, calls = counted_total()

    @task(cache=True, cache_version="1")
    def plain(x: int) -> int:
        calls.append([x])
        return x

    @workflow
    def wf(n: int, start: int) -> typing.Tuple[int, int]:
        p = pair(n=n, start=start)
        return total(values=p.hashed), plain(x=p.plain)

    assert wf(n=2, start=0) == (1, 2)
    assert wf(n=2, start=5) == (1, 2)
    assert calls == [[0, 1], [2]]


def test_a_part_of_a_hashed_output_is_a_new_value_without_the_hash():
    total, calls = counted_total()

    @task
    def nested(start: int) -> Annotated[typing.Dict[str, typing.List[int]], HashMethod(lambda v: "same")]:
        return {"v": [start]}

    @workflow
    def wf(start: int) -> int:
        return total(values=nested(start=start)["v"])

    assert wf(start=1) == 1
    assert wf(start=2) == 2
    assert calls == [[1], [2]]


def test_a_dynamic_carries_the_hash_between_its_nodes():
    total, calls = counted_total()

    @dynamic
    def dyn(start: int) -> int:
        return total(values=numbers(n=2, start=start))

    assert dyn(start=0) == 1
    assert dyn(start=7) == 1
    assert calls == [[0, 1]]


def test_the_cache_key_uses_the_hash_instead_of_the_value():
    total, _ = counted_total()
    key = cache_key("ref", "1", total.interface, {"values": [1, 2]})
    assert key != cache_key("ref", "1", total.interface, {"values": [3, 4]})
    hashed = cache_key("ref", "1", total.interface, {"values": [1, 2]}, {"values": "h"})
    assert hashed == cache_key("ref", "1", total.interface, {"values": [3, 4]}, {"values": "h"})
    assert hashed != key


def test_a_hash_method_that_is_not_a_function_is_refused_at_decoration():
    with pytest.raises(InterfaceError, match=r"bad: output 'o0' has HashMethod\('nope'\)"):

        @task
        def bad() -> Annotated[int, HashMethod("nope")]:  # type: ignore[arg-type]
            return 1
