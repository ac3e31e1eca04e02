"""Secrets under ``dag.test()``: requested secrets come from Airflow's connections and variables, in
static tasks and generated nodes, and their values end up in no spec, XCom, blob or graph JSON.
(``test_secrets_stack.py`` proves the same of a real scheduler's task logs, which mask them.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from airflow_dynflow.airflow.plugins.graph_source import read_run_graph
from tests.conftest import AIRFLOW_HOME

PASSWORD = "pw-XYZZY-" + "5f3a9c"
TOKEN = "tok-PLUGH-" + "8e21d7"


@pytest.fixture
def provided(monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection with a password (Airflow's env-var form of a connection) and a variable."""
    conn = {"conn_type": "generic", "login": "admin", "password": PASSWORD}
    monkeypatch.setenv("AIRFLOW_CONN_DYNFLOW_DB", json.dumps(conn))
    monkeypatch.setenv("AIRFLOW_VAR_DYNFLOW_VAULT.TOKEN", TOKEN)


def all_xcom_values(dag_id: str, run_id: str) -> list[Any]:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return list(
            session.scalars(
                select(XComModel.value).where(XComModel.dag_id == dag_id, XComModel.run_id == run_id)
            )
        )


def store_files(dag_id: str, run_id: str) -> list[Path]:
    from airflow_dynflow.airflow.store.blob_store import BlobStore

    folder = Path(BlobStore().run_path(dag_id, run_id).path)
    assert str(folder).startswith(str(AIRFLOW_HOME))
    return [p for p in folder.rglob("*") if p.is_file()]


def test_static_tasks_and_generated_nodes_read_the_secrets_they_requested(run_dag, provided):
    run = run_dag("secret_wf", n=2)
    assert run.state == "success"
    per_call = len(PASSWORD) + len(TOKEN)
    assert run.result == {"o0": per_call + len("static"), "o1": [per_call + 1, per_call + 1]}


def test_a_secret_value_is_in_no_spec_xcom_blob_or_graph_json(run_dag, provided):
    run = run_dag("secret_wf", n=2)
    assert run.state == "success"
    xcoms = json.dumps(all_xcom_values(run.dag_id, run.run_id), default=str)
    files = store_files(run.dag_id, run.run_id)
    assert any(p.name.startswith("spec-") for p in files)  # the futures spec is among them
    graph = json.dumps(read_run_graph(run.dag_id, run.run_id).to_json())
    assert "use_secrets" in graph and '"o0"' in xcoms  # what is searched holds the run
    for value in (PASSWORD, TOKEN):
        assert value not in xcoms
        assert value not in graph
        assert [p for p in files if value.encode() in p.read_bytes()] == []


def test_a_generated_node_reading_an_unrequested_secret_fails_naming_task_group_and_key(
    run_dag, provided, capfd
):
    run = run_dag("unrequested_secret_wf")
    assert run.state == "failed"
    out = capfd.readouterr().out
    assert "reads_unrequested: secret (group='dynflow_db', key='login') was not requested" in out


def test_a_missing_secret_names_the_connection_and_the_variable_to_provide(run_dag, monkeypatch, capfd):
    monkeypatch.delenv("AIRFLOW_CONN_DYNFLOW_DB", raising=False)
    monkeypatch.setenv("AIRFLOW_VAR_DYNFLOW_VAULT.TOKEN", TOKEN)
    run = run_dag("secret_wf", n=1)
    assert run.state == "failed"
    out = capfd.readouterr().out
    assert (
        "no value for the secret (group='dynflow_db', key='password'); provide it as the Airflow "
        "connection 'dynflow_db' (its 'password' field, or 'password' in its extra) or the Airflow "
        "variable 'dynflow_db.password'"
    ) in out


def test_a_variable_stands_in_when_no_connection_has_the_secret(run_dag, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_DYNFLOW_DB", raising=False)
    monkeypatch.setenv("AIRFLOW_VAR_DYNFLOW_DB.PASSWORD", "from-a-variable")
    monkeypatch.setenv("AIRFLOW_VAR_DYNFLOW_VAULT.TOKEN", TOKEN)
    run = run_dag("secret_wf", n=1)
    assert run.state == "success"
    assert run.result["o0"] == len("from-a-variable") + len(TOKEN) + len("static")
