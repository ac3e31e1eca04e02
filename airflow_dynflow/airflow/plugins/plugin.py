"""The plugin the package registers (entry point ``airflow.plugins``): the app and its tab, and
the listener that repairs nested dynamics (``plugins.repair``).

Airflow 3.3 mounts ``fastapi_apps`` on the api-server and shows ``external_views`` in the UI; with
``destination="dag_run"`` the view is a tab of every DAG run, its ``href`` placeholders filled in, and
with ``destination="dag"`` a tab of every DAG page (its newest run's graph).
Every component loads plugins, task runners included, so the FastAPI app is imported only when the
api-server asks for it, and the listener module imports nothing of ours until a hook is called.
Loading is where each component checks the deployment's signing key (``on_load``): a missing or
weak key fails the plugin at start, naming the setting, and a good one logs its fingerprint.
"""

from __future__ import annotations

from typing import Any

from airflow.plugins_manager import AirflowPlugin

from airflow_dynflow.airflow.plugins import repair

__all__ = ["DynflowPlugin"]

EXTERNAL_VIEWS = [
    {
        "name": "Dynamic graph",
        "href": "/dynflow/graph/{DAG_ID}/{RUN_ID}",
        "destination": "dag_run",
        "url_route": "dynamic-graph",
    },
    # The DAG page's tab: its newest run's graph.
    {
        "name": "Dynamic graph",
        "href": "/dynflow/dags/{DAG_ID}/latest",
        "destination": "dag",
        "url_route": "dynamic-graph-latest",
    },
]


class DynflowPlugin(AirflowPlugin):
    name = "dynflow"
    external_views: list[Any] = EXTERNAL_VIEWS  # (AirflowPlugin's own shape)
    listeners: list[Any] = [repair]  # noqa: RUF012

    @classmethod
    def on_load(cls, *args: Any, **kwargs: Any) -> None:
        from airflow_dynflow.airflow.signing_key import deployment_signer

        deployment_signer()

    @property
    def fastapi_apps(self) -> list[Any]:  # type: ignore[override]
        from airflow_dynflow.airflow.plugins.app import app

        return [{"app": app, "url_prefix": "/dynflow", "name": "Dynamic graph"}]
