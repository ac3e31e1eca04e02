"""Print a DAG's latest run as the demo shows it: state, result, generated task instances.

Run from the repository root, against the metadata DB the environment configures::

    .venv/bin/python -m scripts.show_run wf
"""

from __future__ import annotations

import sys

from airflow.models.dagrun import DagRun
from airflow.models.taskinstance import TaskInstance
from airflow.utils.session import create_session

from harness.xcom import read_xcom


def main(dag_id: str) -> int:
    with create_session() as session:
        run = session.query(DagRun).filter(DagRun.dag_id == dag_id).order_by(DagRun.id.desc()).first()
        if run is None:
            print(f"{dag_id} has no run")
            return 1
        run_id, state = run.run_id, str(run.state)
        instances = (
            session.query(TaskInstance)
            .filter(TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id, TaskInstance.map_index >= 0)
            .order_by(TaskInstance.task_id, TaskInstance.map_index)
            .all()
        )
        labels = [f"{ti.rendered_map_index} ({ti.state})" for ti in instances]
    print(f"Airflow run {run_id}: {state}, outputs = {read_xcom(dag_id, run_id, 'outputs')}")
    print(f"{len(labels)} generated task instances: {', '.join(labels)}")
    return 0 if state == "success" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
