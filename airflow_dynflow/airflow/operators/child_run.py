"""A dynamic nested in a dynamic: one run of the runner DAG ``<dag_id>__dynflow`` per node.

The generated node triggers the child run with the dynamic and its inputs in the run's conf
(``DagRunTriggerException``, deferrable, waiting for completion), and reads the child's ``result``
XCom once it succeeded. A try that finds the child run already there waits for it instead of
triggering again, so a retried node never starts a second child.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from airflow.sdk import BaseOperator, BaseOperatorLink, Context, ObjectStoragePath
from airflow.sdk.exceptions import DagRunTriggerException
from airflow.sdk.types import TaskInstanceKey

from airflow_dynflow.airflow import compat, errors
from airflow_dynflow.airflow.runtime.child_request import request_location, result_location, signed_request
from airflow_dynflow.airflow.store.payloads import Payloads
from airflow_dynflow.core.entities import Dynamic, checked_inputs

__all__ = ["ChildRun", "ChildRunLink", "child_run_id", "display_ref", "link_only_for_child_runs"]

# Airflow caps run ids at 250 characters, and ``[scheduler] allowed_run_id_pattern`` (by default
# ``^[A-Za-z0-9_.~:+-]+$``, never ``..``) is what a run id given to a trigger must match.
_RUN_ID_LENGTH = 250
_LABEL_LENGTH = 60
_NOT_IN_RUN_IDS = re.compile(r"[^A-Za-z0-9_.~:+-]+")
# The module name Airflow's DagBag gives a DAG file it loads: unusual_prefix_<sha1>_<file stem>.
_DAGBAG_PREFIX = re.compile(r"^unusual_prefix_[0-9a-f]+_")


def display_ref(ref: str) -> str:
    """``nested:middle`` for ``unusual_prefix_3f9c..._nested:middle``: the user's module name."""
    return _DAGBAG_PREFIX.sub("", ref)


def child_run_id(label: str, parent_run_id: str, task_id: str, map_index: int) -> str:
    """``n0_middle__<parent run>__<task>__<map index>``: the node's label first, so the runner
    DAG's run list reads by node; the rest makes it unique and stable across tries. Too long, the
    parent's run id gives way to its hash."""
    slug = _NOT_IN_RUN_IDS.sub("_", label).replace("..", "._")[:_LABEL_LENGTH].strip("_") or "node"
    run_id = f"{slug}__{parent_run_id}__{task_id}__{map_index}"
    if len(run_id) > _RUN_ID_LENGTH:
        digest = hashlib.sha256(parent_run_id.encode()).hexdigest()[:16]
        run_id = f"{slug}__{digest}__{task_id}"[: _RUN_ID_LENGTH - 12] + f"__{map_index}"
    return run_id.replace("..", "._")


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


def link_only_for_child_runs(operator: BaseOperator, entities: Iterable[object]) -> None:
    """Drop the "child run" link from an instance that runs no nested dynamic.

    The task SDK stores every declared extra link in XCom when an instance finishes, an empty one
    too: a request and a metadata-DB row per generated instance, for a link only a nested dynamic
    ever has. The operator object is this instance's own (a fresh unmapped copy), and the UI shows
    no link for an instance without the XCom, as it does for an empty one."""
    if not any(isinstance(entity, Dynamic) for entity in entities):
        operator.operator_extra_links = ()


# (dag, run, task, map index) -> (runner DAG, child run id), for ChildRunLink in this process.
_CHILD_RUNS: dict[tuple[str, str, str, int], tuple[str, str]] = {}


class ChildRun:
    """The child run of one generated node; ``resume_method`` is the operator's method the wait ends in."""

    def __init__(
        self,
        *,
        operator: BaseOperator,
        item: str,
        context: Context,
        runner_dag_id: str,
        map_index: int,
        payloads: Payloads,
        folder: ObjectStoragePath,
        resume_method: str,
    ) -> None:
        self.operator = operator
        self.item = item
        self.context = context
        self.runner_dag_id = runner_dag_id
        self.map_index = map_index
        self.payloads = payloads
        self.folder = folder
        self.resume_method = resume_method
        self.run_id = child_run_id(item, context["run_id"], operator.task_id, map_index)

    def _remember(self) -> None:
        """For the "child run" link this instance's finalize stores."""
        place = (self.operator.dag_id, self.context["run_id"], self.operator.task_id, self.map_index)
        _CHILD_RUNS[place] = (self.runner_dag_id, self.run_id)

    def outputs_or_trigger(self, dynamic: Dynamic, inputs: Mapping[str, Any], node: str) -> dict[str, Any]:
        """The child's outputs if it already succeeded; otherwise wait for it or trigger it (raises)."""
        self._remember()
        exists = compat.dag_run_exists(self.runner_dag_id, self.run_id)
        if exists:
            state = compat.dag_run_state(self.runner_dag_id, self.run_id)
            if state == "success":
                return self.outputs(dynamic)
            if state != "failed":
                self._wait()
        raise self._trigger(dynamic, inputs, node, rerun=exists)

    def finished_outputs(self, dynamic: Dynamic, label: str) -> dict[str, Any]:
        """After the wait: the child's outputs, or an error naming the child run and its state."""
        self._remember()
        state = compat.dag_run_state(self.runner_dag_id, self.run_id)
        if state != "success":
            raise errors.child_run_failed(label, self.run_id, self.runner_dag_id, state)
        return self.outputs(dynamic)

    def outputs(self, dynamic: Dynamic) -> dict[str, Any]:
        envelope = self.context["ti"].xcom_pull(
            dag_id=self.runner_dag_id, run_id=self.run_id, task_ids="result"
        )
        if envelope is None:
            raise errors.child_run_without_result(self.item, self.run_id)
        return self.payloads.decode_outputs(
            dynamic.interface, envelope, result_location(self.runner_dag_id, self.run_id)
        )

    def _wait(self) -> None:
        from airflow.providers.standard.triggers.external_task import DagStateTrigger

        self.operator.defer(
            trigger=DagStateTrigger(
                dag_id=self.runner_dag_id,
                states=["success", "failed"],  # type: ignore[list-item]
                run_ids=[self.run_id],
                execution_dates=None,
                poll_interval=1,
            ),
            method_name=self.resume_method,
        )

    def _trigger(
        self, dynamic: Dynamic, inputs: Mapping[str, Any], node: str, rerun: bool
    ) -> DagRunTriggerException:
        params = dynamic.interface.inputs
        where = request_location(self.runner_dag_id, self.run_id)
        encoded = {
            name: self.payloads.encode(
                params[name].converter, value, self.folder / "child" / name, f"{where}/{name}"
            )
            for name, value in checked_inputs(dynamic.interface, inputs).items()
        }
        op = self.operator
        request = signed_request(
            self.payloads.signer,
            self.runner_dag_id,
            self.run_id,
            dynamic={"ref": dynamic.origin.ref, "version": dynamic.origin.version},
            inputs=encoded,
            parent={
                "dag_id": op.dag_id,
                "run_id": self.context["run_id"],
                "task_id": op.task_id,
                "map_index": self.map_index,
                "node": node,
            },
        )
        return DagRunTriggerException(
            trigger_dag_id=self.runner_dag_id,
            dag_run_id=self.run_id,
            conf=request,
            logical_date=None,
            reset_dag_run=rerun,
            skip_when_already_exists=False,
            wait_for_completion=True,
            allowed_states=["success"],
            failed_states=["failed"],
            poke_interval=1,
            deferrable=True,
            note=errors.child_run_note(
                op.dag_id, self.context["run_id"], self.item, display_ref(dynamic.origin.ref)
            ),
        )
