"""Retries, timeouts and the cache are honoured by local runs too."""

import logging
import time

import pytest

from airflow_dynflow import task, workflow
from airflow_dynflow.core.authoring.call_policy import run_with_policy
from airflow_dynflow.core.conversion.output_cache import MemoryCache, local_cache
from airflow_dynflow.core.options import NO_OPTIONS


def test_retries_rerun_a_failing_task():
    attempts = []

    @task(retries=2)
    def flaky(x: int) -> int:
        attempts.append(x)
        if len(attempts) < 3:
            raise ConnectionError("try again")
        return x

    assert flaky(x=5) == 5
    assert len(attempts) == 3


def test_error_surfaces_once_retries_are_spent():
    attempts = []

    @task(retries=1)
    def broken(x: int) -> int:
        attempts.append(x)
        raise ConnectionError("down")

    with pytest.raises(ConnectionError, match="down"):
        broken(x=1)
    assert len(attempts) == 2


def test_node_override_of_retries_wins():
    attempts = []

    @task
    def flaky(x: int) -> int:
        attempts.append(x)
        if len(attempts) < 2:
            raise ConnectionError("again")
        return x

    @workflow
    def wf(x: int) -> int:
        return flaky(x=x).with_overrides(retries=1)

    assert wf(x=3) == 3


def test_type_errors_are_not_retried():
    attempts = []

    @task(retries=3)
    def wrong(x: int) -> int:
        attempts.append(x)
        return "no"  # type: ignore[return-value]

    with pytest.raises(TypeError):
        wrong(x=1)
    assert len(attempts) == 1


def test_timeout_interrupts_a_slow_task():
    @task(timeout=0.2)
    def slow(x: int) -> int:
        time.sleep(5)
        return x

    with pytest.raises(TimeoutError, match="slow timed out after 0.2 s"):
        slow(x=1)


def test_cache_hit_skips_the_function():
    calls = []

    @task(cache=True, cache_version="1")
    def expensive(x: int) -> list[int]:
        calls.append(x)
        return [x]

    local_cache().clear()
    assert expensive(x=2) == [2]
    assert expensive(x=2) == [2]
    assert calls == [2]


def test_cache_is_keyed_by_inputs():
    calls = []

    @task(cache=True, cache_version="1")
    def expensive(x: int) -> int:
        calls.append(x)
        return x

    local_cache().clear()
    expensive(x=1)
    expensive(x=2)
    assert calls == [1, 2]


def test_cache_is_keyed_by_version():
    calls = []

    def make(version):
        @task(cache=True, cache_version=version)
        def expensive(x: int) -> int:
            calls.append(version)
            return x

        return expensive

    local_cache().clear()
    make("1")(x=1)
    make("2")(x=1)
    assert calls == ["1", "2"]


def test_cache_hit_returns_a_fresh_copy():
    @task(cache=True, cache_version="1")
    def listing(x: int) -> list[int]:
        return [x]

    local_cache().clear()
    first = listing(x=1)
    first.append(99)
    assert listing(x=1) == [1]


def test_task_cannot_mutate_its_callers_value():
    @task
    def mutate(values: list[int]) -> int:
        values.append(1)
        return len(values)

    mine = [0]
    assert mutate(values=mine) == 2
    assert mine == [0]


class CountingCache(MemoryCache):
    """A cache that counts its lookups."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def get(self, key: str) -> str | None:
        self.lookups += 1
        return super().get(key)


def test_a_cached_call_looks_the_cache_up_once_and_says_whether_it_hit(caplog):
    @task(cache=True, cache_version="1")
    def square(n: int) -> int:
        return n * n

    cache = CountingCache()
    said = []
    for _ in range(2):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="airflow_dynflow"):
            outputs = run_with_policy(
                "square", square.body, square.interface, {"n": 3}, NO_OPTIONS, (cache, "ref", "1")
            )
        said.append([r.getMessage() for r in caplog.records])
        assert outputs == {"o0": 9}
    assert cache.lookups == 2
    assert said == [
        ["square: cache miss (version 1)"],
        ["square: cache hit (version 1): the function is not run"],
    ]
