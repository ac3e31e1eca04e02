"""The FastAPI app mounted on the api-server at ``/dynflow``: the "Dynamic graph" page and its JSON.

``GET /dynflow/graph/{dag_id}/{run_id}`` answers the HTML page, ``GET /dynflow/api/graph/{dag_id}/{run_id}``
the same graph as JSON, and ``GET /dynflow/dags/{dag_id}/latest`` the page of the DAG's newest run
(the DAG page's tab). Both are authorised like the public API's DAG-run reads
(``requires_access_dag("GET", DagAccessEntity.RUN)``): a bearer token, or the UI's session cookie,
of a user who may read that DAG's runs. ``?aggregate=N`` sets the node count past which a dynamic is
grouped by (task, state): the page's groups (default ``AGGREGATE_ABOVE``) expand in the browser, so
its embedded JSON lists every node; the JSON twin adds server-side aggregates only when asked.

``GET /dynflow/deck/{dag_id}/{run_id}/{task_id}/{map_index}[?node=n7]`` answers the page of an
instance's decks (``plugins.deck_endpoint``), to users who may read that DAG's task instances, once its
signed reference and bytes are checked, under a Content-Security-Policy that runs no script.
"""

from __future__ import annotations

from typing import Any

from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity
from airflow.api_fastapi.core_api.security import requires_access_dag
from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse, JSONResponse

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.plugins.deck_endpoint import CONTENT_SECURITY_POLICY, read_deck
from airflow_dynflow.airflow.plugins.graph_model import AGGREGATE_ABOVE
from airflow_dynflow.airflow.plugins.graph_page import render_page
from airflow_dynflow.airflow.plugins.graph_source import latest_run_id, read_run_graph

__all__ = ["app"]

app = FastAPI(title="airflow-dynflow", docs_url=None, redoc_url=None, openapi_url=None)
_READ_RUN = [Depends(requires_access_dag(method="GET", access_entity=DagAccessEntity.RUN))]
_READ_INSTANCE = [Depends(requires_access_dag(method="GET", access_entity=DagAccessEntity.TASK_INSTANCE))]


def _not_found(dag_id: str, run_id: str) -> JSONResponse:
    return JSONResponse({"detail": f"no run {run_id} of DAG {dag_id}"}, status_code=404)


@app.get("/api/graph/{dag_id}/{run_id}", dependencies=_READ_RUN)
def graph_json(dag_id: str, run_id: str, aggregate: int | None = None) -> Any:
    graph = read_run_graph(dag_id, run_id, aggregate_above=aggregate)
    return _not_found(dag_id, run_id) if graph is None else graph.to_json()


@app.get("/graph/{dag_id}/{run_id}", dependencies=_READ_RUN, response_class=HTMLResponse)
def graph_page(dag_id: str, run_id: str, aggregate: int = AGGREGATE_ABOVE) -> Any:
    graph = read_run_graph(dag_id, run_id)
    return _not_found(dag_id, run_id) if graph is None else HTMLResponse(render_page(graph, aggregate))


@app.get("/dags/{dag_id}/latest", dependencies=_READ_RUN, response_class=HTMLResponse)
def latest_graph_page(dag_id: str, aggregate: int = AGGREGATE_ABOVE) -> Any:
    """The page of the DAG's newest run, served at this address (its refresh reads the run's own
    JSON address, so nothing on the page depends on where it was served)."""
    run_id = latest_run_id(dag_id)
    if run_id is None:
        return JSONResponse({"detail": f"DAG {dag_id} has no run yet"}, status_code=404)
    return graph_page(dag_id, run_id, aggregate)


@app.get("/deck/{dag_id}/{run_id}/{task_id}/{map_index}", dependencies=_READ_INSTANCE)
def deck_page(dag_id: str, run_id: str, task_id: str, map_index: int, node: str | None = None) -> Any:
    try:
        page = read_deck(dag_id, run_id, task_id, map_index, node)
    except errors.IntegrityError as refused:
        return JSONResponse({"detail": str(refused)}, status_code=409)
    if page is None:
        where = f"{task_id}[{map_index}]" + (f" node {node}" if node else "")
        return JSONResponse({"detail": f"no deck for {where} in run {run_id} of DAG {dag_id}"}, 404)
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff"}
    return HTMLResponse(page, headers=headers)
