"""A dynamic nested in a dynamic: a run of the runner DAG ``<dag_id>__dynflow`` per node and request.

The generated node triggers the child run with the dynamic and its inputs in the run's conf
(``DagRunTriggerException``, deferrable, waiting for completion), and reads the child's ``result``
XCom once it succeeded. Which child run a node uses is decided afresh on every try:

- its id is ``<label>__<identity>``, the identity a keyed digest of the node's place, the dynamic
  and its inputs (``runtime.child_request.request_identity``): other inputs (a value that changed
  before the run was cleared) mean another child run, never the old one's result;
- no run under that id yet: trigger it; one still running: wait for it;
- succeeded: use its result, unless this node had already used it before it was cleared (its
  stored outputs belong to an earlier generation): a clear asks for the node to run again, so the
  child run is reset, a new generation of it;
- failed: the node fails for good, naming the node that failed inside the child. Nothing is
  retried behind the user's back; "Clear failed" on either run resumes both (``plugins.repair``).

A run under that id which this node did not start (its request fails the signature check at the
child's ``compile``) is never reset or read: the node fails, naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from airflow.sdk import BaseOperator, BaseOperatorLink, Context, ObjectStoragePath

from airflow_dynflow.airflow import compat, errors, log_notes
from airflow_dynflow.airflow.compat import AirflowFailException, DagRunTriggerException, TaskInstanceKey
from airflow_dynflow.airflow.runtime.child_request import (
    REQUEST_KEY,
    request_identity,
    request_location,
    result_location,
    signed_request,
)
from airflow_dynflow.airflow.store.payloads import Payloads
from airflow_dynflow.core.authoring.entities import Dynamic, checked_inputs
from airflow_dynflow.core.conversion.output_cache import cache_key

__all__ = ["ChildRun", "ChildRunLink", "child_run_id", "child_run_links", "display_ref"]

_LABEL_LENGTH = 60
# ``[scheduler] allowed_run_id_pattern`` (by default ``^[A-Za-z0-9_.~:+-]+$``, never ``..``) is
# what a run id given to a trigger must match.
_NOT_IN_RUN_IDS = re.compile(r"[^A-Za-z0-9_.~:+-]+")
# The module name Airflow's DagBag gives a DAG file it loads: unusual_prefix_<sha1>_<file stem>.
_DAGBAG_PREFIX = re.compile(r"^unusual_prefix_[0-9a-f]+_")
# The runner DAG's tasks, in the order a failure in them is looked for.
_RUNNER_TASKS = ("compile", "nodes", "result")
_FAILED = {"failed", "upstream_failed"}


def display_ref(ref: str) -> str:
    """``nested:middle`` for ``unusual_prefix_3f9c..._nested:middle``: the user's module name."""
    return _DAGBAG_PREFIX.sub("", ref)


def child_run_id(label: str, identity: str) -> str:
    """``n0_middle__<identity>``: the node's label first, so the runner DAG's run list reads by node;
    the identity alone makes it unique. Nothing is joined from names a user or a run id controls."""
    slug = _NOT_IN_RUN_IDS.sub("_", label).replace("..", "._")[:_LABEL_LENGTH].strip("_.") or "node"
    return f"{slug}__{identity}"


class ChildRunLink(BaseOperatorLink):
    """ "child run": from a generated node that is a nested dynamic to the run it started.

    The task SDK calls ``get_link`` in the worker when the instance finishes and stores the URL in
    XCom (the api-server only reads it back), so the link is whatever this process knew: the
    child run this instance triggered, waited for or read. Other instances get an empty link."""

    name = "child run"

    def get_link(self, operator: BaseOperator, *, ti_key: TaskInstanceKey) -> str:
        from airflow.utils.helpers import build_airflow_dagrun_url

        found = _CHILD_RUNS.get((ti_key.dag_id, ti_key.run_id, ti_key.task_id, ti_key.map_index))
        return build_airflow_dagrun_url(dag_id=found[0], run_id=found[1]) if found else ""


def child_run_links(entities: Iterable[object]) -> tuple[BaseOperatorLink, ...]:
    """The "child run" link for an instance that runs a nested dynamic, else none.

    The task SDK stores every declared extra link in XCom when an instance finishes, an empty one
    too: a request and a metadata-DB row per generated instance, for a link only a nested dynamic
    ever has. The operator object is this instance's own (a fresh unmapped copy), and the UI shows
    no link for an instance without the XCom, as it does for an empty one."""
    return (ChildRunLink(),) if any(isinstance(entity, Dynamic) for entity in entities) else ()


# (dag, run, task, map index) -> (runner DAG, child run id), for ChildRunLink in this process.
_CHILD_RUNS: dict[tuple[str, str, str, int], tuple[str, str]] = {}


class ChildRun:
    """The child run that serves one generated node's request (its dynamic and inputs)."""

    def __init__(
        self,
        *,
        operator: BaseOperator,
        label: str,
        context: Context,
        runner_dag_id: str,
        node: str,
        dynamic: Dynamic,
        inputs: Mapping[str, Any],
        hashes: Mapping[str, str],
        payloads: Payloads,
        folder: ObjectStoragePath,
    ) -> None:
        map_index = context["ti"].map_index
        assert map_index is not None, "generated-node instances are always mapped"
        self.operator = operator
        self.label = label
        self.context = context
        self.runner_dag_id = runner_dag_id
        self.dynamic = dynamic
        self.inputs = checked_inputs(dynamic.interface, inputs)
        self.payloads = payloads
        self.parent = {
            "dag_id": operator.dag_id,
            "run_id": context["run_id"],
            "task_id": operator.task_id,
            "map_index": map_index,
            "node": node,
        }
        self.target = {"ref": dynamic.origin.ref, "version": dynamic.origin.version}
        digest = cache_key(dynamic.origin.ref, dynamic.origin.version, dynamic.interface, self.inputs, hashes)
        identity = request_identity(payloads.signer, runner_dag_id, self.parent, self.target, digest)
        self.run_id = child_run_id(label, identity)
        self.folder = folder / "child" / identity
        place = (operator.dag_id, context["run_id"], operator.task_id, map_index)
        _CHILD_RUNS[place] = (runner_dag_id, self.run_id)

    def outputs_or_trigger(self, used_before: bool) -> dict[str, Any]:
        """The child's outputs if it already succeeded for this generation of the node; otherwise
        trigger it, reset it or wait for it (each raises). ``used_before``: this node already
        used the child's result in an earlier generation, before it was cleared."""
        if not compat.dag_run_exists(self.runner_dag_id, self.run_id):
            raise self._trigger(reset=False)
        state = compat.dag_run_state(self.runner_dag_id, self.run_id)
        if state == "success":
            if not used_before:
                return self.outputs()
            self.operator.log.info(
                "%s: cleared after it used child run %s: resetting it, a new generation of the child",
                self.label,
                self.run_id,
            )
            raise self._trigger(reset=True)
        if state == "failed":
            raise self.failure()
        self._wait()

    def finished_outputs(self) -> dict[str, Any]:
        """After the wait: the child's outputs, or the node fails naming what failed in the child."""
        if compat.dag_run_state(self.runner_dag_id, self.run_id) != "success":
            raise self.failure()
        return self.outputs()

    def outputs(self) -> dict[str, Any]:
        envelope = self.context["ti"].xcom_pull(
            dag_id=self.runner_dag_id, run_id=self.run_id, task_ids="result"
        )
        if envelope is None:
            raise errors.child_run_without_result(self.label, self.run_id)
        where = result_location(self.runner_dag_id, self.run_id)
        return self.payloads.decode_outputs(self.dynamic.interface, envelope, where)

    def failure(self) -> AirflowFailException:
        """What failed in the child run, by label and link. Nodes come in topological order, so the
        lowest failed map index failed on its own, not because of a dependency."""
        states = compat.run_task_states(self.runner_dag_id, self.run_id, list(_RUNNER_TASKS))
        failed = sorted(
            (_RUNNER_TASKS.index(task), index) for (task, index), state in states.items() if state in _FAILED
        )
        if not failed:
            return errors.child_run_failed(self.label, self.run_id, self.runner_dag_id, "no task", "")
        task_id, index = _RUNNER_TASKS[failed[0][0]], failed[0][1]
        if task_id == "compile" and self._request_refused():
            return errors.child_run_not_ours(self.label, self.run_id, self.runner_dag_id)
        url = compat.instance_url(self.runner_dag_id, self.run_id, task_id, index)
        return errors.child_run_failed(
            self.label, self.run_id, self.runner_dag_id, self._describe(task_id, index), url
        )

    def _request_refused(self) -> bool:
        """The child's compile records the parent it serves once the request's signature held."""
        recorded = self._pull("compile", REQUEST_KEY)
        return bool(recorded != self.parent)

    def _describe(self, task_id: str, index: int) -> str:
        if task_id != "nodes":
            return task_id
        labels = self._pull("compile", "return_value")
        label = labels[index] if isinstance(labels, list) and index < len(labels) else f"node {index}"
        return f"{label} (nodes, map index {index})"

    def _pull(self, task_id: str, key: str) -> Any:
        return self.context["ti"].xcom_pull(
            dag_id=self.runner_dag_id, run_id=self.run_id, task_ids=task_id, key=key
        )

    def _wait(self) -> NoReturn:
        from airflow.providers.standard.triggers.external_task import DagStateTrigger

        self.operator.defer(
            trigger=DagStateTrigger(
                dag_id=self.runner_dag_id,
                states=["success", "failed"],  # type: ignore[list-item]
                run_ids=[self.run_id],
                execution_dates=None,
                poll_interval=1,
            ),
            method_name="execute_complete",
        )

    def _trigger(self, reset: bool) -> DagRunTriggerException:
        """A new child run carries the signed request; a reset keeps the run's own (same id, same
        request), so the inputs are not encoded again over the blobs it refers to."""
        conf: dict[str, Any] = {}
        if not reset:
            params = self.dynamic.interface.inputs
            where = request_location(self.runner_dag_id, self.run_id)
            encoded = {
                name: self.payloads.encode(
                    params[name].converter, value, self.folder / name, f"{where}/{name}"
                )
                for name, value in self.inputs.items()
            }
            conf = signed_request(
                self.payloads.signer,
                self.runner_dag_id,
                self.run_id,
                dynamic=self.target,
                inputs=encoded,
                parent=self.parent,
            )
        op = self.operator
        return compat.trigger_dag_run(
            trigger_dag_id=self.runner_dag_id,
            dag_run_id=self.run_id,
            conf=conf,
            logical_date=None,
            reset_dag_run=reset,
            skip_when_already_exists=False,
            wait_for_completion=True,
            allowed_states=["success"],
            failed_states=["failed"],
            poke_interval=1,
            deferrable=True,
            note=log_notes.child_run_note(
                op.dag_id, self.context["run_id"], self.label, display_ref(self.dynamic.origin.ref)
            ),
        )
