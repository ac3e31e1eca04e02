"""Where the "Dynamic graph" view gets its data, inside the api-server: the metadata DB and the store.

For each compile task of the run that pushed a futures-spec reference (XCom ``spec``), the reference
is checked (``Expansion.from_xcom``: shape and signature), the spec's text is read from the blob
store and its HMAC checked on the raw text before it is parsed, as every reader of a spec does
(docs/security.md). A dynamic whose reference or spec fails a check is shown refused, with the
error naming the check and the object; the rest of the run is shown as usual. Unlike a worker, the
api-server never imports the user's code: the view needs only the wire JSON's tasks, nodes and
bindings, not live entities.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from airflow_dynflow.airflow import compat, errors, log_notes
from airflow_dynflow.airflow.child_runs import child_runs
from airflow_dynflow.airflow.dynamic_group import RUNNER_SUFFIX
from airflow_dynflow.airflow.plugins.deck_endpoint import deck_nodes
from airflow_dynflow.airflow.plugins.graph_model import (
    ChildRef,
    DynamicView,
    Instance,
    aggregate,
    build_dynamic,
)
from airflow_dynflow.airflow.runtime.child_request import verified_request
from airflow_dynflow.airflow.runtime.expansion import Expansion
from airflow_dynflow.airflow.runtime.instance_decks import deck_url
from airflow_dynflow.airflow.runtime.node_error import ERROR_KEY, NodeError, verified_error
from airflow_dynflow.airflow.runtime.not_run import NOT_RUN_KEY, verified_dependency
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import location
from airflow_dynflow.core.errors import SpecError
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.wire.spec_read import spec_digest, verified_spec_json

__all__ = ["TRIGGERER_SILENT_AFTER", "RunGraph", "read_run_graph", "triggerer_notice", "verified_wire"]

_SPEC_KEY = "spec"
# A triggerer heartbeats every few seconds (``[triggerer] job_heartbeat_sec``, 5 by default); this
# much silence while instances are deferred means it is gone, not busy.
TRIGGERER_SILENT_AFTER = 30.0


def verified_wire(text: str, digest: str, signer: Signer, key: str) -> dict[str, Any]:
    """The spec's JSON once its digest is the one compiled for the run and its HMAC holds."""
    if spec_digest(text) != digest:
        raise errors.futures_spec_replaced(key)
    try:
        data = verified_spec_json(text, signer)
    except SpecError:
        raise errors.forged_futures_spec(key, signer.mismatch(digest)) from None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise errors.bad_spec_reference(key)
    return data


class RunGraph:
    """Every dynamic of one DAG run, plus the run's state, its result and (for a child) its parent."""

    def __init__(
        self,
        dag_id: str,
        run_id: str,
        state: str | None,
        dynamics: list[DynamicView],
        result: Any = None,
        note: str | None = None,
        parent: dict[str, str] | None = None,
        dynamic: str | None = None,
        triggerer: str | None = None,
    ) -> None:
        self.dag_id = dag_id
        self.run_id = run_id
        self.state = state
        self.dynamics = dynamics
        self.result = result
        self.note = note
        self.parent = parent  # a child run's parent: dag_id, run_id and node (n0)
        self.dynamic = dynamic  # a child run's dynamic, as its request names it (module:name)
        self.triggerer = triggerer  # why deferred instances are not moving, when no triggerer is alive

    def to_json(self) -> dict[str, Any]:
        return {
            "dag_id": self.dag_id,
            "run_id": self.run_id,
            "state": self.state,
            "result": self.result,
            "note": self.note,
            "parent": self.parent,
            "dynamic": self.dynamic,
            "triggerer": self.triggerer,
            "dynamics": [d.to_json() for d in self.dynamics],
        }


def _child_request(
    signer: Signer, dag_id: str, run_id: str, conf: Any
) -> tuple[dict[str, str] | None, str | None]:
    """(parent, dynamic ref) of a child run whose signed request holds, else (None, None): a forged
    or edited conf names no parent, and nothing in it is used before its signature is checked."""
    if not dag_id.endswith(RUNNER_SUFFIX) or not conf:
        return None, None
    try:
        request = verified_request(signer, conf, dag_id, run_id)
    except errors.IntegrityError:
        return None, None
    parent = {k: request["parent"].get(k) for k in ("dag_id", "run_id", "node")}
    if not all(isinstance(v, str) for v in parent.values()):
        return None, request["dynamic"]["ref"]
    return parent, request["dynamic"]["ref"]


def _records(session: Any, dag_id: str, run_id: str, nodes_task: str, key: str) -> list[tuple[int, Any]]:
    """(map index, value) of every ``key`` XCom the run's generated-node instances pushed."""
    from airflow.models.xcom import XComModel
    from sqlalchemy import select

    rows = session.execute(
        select(XComModel.map_index, XComModel.value).where(
            XComModel.dag_id == dag_id,
            XComModel.run_id == run_id,
            XComModel.task_id == nodes_task,
            XComModel.key == key,
        )
    ).all()
    return [(map_index, compat.stored_xcom_value(raw)) for map_index, raw in rows]


def _not_run(session: Any, signer: Signer, dag_id: str, run_id: str, nodes_task: str) -> dict[int, int]:
    """Instance -> the instance it did not run for, from the checked ``dynflow_not_run`` records."""
    found = {}
    for map_index, record in _records(session, dag_id, run_id, nodes_task, NOT_RUN_KEY):
        dependency = verified_dependency(signer, record, dag_id, run_id, nodes_task, map_index)
        if dependency is not None:
            found[map_index] = dependency
    return found


def _node_errors(session: Any, signer: Signer, dag_id: str, run_id: str, nodes_task: str) -> list[NodeError]:
    """What each failed node raised, from the checked ``dynflow_error`` records (others ignored)."""
    found = []
    for map_index, record in _records(session, dag_id, run_id, nodes_task, ERROR_KEY):
        error = verified_error(signer, record, dag_id, run_id, nodes_task, map_index)
        if error is not None:
            found.append(error)
    return found


def triggerer_notice(session: Any, dag_id: str, run_id: str) -> str | None:
    """What the page says when the run has deferred instances and no triggerer is alive to wake them."""
    from airflow.models.taskinstance import TaskInstance
    from sqlalchemy import func, select

    deferred = session.scalar(
        select(func.count()).where(
            TaskInstance.dag_id == dag_id,
            TaskInstance.run_id == run_id,
            TaskInstance.state == "deferred",
        )
    )
    if not deferred:
        return None
    last = compat.latest_heartbeat(session, "TriggererJob")
    silent_for = None if last is None else (datetime.now(UTC) - last).total_seconds()
    if silent_for is not None and silent_for < TRIGGERER_SILENT_AFTER:
        return None
    return log_notes.triggerer_not_alive(deferred, silent_for)


def latest_run_id(dag_id: str) -> str | None:
    """The DAG's newest run (the one created last), or None before its first run: what the DAG
    page's "Dynamic graph" tab shows."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        found: str | None = session.scalar(
            select(DagRun.run_id).where(DagRun.dag_id == dag_id).order_by(DagRun.id.desc()).limit(1)
        )
    return found


def read_run_graph(dag_id: str, run_id: str, *, aggregate_above: int | None = None) -> RunGraph | None:
    """The run's graph, or None when there is no such run."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    signer = deployment_signer()
    store = BlobStore()
    with create_session() as session:
        run = session.scalar(select(DagRun).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id))
        if run is None:
            return None
        state = str(run.state) if run.state is not None else None
        note = run.note
        parent, dynamic_ref = _child_request(signer, dag_id, run_id, run.conf)
        triggerer = triggerer_notice(session, dag_id, run_id)
        # The latest child run of each parent node (an earlier one served other inputs).
        children = {
            (c.task_id, c.map_index): ChildRef(c.dag_id, c.run_id)
            for c in child_runs(session, dag_id, run_id, run.run_after)
        }
        refs = session.execute(
            select(XComModel.task_id, XComModel.value).where(
                XComModel.dag_id == dag_id,
                XComModel.run_id == run_id,
                XComModel.key == _SPEC_KEY,
                XComModel.map_index == -1,
            )
        ).all()
        result_row = session.execute(
            select(XComModel.value).where(
                XComModel.dag_id == dag_id,
                XComModel.run_id == run_id,
                XComModel.task_id == "outputs",
                XComModel.key == "return_value",
                XComModel.map_index == -1,
            )
        ).first()
        dynamics = []
        for compile_task, raw in sorted(refs):
            prefix = compile_task[: -len("compile")]
            nodes_task = f"{prefix}nodes"
            where = location(dag_id, run_id, compile_task) + "/spec"
            try:
                expansion = Expansion.from_xcom(compat.stored_xcom_value(raw), signer, where)
                text = store.read_bytes(expansion.key).decode(errors="replace")
                wire = verified_wire(text, expansion.digest, signer, expansion.key)
            except (errors.IntegrityError, errors.BadFuturesSpecError) as refused:
                # One forged reference must not take the whole page down: that dynamic shows the
                # check it failed, every other one shows as usual.
                group = prefix.rstrip(".")
                dynamics.append(DynamicView(group, compile_task, nodes_task, 1, (), refused=str(refused)))
                continue
            rows = session.execute(
                select(
                    TaskInstance.map_index,
                    TaskInstance.state,
                    TaskInstance.start_date,
                    TaskInstance.end_date,
                    TaskInstance.try_number,
                ).where(
                    TaskInstance.dag_id == dag_id,
                    TaskInstance.run_id == run_id,
                    TaskInstance.task_id == nodes_task,
                )
            ).all()
            instances = {
                r.map_index: Instance(
                    str(r.state) if r.state is not None else None,
                    (r.end_date - r.start_date).total_seconds() if r.start_date and r.end_date else None,
                    r.try_number or 0,
                )
                for r in rows
            }

            def child_of(label: str, map_index: int, nodes_task: str = nodes_task) -> ChildRef | None:
                return children.get((nodes_task, map_index))

            with_decks = deck_nodes(session, dag_id, run_id, nodes_task)

            def deck_of(
                node: str, map_index: int, nodes_task: str = nodes_task, found: Any = with_decks
            ) -> str | None:
                has = node in found.get(map_index, ())
                return deck_url(dag_id, run_id, nodes_task, map_index, node) if has else None

            dynamic = build_dynamic(
                prefix.rstrip("."),
                wire,
                batch=expansion.batch,
                instances=instances,
                compile_task=compile_task,
                nodes_task=nodes_task,
                child_of=child_of,
                not_run=_not_run(session, signer, dag_id, run_id, nodes_task),
                deck_of=deck_of,
                node_errors=_node_errors(session, signer, dag_id, run_id, nodes_task),
            )
            dynamics.append(dynamic if aggregate_above is None else aggregate(dynamic, aggregate_above))
    result = compat.stored_xcom_value(result_row[0]) if result_row is not None else None
    return RunGraph(dag_id, run_id, state, dynamics, result, note, parent, dynamic_ref, triggerer)


def iter_nodes(graph: RunGraph) -> Iterator[tuple[DynamicView, Any]]:
    for d in graph.dynamics:
        for n in d.nodes:
            yield d, n
