"""Turning a node's bindings into native input values inside a running task instance.

Constants come from the spec, workflow inputs from the run's params, and promise references from
the XCom envelopes of the task instances that produced them (see ``store.payloads``). Where an output
lives (which task id, which map index) is the caller's business, given as a ``fetch`` function, so
the same resolver serves static workflow tasks and generated nodes of a dynamic.

Files and folders: a run's conf may not name any (``core.conversion.files.NO_FILES``), so only a workflow
input's default can be one; those in node outputs are downloaded by ``Payloads.decode``, and those
among the spec's constants here. The ``HashMethod`` hashes that came with the outputs are kept for
the consumer's cache key (``input_hashes``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from airflow.sdk import Context

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.core import errors as core_errors
from airflow_dynflow.core.authoring.entities import Workflow
from airflow_dynflow.core.authoring.local_runner import walk_path
from airflow_dynflow.core.conversion.converters import InvalidValue
from airflow_dynflow.core.conversion.files import NO_FILES
from airflow_dynflow.core.conversion.interface import Param
from airflow_dynflow.core.spec import Binding, Const, Ref, Spec
from airflow_dynflow.core.wire.spec_slice import SpecSlice

__all__ = ["Envelope", "Missing", "Resolver", "check_conf", "workflow_resolver"]

Envelope = Mapping[str, Mapping[str, Any]]
# (consumer, input name, producing node's index) -> the error that says what to do about it.
Missing = Callable[[str, str, int], errors.MissingUpstreamError]


class Resolver:
    def __init__(
        self,
        *,
        spec: Spec | SpecSlice,
        payloads: Payloads,
        fetch: Callable[[int], Envelope | None],
        describe: Callable[[int], str],
        locate: Callable[[int], str],
        params: Mapping[str, Any] | None = None,
        input_params: Mapping[str, Param] | None = None,
        missing: Missing | None = None,
        signed: bool = True,
    ) -> None:
        """``fetch(i)`` returns node i's envelope or None; ``describe(i)`` names where it should be
        for people, ``locate(i)`` for signatures (``store.payloads.location``). ``signed=False`` when
        ``fetch`` gives generated nodes' envelopes, whose instance's signature it has checked
        (``runtime.upstream``) and which carry none of their own.

        ``params`` are the run's params (raw JSON); ``input_params`` the workflow's typed inputs;
        ``missing`` builds the error for an output that is not there, with the fix that fits the
        caller (clear that generated node, or test against a run where the upstream ran).
        """
        self.spec = spec
        self.payloads = payloads
        self.fetch = fetch
        self.describe = describe
        self.locate = locate
        self.params = params or {}
        self.input_params = input_params or {}
        self.missing = missing or self._missing
        self.signed = signed
        self._envelopes: dict[int, Envelope] = {}
        self._hashes: dict[tuple[int, str], str] = {}

    def inputs(self, index: int, consumer: str) -> dict[str, Any]:
        node = self.spec.nodes[index]
        params = self.spec.entity(node).interface.inputs
        values = {}
        for name, b in node.inputs.items():
            value = self.value(b, consumer, name)
            if isinstance(b, Const):
                value = self.payloads.materialize(params[name].converter, value, f"{consumer}/{name}")
            values[name] = value
        return values

    def input_hashes(self, index: int) -> dict[str, str]:
        """The ``HashMethod`` hashes of node ``index``'s inputs bound to a whole upstream output that
        declares one (call after ``inputs``, which checked the envelopes they come in)."""
        return {
            name: self._hashes[(b.node, b.output)]
            for name, b in self.spec.nodes[index].inputs.items()
            if isinstance(b, Ref) and b.node is not None and not b.path and (b.node, b.output) in self._hashes
        }

    def value(self, binding: Binding, consumer: str, input_name: str) -> Any:
        if isinstance(binding, Const):
            return binding.value
        if isinstance(binding, Ref):
            raw = (
                self._workflow_input(binding.output)
                if binding.node is None
                else self._output(binding.node, binding.output, consumer, input_name)
            )
            return walk_path(raw, binding.path)
        items = [(k, self.value(b, consumer, input_name)) for k, b in binding.items]
        return dict(items) if binding.kind == "dict" else [v for _, v in items]

    def _workflow_input(self, name: str) -> Any:
        param = self.input_params[name]
        if name not in self.params:
            raise core_errors.missing_argument(self.spec.name, name)
        value = self.params[name]
        if (
            param.converter.holds_files
            and not param.required
            and value == param.converter.to_jsonable(param.default)
        ):
            # The workflow's own default (the DAG author's): the only way a file can be an input.
            return param.default
        try:
            return param.converter.from_jsonable(value, NO_FILES)
        except InvalidValue as exc:
            raise core_errors.type_mismatch(
                self.spec.name, "input", name, param.tp, repr(value), str(exc)
            ) from None

    def _missing(self, consumer: str, input_name: str, index: int) -> errors.MissingUpstreamError:
        hint = "airflow tasks test <dag_id> <task_id> <run_id>"
        return errors.missing_upstream(consumer, input_name, self.describe(index), hint)

    def _output(self, index: int, output: str, consumer: str, input_name: str) -> Any:
        envelope = self._envelopes.get(index)
        if envelope is None:
            envelope = self.fetch(index)
            if envelope is None:
                raise self.missing(consumer, input_name, index)
            self._envelopes[index] = envelope
        producer = self.spec.entity(self.spec.nodes[index]).interface.outputs[output]
        if not isinstance(envelope, Mapping) or output not in envelope:
            raise errors.bad_outputs_shape(self.describe(index), [output])
        stored = envelope[output]
        value = self.payloads.decode(
            producer.converter, stored, f"{self.locate(index)}/{output}", signed=self.signed
        )
        found = self.payloads.hash_of(stored)
        if found is not None:
            self._hashes[(index, output)] = found
        return value


def check_conf(wf: Workflow, context: Context) -> None:
    """Airflow accepts unknown conf keys; a typo in an input name must not pass silently."""
    conf = context["dag_run"].conf or {}
    unknown = sorted(set(conf) - set(wf.interface.inputs))
    if unknown:
        raise errors.unknown_conf_keys(wf.name, unknown, wf.interface.inputs)


def workflow_resolver(
    wf: Workflow, context: Context, sources: Mapping[int, str], payloads: Payloads
) -> Resolver:
    """A resolver reading node outputs from the XCom of the task ids in ``sources``."""
    ti = context["ti"]
    run_id = context["run_id"]

    def fetch(index: int) -> Any:
        return ti.xcom_pull(task_ids=sources[index])

    def describe(index: int) -> str:
        return f"upstream task '{sources[index]}'"

    return Resolver(
        spec=wf.spec,
        payloads=payloads,
        fetch=fetch,
        describe=describe,
        locate=lambda index: location(ti.dag_id, run_id, sources[index]),
        params=dict(context["params"]),
        input_params=wf.interface.inputs,
        missing=lambda consumer, name, index: errors.missing_upstream(
            consumer, name, describe(index), f"airflow tasks test {ti.dag_id} {ti.task_id} <run_id>"
        ),
    )
