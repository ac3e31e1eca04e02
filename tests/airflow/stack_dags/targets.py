"""Targets for the attacks of ``test_security.py`` and the faults of ``test_faults.py``.

Each dynamic has a node that waits for a *gate* file, so a test can tamper with what the earlier
nodes left behind (an XCom, a blob, a stored-output file) before the later nodes read it, then open
the gate. Paths come in through the run's conf; the marker files the attacks aim at are written by
the malicious payloads themselves, never by these tasks.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from airflow_dynflow import FlyteDirectory, current_context, dynamic, task, workflow  # airflow dag

GATE_TIMEOUT = 180.0


@task
def wait_for(gate: str) -> int:
    deadline = time.monotonic() + GATE_TIMEOUT
    while not os.path.exists(gate):
        if time.monotonic() > deadline:
            raise TimeoutError(f"gate {gate} never opened")
        time.sleep(0.2)
    return 1


@task
def produce(x: int) -> int:
    return x + 1


@task
def consume(x: int, ready: int) -> int:
    return x * 10


@task
def touch(path: str, ready: int) -> str:
    Path(path).write_text("written by touch")
    return path


class Box:
    """A type pydantic cannot describe: it travels pickled, through the blob store."""

    def __init__(self, value: int) -> None:
        self.value = value


@task
def boxed(x: int) -> Box:
    return Box(x)


@task
def unbox(box: Box, ready: int) -> int:
    return box.value


@task(cache=True, cache_version="1")
def cached_box(x: int) -> Box:
    return Box(x)


@dynamic
def spec_target(gate: str, path: str) -> str:
    return touch(path=path, ready=wait_for(gate=gate))


@workflow
def forge_spec(gate: str, path: str) -> str:
    return spec_target(gate=gate, path=path)


@dynamic
def output_target(gate: str, x: int) -> int:
    value = produce(x=x)
    return consume(x=value, ready=wait_for(gate=gate))


@workflow
def forge_output(gate: str, x: int = 1) -> int:
    return output_target(gate=gate, x=x)


@dynamic
def blob_target(gate: str, x: int) -> int:
    box = boxed(x=x)
    return unbox(box=box, ready=wait_for(gate=gate))


@workflow
def forge_blob(gate: str, x: int = 4) -> int:
    return blob_target(gate=gate, x=x)


@task
def add(a: int, b: int, ready: int) -> int:
    return a + b


@dynamic
def move_target(gate: str, x: int) -> int:
    """Two producers, each alone in its instance (map indexes 0 and 1), read by a gated consumer."""
    first = produce(x=x)
    second = produce(x=x + 10)
    return add(a=first, b=second, ready=wait_for(gate=gate))


@workflow
def forge_move(gate: str, x: int = 1) -> int:
    return move_target(gate=gate, x=x)


@dynamic(nodes_per_instance=2)
def swap_target(gate: str, x: int) -> int:
    """The two producers packed into instance 0; the gate and the consumer into instance 1."""
    first = produce(x=x)
    second = produce(x=x + 10)
    return add(a=first, b=second, ready=wait_for(gate=gate))


@workflow
def forge_swap(gate: str, x: int = 1) -> int:
    return swap_target(gate=gate, x=x)


@task
def write_folder(text: str) -> FlyteDirectory:
    folder = Path(current_context().working_directory) / "folder"
    folder.mkdir()
    (folder / "note.txt").write_text(text)
    return FlyteDirectory(str(folder))


@task
def read_folder(d: FlyteDirectory, ready: int) -> str:
    return (Path(d) / "note.txt").read_text()


@dynamic
def folder_target(gate: str, text: str) -> str:
    folder = write_folder(text=text)
    return read_folder(d=folder, ready=wait_for(gate=gate))


@workflow
def forge_folder(gate: str, text: str = "kept") -> str:
    return folder_target(gate=gate, text=text)


@workflow
def cache_target(x: int = 5) -> int:
    return unbox(box=cached_box(x=x), ready=1)


@task(retry_delay=0)
def step(i: int, previous: int, folder: str, hold: int, pause: float) -> int:
    """Node ``hold`` sleeps on its first try (its pid in ``held-<i>``) so a test can kill it; every
    node writes its effect last (``i``, the idempotency key Airflow's context carries, the time)."""
    from airflow.sdk import get_current_context

    held = Path(folder) / f"held-{i}"
    if i == hold and not held.exists():
        held.write_text(str(os.getpid()))
        time.sleep(120)
    time.sleep(pause)
    key = get_current_context()["dynflow_idempotency_key"]
    with open(Path(folder) / "effects.log", "a") as effects:
        effects.write(f"{i} {key} {time.time()}\n")
    return previous + i


def _steps(n: int, folder: str, hold: int, pause: float) -> int:
    """``step`` 0 .. n-1, each taking the previous one's value: the chain both dynamics below run."""
    value = 0
    for i in range(n):
        value = step(i=i, previous=value, folder=folder, hold=hold, pause=pause)
    return value


@dynamic
def effect_chain(n: int, folder: str, hold: int, pause: float) -> int:
    return _steps(n, folder, hold, pause)


@workflow
def effects(folder: str, n: int = 6, hold: int = -1, pause: float = 0.5) -> int:
    return effect_chain(n=n, folder=folder, hold=hold, pause=pause)


@task
def answer(x: int) -> int:
    return x


@dynamic
def inner(x: int) -> int:
    return answer(x=x)


@dynamic
def inner__manual(x: int) -> int:
    return answer(x=x)


@dynamic
def choose(which: str, x: int) -> int:
    """A nested dynamic labelled ``n0 inner`` or ``n0 inner__manual``: with the run ids
    ``manual__<date>`` and ``<date>``, the names that once joined into one child run id."""
    return inner(x=x) if which == "inner" else inner__manual(x=x)


@workflow
def collide(which: str, x: int) -> int:
    return choose(which=which, x=x)


@dynamic(nodes_per_instance=2)
def packed_chain(n: int, folder: str, hold: int, pause: float) -> int:
    """``effect_chain`` two nodes per instance: node 0 returns before node 1 (held) is killed."""
    return _steps(n, folder, hold, pause)


@workflow
def packed_effects(folder: str, n: int = 4, hold: int = -1, pause: float = 0.5) -> int:
    return packed_chain(n=n, folder=folder, hold=hold, pause=pause)
