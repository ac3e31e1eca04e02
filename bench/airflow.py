"""Airflow benchmarks: what our operator costs per task instance next to a plain Airflow ``@task``.

Both sides run the same trivial work, a chain of ``inc(x) -> x + 1`` calls, under ``dag.test()``:
one DAG written with ``airflow_dynflow`` (``@workflow`` + ``@task``: one ``DynflowTaskOperator`` per
call, plus the ``outputs`` task our DAGs end with) and one written with ``airflow.sdk`` (``@dag`` +
``@task``). Each side runs a chain of 1 and a chain of 30, so the fixed cost of a ``dag.test()`` run
(creating the run, syncing the DAG, the first scheduling loop) can be told apart from the marginal cost
of one more task instance: ``(T30 - T1) / 29``. The four DAGs are real files in ``bench/dags/dag_test/``,
copied into the run's own DAGs folder.

Airflow is configured at import, from the environment, so the timing happens in a subprocess
(``bench._airflow_worker``) that gets a throw-away ``AIRFLOW_HOME`` with a SQLite DB migrated just
before; this process never imports Airflow.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DAGS = REPO / "bench" / "dags" / "dag_test"
# The chain lengths of the DAGs in DAGS (their ids end in them): changing them means changing those files.
LONG = 30
SHORT = 1
REPEAT = 7


def airflow_env(home: Path, dags: Path) -> dict[str, str]:
    """The worker's environment: ours without inherited ``AIRFLOW_*`` settings, so a developer's own
    Airflow configuration cannot leak into the figures."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW_")}
    return env | {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__MIGHT_CONTAIN_DAG_CALLABLE": "airflow_dynflow.airflow.discovery.might_contain_dag",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__DYNFLOW__STORE_URL": f"file://{home / 'store'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
    }


def measure(repeat: int = REPEAT) -> dict[str, Any]:
    """Migrate a fresh DB, run every benchmark DAG in the worker, return its JSON."""
    home = Path(tempfile.mkdtemp(prefix="dynflow-bench-airflow-"))
    try:
        dags = home / "dags"
        shutil.copytree(DAGS, dags, ignore=shutil.ignore_patterns("__pycache__"))
        env = airflow_env(home, dags)
        subprocess.run(
            [sys.executable, "-m", "airflow", "db", "migrate"],
            env=env,
            cwd=home,
            check=True,
            capture_output=True,
        )
        out = home / "timings.json"
        dag_ids = [
            f"plain_chain_{LONG}",
            f"dynflow_chain_{LONG}",
            f"plain_chain_{SHORT}",
            f"dynflow_chain_{SHORT}",
        ]
        worker = subprocess.run(
            [sys.executable, "-m", "bench._airflow_worker", str(out), str(repeat), *dag_ids],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        if worker.returncode != 0:
            raise RuntimeError(
                f"bench._airflow_worker exited with {worker.returncode}:\n{worker.stderr[-4000:]}"
            )
        return json.loads(out.read_text())
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _check(dag_id: str, runs: list[dict[str, Any]], expected: int) -> None:
    """A figure for a run that did not do the work would be meaningless: refuse to report it."""
    for run in runs:
        if run["state"] != "success" or run["ti_states"] != ["success"] or run["result"] != expected:
            raise RuntimeError(f"{dag_id}: unexpected run {run}")


def run() -> list[tuple[str, str, str]]:
    data = measure()
    runs = data["runs"]
    times: dict[str, list[float]] = {}
    tis: dict[str, int] = {}
    for dag_id, dag_runs in runs.items():
        _check(dag_id, dag_runs, int(dag_id.rsplit("_", 1)[1]))
        times[dag_id] = [r["seconds"] for r in dag_runs]
        tis[dag_id] = dag_runs[0]["task_instances"]
    best = {dag_id: min(t) for dag_id, t in times.items()}
    med = {dag_id: statistics.median(t) for dag_id, t in times.items()}
    n = len(next(iter(times.values())))
    rows = []
    for side, label in (("plain", "plain Airflow `@task`"), ("dynflow", "airflow_dynflow `@task`")):
        for length in (LONG, SHORT):
            dag_id = f"{side}_chain_{length}"
            count = f"{tis[dag_id]} task instance" + ("s" if tis[dag_id] > 1 else "")
            rows.append(
                (
                    f"dag.test(): chain of {length} {label}, {count}",
                    f"{best[dag_id]:.2f} s",
                    f"median {med[dag_id]:.2f} s; best of {n} after a warm-up",
                )
            )
    plain_long, ours_long = f"plain_chain_{LONG}", f"dynflow_chain_{LONG}"
    plain_short, ours_short = f"plain_chain_{SHORT}", f"dynflow_chain_{SHORT}"
    per_ti = {d: best[d] / tis[d] for d in (plain_long, ours_long)}
    per_ti_med = {d: med[d] / tis[d] for d in (plain_long, ours_long)}
    rows.append(
        (
            f"per task instance, chain of {LONG} (wall / task instances)",
            f"ours {per_ti[ours_long] * 1e3:.0f} ms, plain {per_ti[plain_long] * 1e3:.0f} ms",
            f"ratio {per_ti[ours_long] / per_ti[plain_long]:.2f} (medians "
            f"{per_ti_med[ours_long] * 1e3:.0f} / {per_ti_med[plain_long] * 1e3:.0f} ms, "
            f"{per_ti_med[ours_long] / per_ti_med[plain_long]:.2f}); "
            "includes dag.test()'s fixed cost and our extra `outputs` task; target within 10 %",
        )
    )

    def marginal(long: str, short: str, stat: dict[str, float]) -> float:
        return (stat[long] - stat[short]) / (tis[long] - tis[short])

    ours_m, plain_m = marginal(ours_long, ours_short, best), marginal(plain_long, plain_short, best)
    ours_mm, plain_mm = marginal(ours_long, ours_short, med), marginal(plain_long, plain_short, med)
    rows.append(
        (
            f"marginal cost of one more task instance, (T{LONG} - T{SHORT}) / {LONG - SHORT}",
            f"ours {ours_m * 1e3:.0f} ms, plain {plain_m * 1e3:.0f} ms",
            f"ratio {ours_m / plain_m:.2f} from bests (from medians {ours_mm * 1e3:.0f} / "
            f"{plain_mm * 1e3:.0f} ms, {ours_mm / plain_mm:.2f}); target within 10 %",
        )
    )
    return rows
