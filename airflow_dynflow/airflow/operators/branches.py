"""A ``conditional(...)`` in a static workflow: a branch operator, the cases, a select operator.

``DecideOperator`` evaluates the conditions and, as Airflow's own branch operators do, skips the
tasks of the cases not taken (their downstream tasks follow by Airflow's skip cascade).
``SelectOperator`` runs once the taken case is done and passes its outputs on, so downstream tasks
read one XCom whichever case ran.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.standard.operators.branch import BranchMixIn
from airflow.sdk import Context

from airflow_dynflow.airflow.compat import AirflowFailException
from airflow_dynflow.airflow.operators.task import WorkflowNodeOperator
from airflow_dynflow.airflow.runtime.inputs import Resolver
from airflow_dynflow.airflow.runtime.log_lines import shown
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.core.authoring.conditional import Decide, Select
from airflow_dynflow.core.errors import ConditionFailedError
from airflow_dynflow.core.options import NO_OPTIONS
from airflow_dynflow.core.protocols import NodeEntity

__all__ = ["DecideOperator", "SelectOperator"]


class DecideOperator(WorkflowNodeOperator, BranchMixIn):
    """``case_tasks[k]``: the task ids directly downstream that belong to case ``k``, filled in by
    the DAG builder once every case's operators exist."""

    ui_color = "#fde68a"
    inherits_from_skipmixin = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case_tasks: dict[int, list[str]] = {}

    def execute(self, context: Context) -> Any:
        outputs, envelope = self.run(context)
        # Pushed first: skipping ends this task's execute with an exception, as Airflow's own
        # branch operators do, and the select task reads which case was taken from here.
        context["ti"].xcom_push(key="return_value", value=envelope)
        not_taken = {t for case, ids in self.case_tasks.items() if case != outputs["branch"] for t in ids}
        follow = [t.task_id for t in self.downstream_list if t.task_id not in not_taken]
        self.skip_all_except(context["ti"], follow)
        return None

    def outputs(
        self, context: Context, entity: NodeEntity, resolver: Resolver, store: BlobStore
    ) -> dict[str, Any]:
        assert isinstance(entity, Decide)
        inputs = resolver.inputs(self.node, self.task_id)
        try:
            outputs = entity.run_node(inputs, NO_OPTIONS)
        except ConditionFailedError as exc:
            # The same inputs always take the same case: a retry could only fail again.
            raise AirflowFailException(str(exc)) from exc
        operands = ", ".join(f"{name}={shown(value)}" for name, value in inputs.items())
        self.log.info("%s: case %d taken (%s)", self.task_id, outputs["branch"], operands or "no operands")
        return outputs


class SelectOperator(WorkflowNodeOperator):
    ui_color = "#fde68a"

    def outputs(
        self, context: Context, entity: NodeEntity, resolver: Resolver, store: BlobStore
    ) -> dict[str, Any]:
        assert isinstance(entity, Select)
        node = self.workflow.spec.nodes[self.node]
        values = entity.resolve(
            node.inputs, lambda name: resolver.value(node.inputs[name], self.task_id, name)
        )
        outputs = entity.run_node(values, NO_OPTIONS)
        self.log.info("%s: the result of case %d: %s", self.task_id, values["branch"], shown(outputs))
        return outputs
