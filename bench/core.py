"""Core benchmarks: compile of the seed dynamic, its spec size, local runs and per-call overhead.

The seed example with two 500-character strings compiles to 2,001 nodes: 1,000 ``return_index``,
1,000 ``update_list`` and one ``derive_count``.
"""

from __future__ import annotations

import importlib.util
import random
import statistics
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from airflow_dynflow import task
from airflow_dynflow.core.wire.spec_read import load_spec
from airflow_dynflow.core.wire.spec_write import dump_spec

SEED_FILE = Path(__file__).resolve().parent.parent / "dags" / "count_characters.py"


def load_dag_file(path: Path) -> ModuleType:
    """Import a DAG file under its bare name (``count_characters``), as it was when the figures in
    docs/benchmarks.md were taken: a task's reference in the spec is ``module:qualname``, so the module's
    name is part of the spec's size."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


@task
def noop(x: int) -> int:
    return x


def strings(n: int) -> tuple[str, str]:
    rng = random.Random(42)
    return (
        "".join(rng.choice(string.ascii_letters) for _ in range(n)),
        "".join(rng.choice(string.ascii_letters) for _ in range(n)),
    )


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(best, median) wall time in seconds over ``repeat`` runs, after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def run() -> list[tuple[str, str, str]]:
    seed = load_dag_file(SEED_FILE)
    s1, s2 = strings(500)
    rows = []
    best, med = timed(lambda: seed.count_characters.compile(s1=s1, s2=s2), 20)
    rows.append(
        (
            "compile count_characters(500, 500) to a Spec, 2,001 nodes",
            f"{best * 1e3:.1f} ms",
            f"median {med * 1e3:.1f} ms; target < 30 ms; flytekit 330 ms",
        )
    )
    best, med = timed(lambda: dump_spec(seed.count_characters.compile(s1=s1, s2=s2)), 20)
    rows.append(("compile + to_json", f"{best * 1e3:.1f} ms", f"median {med * 1e3:.1f} ms"))
    size = len(dump_spec(seed.count_characters.compile(s1=s1, s2=s2)).encode())
    rows.append(
        ("futures spec size, 2,001 nodes", f"{size / 1000:.1f} KB", "target < 110 KB; flytekit 222 KB")
    )
    text = dump_spec(seed.count_characters.compile(s1=s1, s2=s2))
    best, med = timed(lambda: load_spec(text), 10)
    rows.append(
        (
            "load_spec (schema, digest and meaning checks)",
            f"{best * 1e3:.1f} ms",
            f"median {med * 1e3:.1f} ms",
        )
    )
    best, med = timed(lambda: seed.wf(s1=s1, s2=s2), 10)
    rows.append(
        (
            "local run wf(500, 500) in process",
            f"{best * 1e3:.1f} ms",
            f"median {med * 1e3:.1f} ms; target < 200 ms; flytekit about 2 s",
        )
    )
    calls = 20_000
    best, med = timed(lambda: [noop(x=i) for i in range(calls)], 5)
    rows.append(
        (
            "local overhead per trivial task call",
            f"{best / calls * 1e6:.1f} us",
            f"median {med / calls * 1e6:.1f} us; target < 50 us; flytekit 0.7-1 ms",
        )
    )
    return rows
