"""Subprocess half of the ``airflow`` suite: runs DAGs with ``dag.test()`` and writes their timings as JSON.

Airflow reads its configuration once, at import, from the environment; the parent (``bench.airflow``)
sets that environment for this process only, so the benchmark process itself never imports or
configures Airflow. Usage::

    python -m bench._airflow_worker OUT_JSON REPEAT DAG_ID [DAG_ID ...]

Every DAG runs once as a warm-up (imports, first-call caches, SQLite page cache), then ``REPEAT``
rounds follow; within a round the DAGs run one after another in the order given, rotated by one each
round, so slow phases of a noisy machine do not always land on the same DAG.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from harness.xcom import read_xcom


def _run_once(dag: Any) -> dict[str, Any]:
    """Wall time of one ``dag.test()``, plus what it left behind, to check the run did the work."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    start = time.perf_counter()
    dagrun = dag.test()
    seconds = time.perf_counter() - start
    with create_session() as session:
        instances = (
            session.query(TaskInstance)
            .filter(TaskInstance.dag_id == dag.dag_id, TaskInstance.run_id == dagrun.run_id)
            .all()
        )
        states = sorted({str(getattr(ti.state, "value", ti.state)) for ti in instances})
        count = len(instances)
        last = max(instances, key=lambda ti: ti.end_date).task_id if instances else None
    result = read_xcom(dag.dag_id, dagrun.run_id, last) if last else None
    return {
        "seconds": seconds,
        "state": str(getattr(dagrun.state, "value", dagrun.state)),
        "task_instances": count,
        "ti_states": states,
        "result": result,
    }


def main(argv: list[str]) -> None:
    out, repeat, dag_ids = argv[0], int(argv[1]), argv[2:]
    from airflow_dynflow.airflow.compat import dag_bag

    bag = dag_bag(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    if bag.import_errors:
        raise SystemExit(f"import errors: {bag.import_errors}")
    dags = {dag_id: bag.get_dag(dag_id) for dag_id in dag_ids}
    if missing := sorted(dag_id for dag_id, dag in dags.items() if dag is None):
        raise SystemExit(f"no such DAG(s) in {bag.dag_folder}: {', '.join(missing)}")
    runs: dict[str, list[dict[str, Any]]] = {dag_id: [] for dag_id in dag_ids}
    warmup = {dag_id: _run_once(dag) for dag_id, dag in dags.items()}
    for round_no in range(repeat):
        shift = round_no % len(dag_ids)
        for dag_id in dag_ids[shift:] + dag_ids[:shift]:
            runs[dag_id].append(_run_once(dags[dag_id]))
    with open(out, "w") as handle:
        json.dump({"warmup": warmup, "runs": runs}, handle, default=str)


if __name__ == "__main__":
    main(sys.argv[1:])
