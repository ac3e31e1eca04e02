"""A dynamic nested in a dynamic: one run of the runner DAG ``<dag_id>__dynflow`` per node.

The generated node triggers the child run with the dynamic and its inputs in the run's conf
(``DagRunTriggerException``, deferrable, waiting for completion), and reads the child's ``result``
XCom once it succeeded. A try that finds the child run already there waits for it instead of
triggering again, so a retried node never starts a second child.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator, Context, ObjectStoragePath
from airflow.sdk.exceptions import DagRunTriggerException

from airflow_dynflow.airflow import compat, errors
from airflow_dynflow.airflow.runtime.child_request import request_location, result_location, signed_request
from airflow_dynflow.airflow.store.payloads import Payloads
from airflow_dynflow.core.entities import Dynamic, checked_inputs

__all__ = ["ChildRun"]

# Airflow caps run ids at 250 characters.
_RUN_ID_LENGTH = 250


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
        self.run_id = f"{context['run_id']}__{operator.task_id}__{map_index}"[:_RUN_ID_LENGTH]

    def outputs_or_trigger(self, dynamic: Dynamic, inputs: Mapping[str, Any], node: str) -> dict[str, Any]:
        """The child's outputs if it already succeeded; otherwise wait for it or trigger it (raises)."""
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
        )
