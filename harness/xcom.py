"""``read_xcom``: the value a finished run left in the metadata DB, read the way a worker would.

Tests that ran a DAG with ``dag.test()``, the demo's ``scripts/show_run.py`` and the ``dag.test()``
benchmark all read results straight from the metadata DB their own process is configured for; a stack's
REST API is read with ``AirflowClient.xcom`` instead. Airflow is imported on use, never at import time:
importing Airflow configures it, and the caller decides when that happens.
"""

from __future__ import annotations

from typing import Any


def read_xcom(
    dag_id: str,
    run_id: str,
    task_id: str,
    key: str = "return_value",
    map_index: int = -1,
) -> Any:
    """The value a downstream ``xcom_pull`` would get, or None when the task pushed nothing under ``key``.

    ``map_index`` is -1 for an unmapped task and the instance's index for a mapped one. The value is
    decoded as the runtime decodes stored XComs (``compat.stored_xcom_value``: not with Airflow's
    ``deserialize_value``, which parses string values a second time).
    """
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    from airflow_dynflow.airflow.compat import stored_xcom_value

    with create_session() as session:
        found = session.scalars(
            XComModel.get_many(
                run_id=run_id, key=key, task_ids=task_id, dag_ids=dag_id, map_indexes=map_index
            )
        ).first()
        # Typed as a one-element row; at run time it is the model itself (as Airflow's REST code allows).
        row = found[0] if isinstance(found, tuple) else found
        return None if row is None else stored_xcom_value(row.value)
