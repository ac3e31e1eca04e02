"""Gates in a static workflow: the standard provider's human-in-the-loop operators, and a deferral.

``wait_for_input`` is a ``HITLEntryOperator`` whose form has one typed field, ``value``;
``approve`` is an ``ApprovalOperator`` whose body shows the value to approve. Both write their
request with the provider's own code (so they show in the UI's "Required Actions" and answer to
its REST endpoints), wait as it does on the running Airflow (deferred to ``HITLTrigger`` on 3.1
and 3.2, parked in ``awaiting_input`` on 3.3), and then store their outputs as every node does.
``sleep`` defers to ``DateTimeTrigger``: the wait holds no worker slot.

The entered value arrives as JSON; it is checked against the gate's type (a bool, int, float or
str, ``core.gates``) before anything reads it, and nothing of it is ever unpickled or imported.
A gate nobody answers within its timeout fails for good, with no retry, as a Flyte gate does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.providers.standard.operators.hitl import ApprovalOperator, HITLEntryOperator, HITLOperator
from airflow.providers.standard.triggers.temporal import DateTimeTrigger
from airflow.sdk import Context, Param, timezone

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.compat import ParamsDict
from airflow_dynflow.airflow.operators.task import WorkflowNodeOperator
from airflow_dynflow.airflow.runtime.inputs import Resolver, workflow_resolver
from airflow_dynflow.airflow.runtime.log_lines import shown
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads
from airflow_dynflow.core import errors as core_errors
from airflow_dynflow.core.entities import Workflow
from airflow_dynflow.core.gates import Gate
from airflow_dynflow.core.protocols import NodeEntity

__all__ = [
    "ApproveGateOperator",
    "InputGateOperator",
    "SleepGateOperator",
    "gate_operator",
]

# The one field of a wait_for_input gate's form.
VALUE = "value"


def _gate(workflow: Workflow, node: int) -> Gate:
    gate = workflow.spec.entity(workflow.spec.nodes[node])
    assert isinstance(gate, Gate), "the DAG builder gives gate operators gate nodes only"
    return gate


class _AnsweredGate(WorkflowNodeOperator, HITLOperator):
    """What the two human gates share: the provider's request and wait, our timeout error, and the
    node's outputs pushed once the answer is in."""

    ui_color = "#fef3c7"
    # The form fields the gate asks for.
    fields: tuple[str, ...] = ()

    def __init__(self, *, workflow: Workflow, node: int, **kwargs: Any) -> None:
        gate = _gate(workflow, node)
        kwargs.setdefault("response_timeout", timedelta(seconds=gate.seconds))
        super().__init__(workflow=workflow, node=node, **kwargs)
        self.gate_name = gate.name
        self.gate_seconds = gate.seconds

    def execute(self, context: Context) -> Any:
        return HITLOperator.execute(self, context)

    def validate_params(self) -> None:
        """Keep the gate's own fields only, unchecked. The DAG's params are the workflow's inputs, not
        this form's fields: 3.3's provider leaves them out itself, 3.1's hands them in. And no value
        exists before a person answers: 3.1's provider checks values here, at parse time."""
        self.params = ParamsDict({name: self.params.get_param(name) for name in self.fields})

    def process_trigger_event_error(self, event: dict[str, Any]) -> None:
        if event.get("error_type") == "timeout":
            raise errors.gate_timed_out(self.gate_name, self.gate_seconds)
        HITLOperator.process_trigger_event_error(self, event)


class InputGateOperator(_AnsweredGate, HITLEntryOperator):
    """``wait_for_input``: the value a person enters in the form is the node's output ``o0``."""

    fields = (VALUE,)

    def __init__(self, *, workflow: Workflow, node: int, **kwargs: Any) -> None:
        gate = _gate(workflow, node)
        entered = gate.interface.outputs["o0"]
        # The form's one field, empty at first: a task's params need a default (the task runner checks
        # them when the task starts), and an empty answer is refused by the type check, not taken.
        kind = entered.converter.schema()["type"]
        kwargs["params"] = {VALUE: Param(None, title=gate.name, type=[kind, "null"])}
        super().__init__(
            workflow=workflow,
            node=node,
            subject=f"{gate.name}: enter a value",
            body=f"The workflow {workflow.name} waits for a {entered.tp.__name__} named {gate.name}.",
            # No default: an unanswered gate fails at its timeout instead of going on with one.
            defaults=None,
            **kwargs,
        )
        self._entered: Any = None

    def execute_complete(self, context: Context, event: dict[str, Any]) -> Any:
        if "error" not in event:
            params_input = event.get("params_input") or {}
            if VALUE not in params_input:
                raise errors.gate_no_value(self.gate_name, params_input)
            # Checked before the provider or anything else reads it: our type error, never a decode.
            self._entered = _gate(self.workflow, self.node).check_entered(params_input[VALUE])
        HITLOperator.execute_complete(self, context, event)
        self.log.info("%s: %s entered", self.gate_name, shown(self._entered))
        return self.run(context)[1]

    def outputs(
        self, context: Context, entity: NodeEntity, resolver: Resolver, store: BlobStore
    ) -> dict[str, Any]:
        return {"o0": self._entered}

    def process_trigger_event_error(self, event: dict[str, Any]) -> None:
        if event.get("error_type") == "validation":
            expected = _gate(self.workflow, self.node).expected_type
            raise errors.gate_entry_refused(self.gate_name, expected, event.get("error", ""))
        super().process_trigger_event_error(event)


class ApproveGateOperator(_AnsweredGate, ApprovalOperator):
    """``approve``: shows the value; once approved it is the node's output, rejected it fails."""

    def __init__(self, *, workflow: Workflow, node: int, **kwargs: Any) -> None:
        gate = _gate(workflow, node)
        super().__init__(workflow=workflow, node=node, subject=f"{gate.name}: approve", **kwargs)

    def execute(self, context: Context) -> Any:
        value = self._resolve(context)
        self.body = f"The workflow {self.workflow.name} waits for approval of:\n\n`{shown(value)}`"
        return super().execute(context)

    def _resolve(self, context: Context) -> Any:
        resolver = workflow_resolver(self.workflow, context, self.sources, Payloads(BlobStore()))
        (value,) = resolver.inputs(self.node, self.task_id).values()
        return value

    def execute_complete(self, context: Context, event: dict[str, Any]) -> Any:
        answer = HITLOperator.execute_complete(self, context, event)
        if answer["chosen_options"] != [self.APPROVE]:
            message = str(core_errors.not_approved(self.gate_name))
            raise errors.gate_not_approved(message, answer["responded_by_user"]["name"])
        self.log.info("%s: approved by %s", self.gate_name, answer["responded_by_user"]["name"])
        return self.run(context)[1]

    def outputs(
        self, context: Context, entity: NodeEntity, resolver: Resolver, store: BlobStore
    ) -> dict[str, Any]:
        return resolver.inputs(self.node, self.task_id)


class SleepGateOperator(WorkflowNodeOperator):
    """``sleep``: defers until its duration has passed, then lets the nodes after it run."""

    ui_color = "#fef3c7"

    def execute(self, context: Context) -> Any:
        seconds = _gate(self.workflow, self.node).seconds
        self.defer(
            trigger=DateTimeTrigger(moment=timezone.utcnow() + timedelta(seconds=seconds)),
            method_name="execute_complete",
        )

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
