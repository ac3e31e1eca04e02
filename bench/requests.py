"""What a generated instance costs under ``dag.test()``: execution-API requests and CPU seconds.

Counts, unlike wall times, do not move with the load of a shared machine. The scheduler suite's wide
dynamic (``dyn_fan``: ``n`` independent ``inc`` nodes and a ``total`` over them) runs once with
``dag.test()`` at 1,000 and 10,000 nodes (the latter batched ten to an instance past ``max_map_length``,
1,001 instances either way) in a subprocess with a throw-away ``AIRFLOW_HOME``. Reported: the requests
of a root instance and of the fan-in ``total``, all requests of the generated-node task, and the CPU
seconds spent inside the generated-node operator over the run.

``python -m bench.requests TREE`` measures another checkout of the project (for a before/after: its
``airflow_dynflow`` and ``harness`` are imported instead of this tree's, with this tree's counting
worker).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.airflow import airflow_env

REPO = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000)


def measure(n: int, tree: Path = REPO) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="dynflow-bench-requests-"))
    try:
        dags = home / "dags"
        dags.mkdir()
        shutil.copy(tree / "bench" / "dags" / "scheduler" / "bench_dynflow.py", dags)
        env = airflow_env(home, dags) | {"PYTHONPATH": f"{tree}:{REPO}"}
        migrate = [sys.executable, "-m", "airflow", "db", "migrate"]
        subprocess.run(migrate, env=env, cwd=home, check=True, capture_output=True)
        out = home / "requests.json"
        script = str(REPO / "bench" / "_requests_worker.py")
        # -P: the script's folder holds bench/airflow.py, which must not shadow the airflow package.
        worker = [sys.executable, "-P", script, str(out), "dyn_fan", str(n)]
        done = subprocess.run(worker, env=env, cwd=home, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"the requests worker exited with {done.returncode}:\n{done.stderr[-4000:]}")
        return json.loads(out.read_text())
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _shown(kinds: dict[str, int]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))


def rows(tree: Path = REPO) -> list[tuple[str, str, str]]:
    out = []
    for n in SIZES:
        found = measure(n, tree)
        if found["state"] != "success":
            raise RuntimeError(f"dyn_fan({n}) ended {found['state']}")
        instances = found["instances"]
        last = str(max(int(m) for m in instances))
        root, total = instances["0"], instances[last]
        every = sum(sum(kinds.values()) for kinds in instances.values())
        out += [
            (
                f"dag.test(): dyn_fan({n:,}), execution-API requests of one root instance",
                str(sum(root.values())),
                _shown(root),
            ),
            (
                f"dag.test(): dyn_fan({n:,}), execution-API requests of the fan-in instance",
                str(sum(total.values())),
                _shown(total),
            ),
            (
                f"dag.test(): dyn_fan({n:,}), all requests of the {len(instances):,} generated instances",
                f"{every:,}",
                f"CPU inside the generated-node operator {found['node_cpu']:.1f} s; whole run "
                f"{found['run_cpu']:.1f} s CPU, {found['seconds']:.1f} s wall",
            ),
        ]
    return out


def run() -> list[tuple[str, str, str]]:
    return rows()


if __name__ == "__main__":
    for row in rows(Path(sys.argv[1]).resolve() if sys.argv[1:] else REPO):
        print("| " + " | ".join(row) + " |", flush=True)
