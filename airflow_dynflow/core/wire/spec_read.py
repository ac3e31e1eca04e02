"""The spec's JSON on the way in: nothing of it is parsed before its digest holds on the raw text,
nothing is read before it fits the wire models (``core.wire.spec_wire``), and nothing runs before its
meaning is checked: every task resolves to the code that compiled the spec, every binding points at
an earlier node and a real output, every constant fits its declared type.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from airflow_dynflow.core import errors
from airflow_dynflow.core.authoring.conditional import Decide, Select, select_input
from airflow_dynflow.core.authoring.gates import Gate
from airflow_dynflow.core.conversion.converters import InvalidValue, converter_for
from airflow_dynflow.core.conversion.interface import Interface, Param
from airflow_dynflow.core.conversion.type_relations import member_type
from airflow_dynflow.core.options import Options
from airflow_dynflow.core.origin import import_entity
from airflow_dynflow.core.signing import Signer, digest
from airflow_dynflow.core.spec import Binding, Collection, Const, Node, Owner, Ref, Spec, TaskEntry
from airflow_dynflow.core.wire.spec_wire import (
    WireConst,
    WireEntry,
    WireInput,
    WireList,
    WireNode,
    WireRef,
    WireShared,
    WireSpec,
    binding,
    validated,
)

__all__ = ["SpecReader", "load_spec", "spec_digest", "verified_json", "verified_spec_json"]

# The digest always closes the text: ``...,"digest":"sha256:..."}``.
_DIGEST_AT_END = re.compile(r',"digest":"([a-z0-9-]+(?:@[0-9a-f]{8})?:[0-9a-f]{64})"\}\Z')


def spec_digest(text: str) -> str | None:
    """The digest a spec's text ends with, or None when it does not end with one."""
    found = _DIGEST_AT_END.search(text)
    return None if found is None else found.group(1)


def verified_spec_json(text: str | bytes, signer: Signer | None = None) -> Any:
    """A spec's JSON, parsed only once its digest holds on the raw text: nothing of a tampered spec
    is even parsed. Also what readers that never import the tasks (the graph view) use."""

    def holds(given: str, body: str) -> bool:
        if signer is not None:
            return signer.verify(given, "spec", body)
        return hmac.compare_digest(digest(body.encode()), given)

    return verified_json(text, holds, signer)


def verified_json(text: str | bytes, holds: Callable[[str, str], bool], signer: Signer | None) -> Any:
    """JSON that ends in its digest, parsed only once ``holds(digest, body)`` is true of the raw
    text (``body`` is the text with the digest left out): the one check specs and slices share.
    ``signer``, when the digest is an HMAC, names the keys on both sides of a key mismatch."""
    try:
        raw = text.decode() if isinstance(text, bytes) else text
    except UnicodeDecodeError as exc:
        raise errors.spec_not_json(exc) from None
    found = _DIGEST_AT_END.search(raw)
    if found is None:
        raise errors.spec_without_digest()
    if not holds(found.group(1), raw[: found.start()] + "}"):
        raise errors.spec_tampered(None if signer is None else signer.mismatch(found.group(1)))
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise errors.spec_not_json(exc) from None


def load_spec(text: str | bytes, signer: Signer | None = None) -> Spec:
    wire = validated(WireSpec, verified_spec_json(text, signer))
    return SpecReader(wire.inputs, wire.consts).spec(wire)


class SpecReader:
    """Turns a structurally valid wire spec into a Spec, checking what it means as it goes.

    ``inputs`` and ``consts`` are the wire's workflow inputs and shared constants; nodes are kept by
    index, so that a spec slice (``core.wire.spec_slice``), which holds only some nodes, is read by the
    same checks.
    """

    def __init__(self, inputs: Mapping[str, Any], consts: Mapping[str, Any]) -> None:
        self.inputs = inputs
        self.consts = consts
        self.tasks: dict[str, TaskEntry] = {}
        self.nodes: dict[int, Node] = {}

    def spec(self, w: WireSpec) -> Spec:
        entity = import_entity(w.owner.ref, w.owner.file, w.owner.version)
        owner = Owner(entity.origin, entity.interface)
        self.owner = owner
        for key, entry in w.tasks.items():
            self.tasks[key] = self._entry(key, entry)
        for index, node in enumerate(w.nodes):
            self.nodes[index] = self._node(index, node)
        where = f"{w.name} outputs"
        outputs = self._bindings(where, owner.interface.outputs, w.outputs.v, w.outputs.r, len(self.nodes))
        return Spec(
            name=w.name,
            inputs=w.inputs,
            tasks=self.tasks,
            nodes=tuple(self.nodes.values()),
            outputs=outputs,
            owner=owner,
        )

    def _entry(self, key: str, e: WireEntry) -> TaskEntry:
        from airflow_dynflow.core.authoring.entities import Task
        from airflow_dynflow.core.authoring.map_task import build_map_task

        if e.kind in ("decide", "select", "gate"):
            return _built_in_entry(key, e)
        entity = import_entity(e.ref, e.file, e.version)
        options = e.opts.options() if e.opts else Options()
        map_options = None
        if e.kind == "map":
            if e.map is None:
                raise errors.spec_map_without_settings(key)
            if not isinstance(entity, Task) or entity.kind != "task":
                raise errors.spec_kind_mismatch(key, e.ref, "task", getattr(entity, "kind", "?"))
            inner = entity.interface
            for n in e.map.bound:
                if n not in inner.inputs:
                    raise errors.spec_unknown_map_input(key, n)
            bound = {
                n: _decode(f"task {key!r} bound input {n!r}", inner.inputs, n, v)
                for n, v in e.map.bound.items()
            }
            unknown = [n for n in e.map.broadcast if n not in inner.inputs or n in bound]
            if unknown:
                raise errors.spec_unknown_map_input(key, unknown[0])
            entity = build_map_task(
                entity, bound, tuple(e.map.broadcast), e.map.concurrency, e.map.min_success_ratio
            )
            map_options = entity.map
        elif getattr(entity, "kind", None) != e.kind:
            raise errors.spec_kind_mismatch(key, e.ref, e.kind, entity.kind)
        return TaskEntry(
            key=key,
            ref=e.ref,
            file=e.file,
            version=e.version,
            kind=e.kind,
            options=options,
            map=map_options,
            entity=entity,
        )

    def _node(self, index: int, n: WireNode) -> Node:
        where = f"node n{index}"
        if n.t not in self.tasks:
            raise errors.spec_unknown_task(where, n.t)
        interface: Interface = self.tasks[n.t].entity.interface
        inputs = self._bindings(where, interface.inputs, n.v, n.r, index)
        missing = [name for name, p in interface.inputs.items() if p.required and name not in inputs]
        if missing:
            raise errors.spec_unbound_inputs(where, n.t, missing)
        for dep in n.a:
            self._check_earlier(where, dep, index)
        guard = (n.w[0], n.w[1]) if n.w else None
        if guard is not None:
            self._check_guard(where, guard, index)
        entry = self.tasks[n.t]
        if isinstance(entry.entity, Select):
            self.tasks[n.t] = replace(entry, entity=self._typed_select(entry.entity, inputs))
        elif isinstance(entry.entity, Gate) and entry.entity.gate == "approve":
            # An approve gate passes its input on: it has the type of the value that feeds it.
            (value,) = inputs.values()
            tp = self._type_of(value) if isinstance(value, Ref) else Any
            self.tasks[n.t] = replace(entry, entity=entry.entity.retyped(tp))
        options = n.o.options() if n.o else Options()
        return Node(task=n.t, inputs=inputs, options=options, after=tuple(n.a), group=n.g, guard=guard)

    def _check_guard(self, where: str, guard: tuple[int, int], index: int) -> None:
        decide, case = guard
        self._check_earlier(where, decide, index)
        entity = self.tasks[self.nodes[decide].task].entity
        if not isinstance(entity, Decide) or not 0 <= case < len(entity.cases):
            raise errors.spec_bad_guard(where, decide, case)

    def _typed_select(self, select: Select, inputs: Mapping[str, Binding]) -> Select:
        """A select's outputs have the types of its first case's values, found from the nodes that
        produce them (types are Python objects; the spec only names where they come from). A value
        the first case gives as a constant (a sub-workflow's output its body returned as one) names
        no node, so that output is ``Any``: a later case's type could be narrower than the constant's.
        """
        bound = {o: inputs[select_input(0, o)] for o in select.interface.outputs}
        types = {o: self._type_of(b) if isinstance(b, Ref) else Any for o, b in bound.items()}
        return Select.create(select.name, select.cases, types)

    def _type_of(self, ref: Ref) -> Any:
        if ref.node is None:
            tp = self.owner.interface.inputs[ref.output].tp
        else:
            tp = self.tasks[self.nodes[ref.node].task].entity.interface.outputs[ref.output].tp
        for key in ref.path:
            tp = member_type(tp, key)
        return tp

    def _bindings(
        self,
        where: str,
        params: Mapping[str, Param],
        values: Mapping[str, Any],
        refs: Mapping[str, Any],
        index: int,
    ) -> dict[str, Binding]:
        out: dict[str, Binding] = {}
        for name in (*values, *refs):
            if name not in params:
                raise errors.spec_unknown_input(where, name)
            if name in values and name in refs:
                raise errors.spec_bound_twice(where, name)
        for name in params:
            if name in values:
                out[name] = Const(_decode(where, params, name, values[name]))
            elif name in refs:
                out[name] = self._binding(f"{where} input {name!r}", refs[name], params[name].tp, index)
        return out

    def _binding(self, where: str, raw: Any, tp: Any, index: int) -> Binding:
        b = binding(where, raw)
        if isinstance(b, int):
            self._check_earlier(where, b, index)
            return Ref(b, self._output_of(where, b, None))
        if isinstance(b, WireRef):
            self._check_earlier(where, b.n, index)
            return Ref(b.n, self._output_of(where, b.n, b.out), tuple(b.p))
        if isinstance(b, WireInput):
            if b.i not in self.inputs:
                raise errors.spec_unknown_workflow_input(where, b.i)
            return Ref(None, b.i, tuple(b.p))
        if isinstance(b, WireConst):
            try:
                return Const(converter_for(tp).from_jsonable(b.v))
            except InvalidValue as exc:
                raise errors.spec_constant_mismatch(where, tp, exc) from None
        if isinstance(b, WireShared):
            if b.c not in self.consts:
                raise errors.spec_unknown_constant(where, b.c)
            try:
                return Const(converter_for(tp).from_jsonable(self.consts[b.c]))
            except InvalidValue as exc:
                raise errors.spec_constant_mismatch(where, tp, exc) from None
        if isinstance(b, WireList):
            items = [(i, self._binding(where, v, member_type(tp, 0), index)) for i, v in enumerate(b.items)]
            return Collection("list", tuple(items))
        return Collection(
            "dict", tuple((k, self._binding(where, v, member_type(tp, k), index)) for k, v in b.items.items())
        )

    def _check_earlier(self, where: str, dep: int, index: int) -> None:
        if not 0 <= dep < index:
            raise errors.spec_not_earlier(where, dep)

    def _output_of(self, where: str, node: int, output: str | None) -> str:
        outputs = self.tasks[self.nodes[node].task].entity.interface.outputs
        if output is None:
            if not outputs:
                raise errors.spec_no_output(where, node)
            return next(iter(outputs))
        if output not in outputs:
            raise errors.spec_unknown_output(where, output, node)
        return output


def _built_in_entry(key: str, e: WireEntry) -> TaskEntry:
    """A conditional's decide or select node, or a gate: rebuilt from the spec, never imported."""
    entity: Decide | Select | Gate
    if e.kind == "gate":
        if e.gate is None:
            raise errors.spec_bad_gate(key, "gate", None)
        g = e.gate
        entity = Gate.from_json(key, g.gate, g.name, g.seconds, g.type, list(e.inputs))
    elif e.kind == "decide":
        entity = Decide.from_json(key, list(e.inputs), e.conditions or [], e.fail)
    else:
        if e.cases is None or e.cases < 1:
            raise errors.spec_no_cases(key)
        entity = Select.create(key, e.cases, dict.fromkeys(e.outputs, Any))
    return entity.task_entry(key)


def _decode(where: str, params: Mapping[str, Param], name: str, value: Any) -> Any:
    try:
        return params[name].converter.from_jsonable(value)
    except InvalidValue as exc:
        raise errors.spec_constant_for_input_mismatch(where, name, exc) from None
