"""Test-only workflows: retries, the cache, large and pickled outputs, a too-wide map, conf checks."""

import datetime
import functools
import os
import typing
from pathlib import Path

from airflow_dynflow import conditional, dynamic, map_task, task, workflow  # airflow dag

CALLS = Path(os.environ.get("AIRFLOW_HOME", "/tmp")) / "calls"


def count_call(name: str) -> int:
    """How many times ``name`` ran in this test session, counted on disk across processes."""
    CALLS.mkdir(exist_ok=True)
    path = CALLS / name
    n = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(n))
    return n


@task(retries=2, retry_delay=0)
def flaky(token: str) -> str:
    if count_call(f"flaky-{token}") < 2:
        raise ConnectionError("first try always fails")
    return token


@workflow
def retrying(token: str) -> str:
    return flaky(token=token)


@task(cache=True, cache_version="1")
def expensive(x: int, token: str) -> int:
    count_call(f"expensive-{token}")
    return x * 10


@workflow
def cached(x: int, token: str) -> int:
    return expensive(x=x, token=token)


@task
def big(n: int) -> typing.List[int]:
    return list(range(n))


@task
def length(values: typing.List[int]) -> int:
    return len(values)


@workflow
def big_output(n: int = 20000) -> int:
    return length(values=big(n=n))


class Box:
    """Not a type pydantic can describe: it travels pickled through the blob store."""

    def __init__(self, value: int) -> None:
        self.value = value


@task
def pack(value: int) -> Box:
    return Box(value)


@task
def unpack(box: Box) -> int:
    return box.value


@workflow
def pickled(value: int = 7) -> int:
    return unpack(box=pack(value=value))


@task
def inc(x: int) -> int:
    return x + 1


@dynamic(nodes_per_instance=4)
def packed_chain(n: int) -> int:
    x = 0
    for _ in range(n):
        x = inc(x=x)
    return x


@workflow
def packed(n: int = 10) -> int:
    return packed_chain(n=n)


@workflow
def mapped_case(xs: typing.List[int] = [1, 2, 3], bump: bool = True) -> typing.List[int]:  # noqa: B006
    """A map task as one case of a conditional, a workflow input as the other."""
    return conditional("bump_or_not").if_(bump.is_true()).then(map_task(inc)(x=xs)).else_().then(xs)


@workflow
def too_wide(n: int = 1100) -> typing.List[int]:
    return map_task(inc)(x=big(n=n))


@workflow
def mapped_fifty(xs: typing.List[int] = list(range(50))) -> typing.List[int]:  # noqa: B006
    return map_task(functools.partial(inc))(x=xs)


@task
def sometimes(x: int) -> int:
    if x % 4 == 0:
        raise ValueError(f"{x} is divisible by 4")
    return x


@workflow
def tolerant(xs: typing.List[int] = list(range(1, 9))) -> typing.List[typing.Optional[int]]:  # noqa: B006
    return map_task(sometimes, min_success_ratio=0.5)(x=xs)


@workflow
def repeated(x: int = 0) -> int:
    return inc(x=inc(x=inc(x=x)))


@task(timeout=120, retry_delay=5, pool="default_pool", queue="fast", priority_weight=3)
def tuned(x: int) -> int:
    return x


@workflow(
    dag_id="renamed_flow",
    schedule="@daily",
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    catchup=False,
    tags=["dynflow", "options"],
    default_args={"owner": "data-team"},
)
def options_flow(x: int = 1) -> int:
    """Options that pass through to Airflow."""
    first = tuned(x=x)
    return tuned(x=first).with_overrides(timeout=30, retries=4, queue="slow", name="tuned_again")


@task
def nap(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


@dynamic
def naps(count: int, seconds: float) -> typing.List[float]:
    return [nap(seconds=seconds).with_overrides(timeout=1) for _ in range(count)]


@workflow
def timed_out(count: int = 2, seconds: float = 5.0) -> typing.List[float]:
    """Generated nodes with a one-second timeout that sleep longer."""
    return naps(count=count, seconds=seconds)


@task
def my_key() -> str:
    from airflow.sdk import get_current_context

    return get_current_context()["dynflow_idempotency_key"]


@dynamic
def keys_of_nodes(n: int) -> typing.List[str]:
    return [my_key() for _ in range(n)]


@task
def prepend(first: str, rest: typing.List[str]) -> typing.List[str]:
    return [first, *rest]


@workflow
def idempotency_keys(n: int = 2) -> typing.List[str]:
    """The idempotency key a task and generated nodes find in their context."""
    return prepend(first=my_key(), rest=keys_of_nodes(n=n))


@task
def scaled(x: int, factor: int) -> int:
    return x * factor


@workflow
def shared_factor(xs: typing.List[int] = [1, 2, 3], k: int = 3) -> typing.List[int]:  # noqa: B006
    """map_task with functools.partial binding a task output: the same factor for every element."""
    return map_task(functools.partial(scaled, factor=inc(x=k)))(x=xs)


@task
def train_model(c: float) -> float:
    return c * 2


@workflow
def display_names(c: float = 10.0) -> float:
    """with_overrides(name=...) with characters a task id cannot hold."""
    return train_model(c=c).with_overrides(name="train_model[C=10]")


@task
def note(message: str) -> None:
    print(message)


@workflow
def no_outputs(message: str = "hello") -> None:
    """A workflow that returns nothing: its result is null."""
    note(message=message)


@dynamic
def refusing(n: int) -> int:
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    return inc(x=n)


@workflow
def refused_body(n: int = -1) -> int:
    return refusing(n=n)


@dynamic(retries=1, retry_delay=0)
def flaky_body(token: str) -> int:
    if count_call(f"flaky-body-{token}") < 2:
        raise ConnectionError("the body's first try fails")
    return inc(x=1)


@workflow
def retried_body(token: str) -> int:
    return flaky_body(token=token)
