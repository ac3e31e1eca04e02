"""Real Airflow for the tests in this folder: a migrated DB, the DagBag, and running a DAG."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.xcom import read_xcom
from tests.conftest import DAGS_FOLDER

_PARSING_CONTEXT = ("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "_AIRFLOW_PARSING_CONTEXT_TASK_ID")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents and not (
            item.get_closest_marker("scheduler") or item.get_closest_marker("distributed")
        ):
            item.add_marker(pytest.mark.airflow)


@pytest.fixture(scope="session", autouse=True)
def one_in_process_execution_api() -> None:
    """``dag.test()`` runs each task against an in-process execution API. Airflow 3.3 builds that app
    once per process (``functools.lru_cache`` on ``supervisor.in_process_api_server``); 3.1 and 3.2
    build it again for every task instance, 1-3 s of CPU each, which made the Airflow suite several
    times slower there. The tests cache it as 3.3 does; what a task sees of the API is unchanged."""
    from airflow_dynflow.airflow import compat

    if compat.AIRFLOW_V_3_3_PLUS:
        return
    from airflow.sdk.execution_time import supervisor

    supervisor.in_process_api_server = functools.lru_cache(maxsize=1)(supervisor.in_process_api_server)


@pytest.fixture(autouse=True)
def no_parsing_context_left_behind() -> Iterator[None]:
    """Airflow 3.1's ``dag.test()`` parses inside ``_airflow_parsing_context_manager``, which sets
    ``_AIRFLOW_PARSING_CONTEXT_DAG_ID`` and does not unset it: every later workflow defined in this
    process would build only that DAG (``dag_builder``). Each test starts and ends without one."""
    for name in _PARSING_CONTEXT:
        os.environ.pop(name, None)
    yield
    for name in _PARSING_CONTEXT:
        os.environ.pop(name, None)


@pytest.fixture(scope="session")
def airflow_db() -> None:
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True, text=True
    )


@pytest.fixture(scope="session")
def dagbag(airflow_db: None) -> Any:
    from airflow_dynflow.airflow.compat import dag_bag

    return dag_bag(str(DAGS_FOLDER))


@dataclass
class Run:
    """A finished ``dag.test()`` run and what it left in the metadata DB."""

    dag_id: str
    run_id: str
    state: str

    def xcom(self, task_id: str, key: str = "return_value", map_index: int = -1) -> Any:
        return read_xcom(self.dag_id, self.run_id, task_id, key=key, map_index=map_index)

    @property
    def result(self) -> Any:
        return self.xcom("outputs")

    def task_instances(self, task_id: str | None = None) -> list[Any]:
        from airflow.models.taskinstance import TaskInstance
        from airflow.utils.session import create_session

        with create_session() as session:
            query = session.query(TaskInstance).filter(
                TaskInstance.dag_id == self.dag_id, TaskInstance.run_id == self.run_id
            )
            if task_id is not None:
                query = query.filter(TaskInstance.task_id == task_id)
            rows = query.order_by(TaskInstance.task_id, TaskInstance.map_index).all()
            session.expunge_all()
            return rows

    def states(self, task_id: str) -> list[str]:
        return [str(ti.state) for ti in self.task_instances(task_id)]


@pytest.fixture(scope="session")
def run_dag(dagbag: Any) -> Iterator[Any]:
    """``run_dag(dag_id, **conf)``: ``dag.test(run_conf=conf)`` on the parsed DAG, as a ``Run``."""

    def run(dag_id: str, **conf: Any) -> Run:
        dag = dagbag.get_dag(dag_id)
        assert dag is not None, dagbag.import_errors
        dagrun = dag.test(run_conf=conf)
        return Run(dag_id, dagrun.run_id, str(dagrun.state))

    yield run
