"""Turning a node's bindings into native input values inside a running task instance.

Constants come from the spec, workflow inputs from the run's params, and promise references from
the XCom envelopes of the task instances that produced them (see ``payload``). Where an output lives
(which task id, which map index) is the caller's business, given as a ``locate`` function, so the
same resolver serves static workflow tasks and generated nodes of a dynamic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from airflow.sdk.exceptions import AirflowFailException

from airflow_dynflow.airflow.payload import Payloads
from airflow_dynflow.core import errors
from airflow_dynflow.core.local import walk_path
from airflow_dynflow.core.spec import Binding, Const, Ref, Spec
from airflow_dynflow.core.types import InvalidValue

__all__ = ["MissingUpstreamError", "Resolver"]


class MissingUpstreamError(AirflowFailException):
    """An upstream output is not there: the upstream never ran in this run (e.g. ``tasks test``).

    Retrying cannot help, so it fails the task instance for good.
    """


Envelope = Mapping[str, Mapping[str, Any]]


class Resolver:
    def __init__(
        self,
        spec: Spec,
        payloads: Payloads,
        fetch: Callable[[int], Envelope | None],
        describe: Callable[[int], str],
        params: Mapping[str, Any],
        input_params: Mapping[str, Any],
        rerun_hint: str = "airflow tasks test <dag_id> <task_id> <run_id>",
    ) -> None:
        """``fetch(i)`` returns node i's envelope or None; ``describe(i)`` names where it should be.

        ``params`` are the run's params (raw JSON); ``input_params`` the workflow's typed inputs;
        ``rerun_hint`` the command that tests this task against a run where its upstream ran.
        """
        self.rerun_hint = rerun_hint
        self.spec = spec
        self.payloads = payloads
        self.fetch = fetch
        self.describe = describe
        self.params = params
        self.input_params = input_params
        self._envelopes: dict[int, Envelope] = {}

    def inputs(self, index: int, consumer: str) -> dict[str, Any]:
        node = self.spec.nodes[index]
        return {name: self.value(b, consumer, name) for name, b in node.inputs.items()}

    def value(self, binding: Binding, consumer: str, input_name: str) -> Any:
        if isinstance(binding, Const):
            return binding.value
        if isinstance(binding, Ref):
            raw = (
                self._workflow_input(binding.output)
                if binding.node is None
                else self._output(binding, consumer, input_name)
            )
            return walk_path(raw, binding.path)
        items = [(k, self.value(b, consumer, input_name)) for k, b in binding.items]
        return dict(items) if binding.kind == "dict" else [v for _, v in items]

    def _workflow_input(self, name: str) -> Any:
        param = self.input_params[name]
        if name not in self.params:
            raise errors.missing_argument(self.spec.name, name)
        try:
            return param.converter.from_jsonable(self.params[name])
        except InvalidValue as exc:
            raise errors.type_mismatch(
                self.spec.name, "input", name, param.tp, repr(self.params[name]), str(exc)
            ) from None

    def _output(self, ref: Ref, consumer: str, input_name: str) -> Any:
        index = ref.node
        assert index is not None
        envelope = self._envelopes.get(index)
        if envelope is None:
            envelope = self.fetch(index)
            if envelope is None:
                raise MissingUpstreamError(
                    f"{consumer}: input '{input_name}' needs the output of {self.describe(index)}, "
                    "which has no output in this run. Run the upstream first, or test against a run in "
                    f"which it succeeded: {self.rerun_hint}"
                )
            self._envelopes[index] = envelope
        producer = self.spec.entity(self.spec.nodes[index]).interface.outputs[ref.output]
        return self.payloads.decode(producer.converter, envelope[ref.output])
