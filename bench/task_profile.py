"""Where a task process's CPU goes: a generated-node instance against a native mapped instance.

One ``AirflowStack`` (the scheduler suite's: LocalExecutor, SQLite) runs ``dyn_fan`` (``N`` generated
``inc`` nodes and a ``total``) and then ``plain_n`` (native ``inc.expand()`` over ``N`` and the same
``total``), each while py-spy samples every process under the scheduler: the LocalExecutor's workers
and the task processes they fork, in which Airflow's task runner parses the DAG file and runs the
operator. The samples of the task processes are summed per phase of a task's life (a phase is a frame
of the stack; a sample counts once per phase it is inside) and divided by the number of task
processes: milliseconds of one instance, on average, as the sampler saw them. Sampling at 100 Hz
stops each process to read its stack, so the absolute figures run high (about 1.3x the task CPU the
scheduler suite measures); the phases, and the two columns, compare.

``python -m bench.task_profile TREE`` profiles another checkout of the project (its
``airflow_dynflow`` is put first on the components' ``PYTHONPATH``): the "before" of a change.
"""

from __future__ import annotations

import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.scheduler import WARMUP, Case, copy_dags, embedded_stack, fan_sum, measure
from harness.stack import AirflowStack

REPO = Path(__file__).resolve().parent.parent
N = 100
RATE_HZ = 100
PY_SPY = Path(sys.executable).with_name("py-spy")

# (what a person calls it, the frame that starts it). Indented names are inside the phase above.
PHASES = [
    ("parse the DAG file", "parse (airflow/sdk/execution_time/task_runner.py"),
    ("  compile modules from source (no bytecode cache)", "source_to_code (<frozen"),
    ("  find the runtimes: entry points of every distribution", "entry_points (importlib/metadata/"),
    ("  build pydantic models", "ModelMetaclass.__new__ (pydantic"),
    ("  import airflow_dynflow's Airflow runtime", "<module> (airflow_dynflow/airflow/dag_builder.py"),
    ("  build the DAGs (airflow_dynflow)", "build_dag (airflow_dynflow"),
    ("run the task instance", "run (airflow/sdk/execution_time/task_runner.py"),
    ("  the operator's execute", "_execute_task (airflow/sdk/execution_time/task_runner.py"),
    ("    read the instance's spec slice", "instance_spec (airflow_dynflow"),
    ("    run the node, sign and store its outputs", "NodeRun.execute (airflow_dynflow"),
]
_FORKED = "_fork_main (airflow/sdk/execution_time/supervisor.py"


def profile(raw: Path) -> tuple[int, dict[str, float]]:
    """(task processes seen, milliseconds per process for each phase and ``"in all"``)."""
    per_phase: collections.Counter[str] = collections.Counter()
    processes: set[str] = set()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any(f.startswith(_FORKED) for f in frames):
            continue
        processes.add([f for f in frames if f.startswith("process ")][-1])
        per_phase["in all"] += int(count)
        for name, frame in PHASES:
            if any(f.startswith(frame) for f in frames):
                per_phase[name] += int(count)
    seen = max(len(processes), 1)
    return len(processes), {name: 1000 * n / RATE_HZ / seen for name, n in per_phase.items()}


def sampled(stack: AirflowStack, case: Case, raw: Path) -> tuple[int, dict[str, float]]:
    stack.api.wait_for_dag(case.dag_id)
    command = [str(PY_SPY), "record", "--subprocesses", "--format", "raw", "--rate", str(RATE_HZ)]
    command += ["--pid", str(stack.pids["scheduler"]), "--output", str(raw)]
    spy = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        measured = measure(stack, case, [])
    finally:
        os.killpg(spy.pid, signal.SIGINT)  # py-spy writes its file on SIGINT
        spy.wait(timeout=120)
    if measured.problem:
        raise RuntimeError(f"{case.key}: {measured.problem}")
    return profile(raw)


def measure_tree(tree: Path) -> dict[str, tuple[int, dict[str, float]]]:
    root = Path(tempfile.mkdtemp(prefix="dynflow-bench-task-profile-"))
    dags = copy_dags(root)
    home = root / "home"
    home.mkdir()
    cases = {
        "generated": Case("dyn", "dyn_fan", {"n": N}, "outputs", fan_sum(N), 600, ""),
        "native": Case("plain", "plain_n", {"n": N}, "total", fan_sum(N), 600, ""),
    }
    try:
        with embedded_stack(dags, home, {"PYTHONPATH": str(tree)}) as stack:
            for case in WARMUP:
                measure(stack, case, [])
            return {side: sampled(stack, case, root / f"{side}.raw") for side, case in cases.items()}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(tree: Path = REPO) -> list[tuple[str, str, str]]:
    found = measure_tree(tree)
    (ours_n, ours), (native_n, native) = found["generated"], found["native"]
    rows = [
        (
            "task process, in all",
            f"{ours['in all']:.0f} ms / {native['in all']:.0f} ms",
            f"generated / native, per instance; {ours_n} and {native_n} task processes sampled",
        )
    ]
    for name, _ in PHASES:
        if ours.get(name, 0) >= 0.5 or native.get(name, 0) >= 0.5:
            depth = (len(name) - len(name.lstrip())) // 2
            label = "· " * depth + name.strip()
            rows.append((label, f"{ours.get(name, 0):.1f} ms / {native.get(name, 0):.1f} ms", ""))
    return rows


if __name__ == "__main__":
    for row in run(Path(sys.argv[1]).resolve() if sys.argv[1:] else REPO):
        print("| " + " | ".join(row) + " |", flush=True)
