"""The reference executor: runs a spec's nodes in order, in this process.

Short on purpose. It is what ``wf(...)`` does when called as plain Python, and the yardstick the
Airflow runtime is tested against: both must give the same outputs for the same spec and inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from airflow_dynflow.core.authoring.conditional import Select
from airflow_dynflow.core.context.execution_context import executing
from airflow_dynflow.core.conversion.hashing import output_hashes
from airflow_dynflow.core.errors import add_node_path
from airflow_dynflow.core.protocols import NodeEntity
from airflow_dynflow.core.spec import Binding, Const, Node, Ref, Spec, walk_path

__all__ = ["NOT_RUN", "binding_value", "case_taken", "run_spec", "walk_path"]


def run_spec(
    spec: Spec, inputs: Mapping[str, Any], observe: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Run every node of ``spec`` with workflow ``inputs``; return the spec's outputs by name.

    ``observe`` is told each node's label before it runs (the Airflow runtime logs them). The
    whole run is one execution for ``current_context()``: every node sees the same execution id.
    """
    with executing(spec.name):
        return _run(spec, inputs, observe)


def _run(spec: Spec, inputs: Mapping[str, Any], observe: Callable[[str], None] | None) -> dict[str, Any]:
    results: list[Mapping[str, Any]] = []
    # Per node, the HashMethod hashes of its outputs, computed as they are produced (core.conversion.hashing).
    hashes: list[Mapping[str, str]] = []
    for index, node in enumerate(spec.nodes):
        entity = spec.tasks[node.task].entity
        if not case_taken(node.guard, results):
            results.append(NOT_RUN)
            hashes.append({})
            continue
        if observe is not None:
            observe(spec.label(index))
        kwargs = _node_inputs(node, entity, results, inputs)
        carried = {
            name: hashes[b.node][b.output]
            for name, b in node.inputs.items()
            if isinstance(b, Ref) and b.node is not None and not b.path and b.output in hashes[b.node]
        }
        try:
            outputs = entity.run_node(kwargs, entity.options.merged(node.options), carried)
        except Exception as exc:
            add_node_path(exc, spec.label(index))
            raise
        results.append(outputs)
        hashes.append(output_hashes(entity.interface.hash_methods, outputs))
    return {name: binding_value(b, results, inputs) for name, b in spec.outputs.items()}


def _node_inputs(
    node: Node, entity: NodeEntity, results: Sequence[Mapping[str, Any]], inputs: Mapping[str, Any]
) -> dict[str, Any]:
    def value(name: str) -> Any:
        return binding_value(node.inputs[name], results, inputs)

    if isinstance(entity, Select):
        return entity.resolve(node.inputs, value)
    return {name: value(name) for name in node.inputs}


# The outputs of a node whose conditional case was not taken: nothing, and nothing reads them.
NOT_RUN: Mapping[str, Any] = {}


def case_taken(guard: tuple[int, int] | None, results: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a node guarded by ``guard`` runs: its decide node ran and chose its case."""
    if guard is None:
        return True
    decided = results[guard[0]]
    return decided is not NOT_RUN and decided["branch"] == guard[1]


def binding_value(binding: Binding, results: Sequence[Mapping[str, Any]], inputs: Mapping[str, Any]) -> Any:
    """The value of one binding, given the outputs of the nodes before it."""
    if isinstance(binding, Const):
        return binding.value
    if isinstance(binding, Ref):
        source = inputs if binding.node is None else results[binding.node]
        return walk_path(source[binding.output], binding.path)
    items = ((k, binding_value(b, results, inputs)) for k, b in binding.items)
    return dict(items) if binding.kind == "dict" else [v for _, v in items]
