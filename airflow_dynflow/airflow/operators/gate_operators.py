"""Gates in a static workflow: the standard provider's human-in-the-loop operators, and a deferral.

``wait_for_input`` is a ``HITLEntryOperator`` and ``approve`` an ``ApprovalOperator``, with the
request, the wait and the checks of the answer that a gate node inside a ``@dynamic`` uses too
(``runtime.gate_requests``); then they store their outputs as every node does. ``sleep`` defers to
``DateTimeTrigger``: the wait holds no worker slot.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.standard.operators.hitl import ApprovalOperator, HITLEntryOperator, HITLOperator
from airflow.sdk import Context

from airflow_dynflow.airflow.compat import ParamsDict
from airflow_dynflow.airflow.operators.task import WorkflowNodeOperator
from airflow_dynflow.airflow.runtime.gate_requests import (
    VALUE,
    answered,
    approval_body,
    approval_form,
    entry_form,
    sleep,
)
from airflow_dynflow.airflow.runtime.inputs import Resolver, workflow_resolver
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads
from airflow_dynflow.core.authoring.entities import Workflow
from airflow_dynflow.core.authoring.gates import Gate
from airflow_dynflow.core.protocols import NodeEntity

__all__ = [
    "ApproveGateOperator",
    "InputGateOperator",
    "SleepGateOperator",
    "gate_operator",
]


def _gate(workflow: Workflow, node: int) -> Gate:
    gate = workflow.spec.entity(workflow.spec.nodes[node])
    assert isinstance(gate, Gate), "the DAG builder gives gate operators gate nodes only"
    return gate


class _AnsweredGate(WorkflowNodeOperator, HITLOperator):
    """What the two human gates share: the provider's request and wait, the answer read by
    ``gate_requests.answered``, and the node's outputs pushed once it is in."""

    ui_color = "#fef3c7"
    # The form fields the gate asks for.
    fields: tuple[str, ...] = ()

    def execute(self, context: Context) -> Any:
        return HITLOperator.execute(self, context)

    def validate_params(self) -> None:
        """Keep the gate's own fields only, unchecked. The DAG's params are the workflow's inputs, not
        this form's fields: 3.3's provider leaves them out itself, 3.1's hands them in. And no value
        exists before a person answers: 3.1's provider checks values here, at parse time."""
        self.params = ParamsDict({name: self.params.get_param(name) for name in self.fields})


class InputGateOperator(_AnsweredGate, HITLEntryOperator):
    """``wait_for_input``: the value a person enters in the form is the node's output ``o0``."""

    fields = (VALUE,)

    def __init__(self, *, workflow: Workflow, node: int, **kwargs: Any) -> None:
        form = entry_form(_gate(workflow, node), workflow.name)
        super().__init__(workflow=workflow, node=node, **{**kwargs, **form})
        self._entered: Any = None

    def execute_complete(self, context: Context, event: dict[str, Any]) -> Any:
        self._entered = answered(_gate(self.workflow, self.node), self, context, event, {}, self)["o0"]
        return self.run(context)[1]

    def outputs(
        self, context: Context, entity: NodeEntity, resolver: Resolver, store: BlobStore
    ) -> dict[str, Any]:
        return {"o0": self._entered}


class ApproveGateOperator(_AnsweredGate, ApprovalOperator):
    """``approve``: shows the value; once approved it is the node's output, rejected it fails."""

    def __init__(self, *, workflow: Workflow, node: int, **kwargs: Any) -> None:
        form = approval_form(_gate(workflow, node))
        super().__init__(workflow=workflow, node=node, **{**kwargs, **form})

    def execute(self, context: Context) -> Any:
        self.body = approval_body(self.workflow.name, self._resolve(context))
        return super().execute(context)

    def _resolve(self, context: Context) -> Any:
        resolver = workflow_resolver(self.workflow, context, self.sources, Payloads(BlobStore()))
        (value,) = resolver.inputs(self.node, self.task_id).values()
        return value

    def execute_complete(self, context: Context, event: dict[str, Any]) -> Any:
        answered(_gate(self.workflow, self.node), self, context, event, {}, self)
        return self.run(context)[1]

    def outputs(
        self, context: Context, entity: NodeEntity, resolver: Resolver, store: BlobStore
    ) -> dict[str, Any]:
        return resolver.inputs(self.node, self.task_id)


class SleepGateOperator(WorkflowNodeOperator):
    """``sleep``: defers until its duration has passed, then lets the nodes after it run."""

    ui_color = "#fef3c7"

    def execute(self, context: Context) -> Any:
        sleep(self, _gate(self.workflow, self.node))

    def execute_complete(self, context: Context, event: Any = None) -> Any:
        return self.run(context)[1]

    def outputs(
        self, context: Context, entity: NodeEntity, resolver: Resolver, store: BlobStore
    ) -> dict[str, Any]:
        return {}


_OPERATORS: dict[str, type[WorkflowNodeOperator]] = {
    "sleep": SleepGateOperator,
    "input": InputGateOperator,
    "approve": ApproveGateOperator,
}


def gate_operator(gate: Gate) -> type[WorkflowNodeOperator]:
    """The operator class of a gate node."""
    return _OPERATORS[gate.gate]
