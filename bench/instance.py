"""What one generated-node instance spends on reading its part of the futures spec.

The scheduler suite's wide dynamic (``inc_all``: ``n`` independent ``inc`` nodes and a ``total``)
is compiled at 1,001 and 10,001 nodes and stored as the compile task stores it, in a throw-away
``file://`` store; then the read a generated instance does before running its node is timed in
CPU seconds (``time.process_time``: less sensitive to other load on the machine than wall time)
and profiled with cProfile. ``python -m bench.instance profile`` prints the profile's text.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.core import load_dag_file

DAG_FILE = Path(__file__).resolve().parent / "dags" / "scheduler" / "bench_dynflow.py"
SIZES = (1_000, 10_000)


def cpu_timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(best, median) CPU seconds of this process over ``repeat`` runs, after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times), statistics.median(times)


def instance_reader(n: int) -> Callable[[], Any]:
    """The spec read of the generated instance at the middle map index of ``inc_all(n)``."""
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="dynflow-bench-instance-"))
    from airflow_dynflow.airflow.store import futures_spec
    from airflow_dynflow.airflow.store.blob_store import BlobStore
    from airflow_dynflow.core.signing import Signer

    module = load_dag_file(DAG_FILE)
    signer = Signer([b"bench-key"])
    store = BlobStore(url=f"file://{os.environ['AIRFLOW_HOME']}/store")
    text = module.inc_all.compile(n=n).to_json(signer)
    key, digest = futures_spec.write_futures_spec(store, store.run_path("bench", f"n{n}", "compile"), text)
    return lambda: futures_spec._read(store, signer, key, digest, "compile")


def profile_text(fn: Callable[[], Any], lines: int = 14) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def run() -> list[tuple[str, str, str]]:
    rows = []
    for n in SIZES:
        best, median = cpu_timed(instance_reader(n), 5)
        rows.append(
            (
                f"one generated instance reads its spec, {n + 1:,} nodes",
                f"{best * 1000:.1f} ms CPU",
                f"median {median * 1000:.1f} ms; read, HMAC check and parse in process",
            )
        )
    return rows


if __name__ == "__main__":
    if sys.argv[1:] == ["profile"]:
        for n in SIZES:
            print(f"## {n + 1:,} nodes\n")
            print(profile_text(instance_reader(n)))
    else:
        for row in run():
            print("| " + " | ".join(row) + " |")
