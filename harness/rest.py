"""``AirflowClient``: the REST client tests and benchmarks drive and read a running Airflow through.

End-to-end tests read results the way users do, through the api-server's ``/api/v2`` views, so a
regression there (serialization, mapped-instance labels, task logs) fails a test. An ``AirflowStack``
hands one out as ``stack.api``; the facts about Airflow 3.3.2's REST API it relies on are listed in
``harness.stack``'s docstring.

Only HTTP here: importing this module must not configure Airflow in the caller's process. The one
exception is on use: ``xcom`` decodes serde envelopes with ``airflow.sdk.serde``; ``xcom_json`` returns
the stored JSON without importing Airflow.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from harness.polling import PollTimeout, poll_until

ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin"
FINISHED_RUN_STATES = frozenset({"success", "failed"})
_PAGE_SIZE = 100  # the default [api] maximum_page_limit
_POLL_SECONDS = 0.5
_IDEMPOTENT_RETRIES = 3
# How long a person takes at least to answer a human-in-the-loop request (``AirflowClient.answer``).
_SETTLE_SECONDS = 5.0


class AirflowStackError(RuntimeError):
    """The stack could not start, refused a request, or something a caller waits for never happened."""


class AirflowClient:
    """An admin's REST session against one api-server.

    ``diagnostics`` is called when a wait fails, and its text (the stack's log tails) is appended to the
    error, so a failure explains itself without a second run.
    """

    def __init__(self, base_url: str, *, diagnostics: Callable[[], str] = lambda: "") -> None:
        self.base_url = base_url
        self._diagnostics = diagnostics
        self._client = httpx.Client(base_url=base_url, timeout=30.0)
        self._token: str | None = None

    def close(self) -> None:
        self._client.close()

    # -- transport -------------------------------------------------------------------------------

    def health(self) -> dict[str, Any] | None:
        """``GET /api/v2/monitor/health`` (no token needed), or None while the server is not answering."""
        try:
            response = self._client.get("/api/v2/monitor/health")
        except httpx.TransportError:
            return None
        return response.json() if response.status_code == 200 else None

    def token(self) -> str:
        """A JWT for the admin user; fetched once, as it lives 24 h (``[api_auth] jwt_expiration_time``)."""
        if self._token is None:
            response = self._client.post(
                "/auth/token", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD}
            )
            _raise_for_status(response)
            self._token = response.json()["access_token"]
        return self._token

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; a GET or PATCH that meets a server error or a time-out is tried again a few
        times.

        On SQLite a busy stack answers the odd request with "500 Database error" (a locked database),
        and on a loaded 2-core machine (a component just restarted, a scheduler catching up) the
        api-server can take longer than the client's 30 s to answer. Those two methods are idempotent,
        so trying again is safe, where a POST might act twice.
        """
        headers = {"Authorization": f"Bearer {self.token()}", **kwargs.pop("headers", {})}
        retries = _IDEMPOTENT_RETRIES if method in ("GET", "PATCH") else 0
        for attempt in range(1, retries + 1):
            try:
                response = self._client.request(method, path, headers=headers, **kwargs)
            except httpx.TimeoutException:
                pass
            else:
                if response.status_code < 500:
                    return response
            time.sleep(_POLL_SECONDS * attempt)
        return self._client.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        response = self._request("GET", path, params=params)
        _raise_for_status(response)
        return response.json()

    def post(self, path: str, json: Any) -> Any:
        response = self._request("POST", path, json=json)
        _raise_for_status(response)
        return response.json()

    def patch(self, path: str, json: Any, **params: Any) -> Any:
        response = self._request("PATCH", path, json=json, params=params)
        _raise_for_status(response)
        return response.json()

    def delete(self, path: str) -> None:
        _raise_for_status(self._request("DELETE", path))

    def _pages(self, path: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield every item of a paginated collection; mapped tasks easily exceed one page."""
        offset = 0
        while True:
            page = self.get(path, limit=_PAGE_SIZE, offset=offset, **params)
            yield from page[key]
            offset += len(page[key])
            if not page[key] or offset >= page["total_entries"]:
                return

    # -- DAGs and runs ---------------------------------------------------------------------------

    def wait_for_dag(self, dag_id: str, timeout: float = 90.0) -> dict[str, Any]:
        """Block until the dag-processor has serialized ``dag_id``; a DAG the scheduler cannot see yet
        cannot be triggered. On timeout the error lists the import errors the API knows of."""

        def parsed() -> dict[str, Any] | None:
            response = self._request("GET", f"/api/v2/dags/{dag_id}")
            if response.status_code == 404:
                return None
            _raise_for_status(response)
            found: dict[str, Any] = response.json()
            return found

        try:
            return poll_until(
                parsed, timeout=timeout, interval=_POLL_SECONDS, describe=f"DAG {dag_id!r} to be parsed"
            )
        except PollTimeout as waited:
            errors = list(self._pages("/api/v2/importErrors", "import_errors"))
            details = "\n".join(f"{error['filename']}:\n{error['stack_trace']}" for error in errors)
            raise AirflowStackError(
                f"DAG {dag_id!r} not parsed after {timeout:.0f}s.\nImport errors: {details or 'none'}\n"
                f"{self._diagnostics()}"
            ) from waited

    def trigger(self, dag_id: str, conf: dict[str, Any]) -> str:
        """Start a manual run now and return its run id; unpauses first in case the stack's environment
        asked for paused-at-creation DAGs."""
        self.patch(f"/api/v2/dags/{dag_id}", {"is_paused": False})
        run = self.post(f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None, "conf": conf})
        return str(run["dag_run_id"])

    def clear_run(self, dag_id: str, run_id: str, *, only_failed: bool = False) -> None:
        """What the run page's "Clear Run" does (with its "Only failed" box for ``only_failed``)."""
        self.post(
            f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/clear", {"dry_run": False, "only_failed": only_failed}
        )

    def clear_instance(self, dag_id: str, run_id: str, task_id: str, map_index: int) -> None:
        """What "Clear" on one task instance does, with its default "Downstream" box ticked."""
        self.post(
            f"/api/v2/dags/{dag_id}/clearTaskInstances",
            {
                "dry_run": False,
                "dag_run_id": run_id,
                "task_ids": [[task_id, map_index]],
                "only_failed": False,
                "include_downstream": True,
                "reset_dag_runs": True,
            },
        )

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        return list(self._pages(f"/api/v2/dags/{dag_id}/dagRuns", "dag_runs"))

    def run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        """The run as ``GET .../dagRuns/{run_id}`` reports it (state, start and end dates, conf)."""
        return dict(self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}"))

    def finished_run(self, dag_id: str, run_id: str) -> dict[str, Any] | None:
        """The run when it is finished (successful or failed), else None: a predicate for polling."""
        run = self.run(dag_id, run_id)
        return run if run["state"] in FINISHED_RUN_STATES else None

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 180.0) -> str:
        """Block until the run finishes and return its state; a failed run is a result, not an error.

        Also right after clearing tasks with ``reset_dag_runs``: the API puts the run back in ``queued``
        before it answers, so a cleared run is never mistaken for the finished one.
        """
        try:
            run = poll_until(
                lambda: self.finished_run(dag_id, run_id),
                timeout=timeout,
                interval=_POLL_SECONDS,
                describe=f"run {dag_id}/{run_id} to finish",
            )
        except PollTimeout as waited:
            state = self.run(dag_id, run_id)["state"]
            instances = "\n".join(
                f"  {ti['task_id']}[{ti['map_index']}]: {ti['state']}"
                for ti in self.task_instances(dag_id, run_id)
            )
            raise AirflowStackError(
                f"Run {dag_id}/{run_id} still {state!r} after {timeout:.0f}s.\nTask instances:\n{instances}\n"
                f"{self._diagnostics()}"
            ) from waited
        return str(run["state"])

    # -- human-in-the-loop requests (the UI's "Required Actions") ----------------------------------

    def required_action(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> dict[str, Any] | None:
        """A task instance's human-in-the-loop request, or None while it has not written one yet."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/{map_index}/hitlDetails"
        response = self._request("GET", path)
        if response.status_code == 404:
            return None
        _raise_for_status(response)
        return dict(response.json())

    def answer(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        chosen_options: list[str],
        params_input: dict[str, Any] | None = None,
        map_index: int = -1,
        timeout: float = 120.0,
    ) -> dict[str, Any]:
        """Wait until the task waits for an answer, then answer it as a person in the UI would.

        The request is written before the task instance parks (``awaiting_input`` on 3.3, ``deferred``
        before): an answer given in between is recorded but does not resume the task until its
        timeout (Airflow 3.3.2), so the answer waits for the park as well as for the request. And
        the parked task's process exits a moment after the park: an answer before then requeues the
        task while the old process still runs, and the scheduler fails it when that process's
        "success" arrives (Airflow 3.3.2). A person takes seconds; the answer waits as long.
        """

        def waiting() -> dict[str, Any] | None:
            instance = self.task_instance(dag_id, run_id, task_id, map_index)
            if instance is None or instance["state"] not in ("awaiting_input", "deferred"):
                return None
            return self.required_action(dag_id, run_id, task_id, map_index)

        poll_until(
            waiting,
            timeout=timeout,
            interval=_POLL_SECONDS,
            describe=f"{dag_id}/{run_id}/{task_id} to wait for its human-in-the-loop answer",
        )
        time.sleep(_SETTLE_SECONDS)
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/{map_index}/hitlDetails"
        payload = {"chosen_options": chosen_options, "params_input": params_input or {}}
        return dict(self.patch(path, payload))

    # -- what a run left behind ------------------------------------------------------------------

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        return list(self._pages(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances", "task_instances"))

    def list_mapped(self, dag_id: str, run_id: str, task_id: str) -> list[dict[str, Any]]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/listMapped"
        return list(self._pages(path, "task_instances"))

    def xcom_json(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        key: str = "return_value",
        map_index: int | None = None,
    ) -> Any:
        """The XCom's stored JSON, without importing Airflow: plain values (ints, strings, lists, dicts)
        are already themselves; others are serde envelopes (``{"__classname__": ...}``)."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/{key}"
        params = {} if map_index is None else {"map_index": map_index}
        return self.get(path, **params)["value"]

    def xcom(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        key: str = "return_value",
        map_index: int | None = None,
    ) -> Any:
        """The value a downstream ``xcom_pull`` would get.

        The endpoint returns the stored JSON, where values JSON cannot express are serde envelopes
        (``{"__classname__": "builtins.tuple", ...}``); ``deserialize=true`` would turn those into display
        strings, so they are decoded here with the same serde the workers use.
        """
        # Imported on use: the rest of the client talks only HTTP and must not configure Airflow in the
        # caller's process just by being imported.
        from airflow_dynflow.airflow.compat import deserialize

        return deserialize(self.xcom_json(dag_id, run_id, task_id, key=key, map_index=map_index))

    def task_instance(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1
    ) -> dict[str, Any] | None:
        """One task instance as the API reports it (state, try_number ...), or None while it does not
        exist yet (a mapped instance before its task expanded)."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"
        response = self._request("GET", path if map_index < 0 else f"{path}/{map_index}")
        if response.status_code == 404:
            return None
        _raise_for_status(response)
        return dict(response.json())

    def set_xcom(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        value: Any,
        key: str = "return_value",
        map_index: int = -1,
    ) -> None:
        """Overwrite an XCom entry, as anybody allowed to edit XComs in the UI or the API can."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/{key}"
        self.patch(path, {"value": value, "map_index": map_index})

    def task_log(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        try_number: int = 1,
        map_index: int = -1,
    ) -> str:
        """The task's log as text, one event per line, so tests can search it like a log file."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}"
        response = self._request(
            "GET",
            path,
            params={"map_index": map_index, "full_content": True},
            headers={"Accept": "application/json"},
        )
        _raise_for_status(response)
        return "\n".join(_log_line(entry) for entry in response.json()["content"])


def _log_line(entry: str | dict[str, Any]) -> str:
    if isinstance(entry, str):
        return entry
    fields = " ".join(
        f"{key}={value}" for key, value in entry.items() if key not in {"event", "timestamp", "level"}
    )
    level = f"[{entry['level']}] " if "level" in entry else ""
    return f"{level}{entry['event']} {fields}".rstrip()


def _raise_for_status(response: httpx.Response) -> None:
    """Like ``raise_for_status`` but with the body, where Airflow puts the reason a request failed."""
    if response.is_error:
        raise AirflowStackError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text}"
        )
