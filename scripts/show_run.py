"""Print a DAG's latest run as the demo shows it: state, result, generated task instances."""

from __future__ import annotations

import sys

from airflow.models.dagrun import DagRun
from airflow.models.taskinstance import TaskInstance
from airflow.models.xcom import XComModel
from airflow.utils.session import create_session


def main(dag_id: str) -> int:
    with create_session() as session:
        run = session.query(DagRun).filter(DagRun.dag_id == dag_id).order_by(DagRun.id.desc()).first()
        if run is None:
            print(f"{dag_id} has no run")
            return 1
        row = session.scalars(
            XComModel.get_many(run_id=run.run_id, key="return_value", task_ids="outputs", dag_ids=dag_id)
        ).first()
        result = None if row is None else XComModel.deserialize_value(row)
        instances = (
            session.query(TaskInstance)
            .filter(
                TaskInstance.dag_id == dag_id, TaskInstance.run_id == run.run_id, TaskInstance.map_index >= 0
            )
            .order_by(TaskInstance.task_id, TaskInstance.map_index)
            .all()
        )
        print(f"Airflow run {run.run_id}: {run.state}, outputs = {result}")
        labels = ", ".join(f"{ti.rendered_map_index} ({ti.state})" for ti in instances)
        print(f"{len(instances)} generated task instances: {labels}")
        return 0 if str(run.state) == "success" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
