"""What one generated-node instance spends on reading its part of the futures spec.

The scheduler suite's wide dynamic (``inc_all``: ``n`` independent ``inc`` nodes and a ``total``)
is compiled at 1,001 and 10,001 nodes and stored as the compile task stores it (the spec and its
per-instance slices, batched past ``max_map_length`` = 1,024 as on Airflow), in a throw-away
``file://`` store. Then the read a generated instance does before running its node is timed in CPU
seconds (``time.process_time``: less sensitive to other load on the machine than wall time): the
whole spec (what every instance read before slices) and its own slice (what it reads now), for the
instance in the middle of the expansion, and the peak memory Python allocated for that read
(``tracemalloc``): an instance's memory must not grow with the spec. ``python -m bench.instance
profile`` prints cProfile's text for both reads.
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
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from airflow_dynflow.core.wire.spec_write import dump_spec
from bench.core import load_dag_file

MAX_MAP_LENGTH = 1_024
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


def peak_bytes(fn: Callable[[], Any]) -> int:
    """The most memory Python held for one call of ``fn`` (after a warm-up call), above what it held
    before: what the call needs, whatever it frees before returning."""
    fn()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class Compiled:
    """``inc_all(n)`` stored as its compile task stores it; the reads its instances can do."""

    def __init__(self, n: int) -> None:
        os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="dynflow-bench-instance-"))
        from airflow_dynflow.airflow.runtime.expansion import Expansion
        from airflow_dynflow.airflow.store import futures_spec
        from airflow_dynflow.airflow.store.blob_store import BlobStore
        from airflow_dynflow.core.signing import Signer

        module = load_dag_file(DAG_FILE)
        self.signer = Signer([b"bench-key"])
        self.store = BlobStore(url=f"file://{os.environ['AIRFLOW_HOME']}/store")
        self.spec = module.inc_all.compile(n=n)
        text = dump_spec(self.spec, self.signer)
        self.run_id = f"n{n}"
        folder = self.store.run_path("bench", self.run_id, "compile")
        self.key, self.digest = futures_spec.write_futures_spec(self.store, folder, text)
        self.expansion = Expansion.plan(self.key, self.digest, len(self.spec.nodes), MAX_MAP_LENGTH)
        self.middle = self.expansion.instances // 2
        self.write_slices()

    def write_slices(self) -> None:
        from airflow_dynflow.airflow.store import futures_spec

        futures_spec.write_spec_slices(
            self.store,
            self.spec,
            self.digest,
            self.expansion.batch,
            self.signer,
            "bench",
            self.run_id,
            "compile",
        )

    def read_whole(self) -> Any:
        from airflow_dynflow.airflow.store import futures_spec

        return futures_spec._read(self.store, self.signer, self.key, self.digest, "compile")

    def read_slice(self) -> Any:
        from airflow_dynflow.airflow.store import futures_spec

        return futures_spec.read_spec_slice(
            self.store, self.signer, "bench", self.run_id, "compile", self.middle
        )


def profile_text(fn: Callable[[], Any], lines: int = 14) -> str:
    """cProfile's top ``lines`` by cumulative time for one call of ``fn``, after a warm-up call."""
    fn()
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def run() -> list[tuple[str, str, str]]:
    rows = []
    ms = 1000.0
    for n in SIZES:
        compiled = Compiled(n)
        whole_best, whole_median = cpu_timed(compiled.read_whole, 5)
        slice_best, slice_median = cpu_timed(compiled.read_slice, 50)
        write_best, write_median = cpu_timed(compiled.write_slices, 3)
        whole_peak, slice_peak = peak_bytes(compiled.read_whole), peak_bytes(compiled.read_slice)
        nodes = len(compiled.spec.nodes)
        rows += [
            (
                f"one generated instance reads the spec, {nodes:,} nodes: whole spec vs its slice",
                f"{whole_best * ms:.1f} ms vs {slice_best * ms:.2f} ms CPU",
                f"medians {whole_median * ms:.1f} / {slice_median * ms:.2f} ms; read, HMAC check and "
                f"parse; map index {compiled.middle} of {compiled.expansion.instances} "
                f"({compiled.expansion.batch} node(s) each)",
            ),
            (
                f"peak memory of that read, {nodes:,} nodes: whole spec vs its slice",
                f"{whole_peak / 2**20:.1f} MiB vs {slice_peak / 2**10:.0f} KiB",
                "Python allocations during the read (tracemalloc), the objects it returns included",
            ),
            (
                f"compile task writes the {compiled.expansion.instances:,} slices, {nodes:,} nodes",
                f"{write_best * ms:.0f} ms CPU",
                f"median {write_median * ms:.0f} ms; once per run, one object, one fsync",
            ),
        ]
    return rows


def appendix() -> str:
    """The profile of one generated instance's spec read, before slices (the whole spec) and now."""
    parts = ["### One generated instance's spec read, profiled (`python -m bench.instance profile`)"]
    for n in SIZES:
        compiled = Compiled(n)
        nodes = len(compiled.spec.nodes)
        reads = (("before: the whole spec", compiled.read_whole), ("after: its slice", compiled.read_slice))
        for what, fn in reads:
            parts += ["", f"{nodes:,} nodes, {what}:", "", "```", profile_text(fn).strip("\n"), "```"]
    return "\n".join(parts)


if __name__ == "__main__":
    if sys.argv[1:] == ["profile"]:
        print(appendix())
    else:
        for row in run():
            print("| " + " | ".join(row) + " |")
