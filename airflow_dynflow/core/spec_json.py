"""The spec's JSON form: compact and deterministic on the way out, checked on the way in.

Writing is hand-rolled dict building (it is on the compile hot path). Reading first checks the
structure against pydantic models of the wire format (strict, no unknown keys), then the digest,
then the meaning: every task resolves to the code that compiled the spec, every binding points at
an earlier node and a real output, every constant fits its declared type. Nothing in a spec runs
before all of that passed. ``docs/spec.md`` documents the format.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from airflow_dynflow.core import errors
from airflow_dynflow.core.conditional import Decide, Select, select_input
from airflow_dynflow.core.converters import InvalidValue, converter_for
from airflow_dynflow.core.interface import Interface, Param
from airflow_dynflow.core.origin import import_entity
from airflow_dynflow.core.resources import Resources
from airflow_dynflow.core.signing import Signer, digest
from airflow_dynflow.core.spec import (
    SPEC_FORMAT,
    Binding,
    Collection,
    Const,
    Node,
    Options,
    Owner,
    Ref,
    Spec,
    TaskEntry,
)
from airflow_dynflow.core.type_relations import member_type

if TYPE_CHECKING:
    from airflow_dynflow.core.map_task import MapTask

__all__ = ["SHARED_CONSTANT_BYTES", "dump_spec", "load_spec", "spec_digest", "verified_spec_json"]

# A constant whose JSON is at least this long is kept once, in the spec's "consts" table.
SHARED_CONSTANT_BYTES = 512
_SHARED_MIN_ITEMS = 8
# The digest always closes the text: ``...,"digest":"sha256:..."}``.
_DIGEST_AT_END = re.compile(r',"digest":"([a-z0-9-]+:[0-9a-f]{64})"\}\Z')


def _compact(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------- writing


def dump_spec(spec: Spec, signer: Signer | None = None) -> str:
    """The spec's JSON, ending in its digest: an HMAC under ``signer``, or a plain sha256."""
    return _Writer(spec).text(signer)


class _Writer:
    """One spec's JSON. Large constants go once into a table keyed by their content's hash, so a
    value bound into many nodes is stored once, however many nodes use it."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.first = [next(iter(spec.entity(n).interface.outputs), "") for n in spec.nodes]
        self.consts: dict[str, Any] = {}

    def text(self, signer: Signer | None) -> str:
        spec = self.spec
        body = {
            "format": SPEC_FORMAT,
            "name": spec.name,
            "owner": _owner_json(spec.owner),
            "inputs": spec.inputs,
            "tasks": {k: _entry_json(e) for k, e in spec.tasks.items()},
            "nodes": [self._node(node) for node in spec.nodes],
            "outputs": self._bindings(spec.owner.interface.outputs, spec.outputs),
        }
        if self.consts:
            body["consts"] = self.consts
        text = _compact(body)
        return text[:-1] + ',"digest":' + json.dumps(_digest(text, signer)) + "}"

    def nodes_json(self, indexes: Iterable[int]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Some nodes' JSON and the shared constants they use: the body of a spec slice
        (``core.spec_slice``), written by the same code as the whole spec so the two cannot drift."""
        self.consts = {}
        return [self._node(self.spec.nodes[i]) for i in indexes], self.consts

    def _node(self, node: Node) -> dict[str, Any]:
        out: dict[str, Any] = {"t": node.task}
        out.update(self._bindings(self.spec.entity(node).interface.inputs, node.inputs))
        if node.options.to_dict():
            out["o"] = node.options.to_dict()
        if node.after:
            out["a"] = list(node.after)
        if node.group:
            out["g"] = node.group
        if node.guard is not None:
            out["w"] = list(node.guard)
        return out

    def _bindings(self, params: Mapping[str, Param], bindings: Mapping[str, Binding]) -> dict[str, Any]:
        """Small constants go under "v" (typed by the input), everything else under "r"."""
        values: dict[str, Any] = {}
        refs: dict[str, Any] = {}
        for name, b in bindings.items():
            if isinstance(b, Const):
                data = params[name].converter.to_jsonable(b.value)
                shared = self._shared(data)
                if shared is None:
                    values[name] = data
                else:
                    refs[name] = shared
            else:
                refs[name] = self._binding(b, params[name].tp)
        out = {}
        if values:
            out["v"] = values
        if refs:
            out["r"] = refs
        return out

    def _binding(self, b: Binding, tp: Any) -> Any:
        if isinstance(b, Ref):
            if b.node is None:
                return {"i": b.output, "p": list(b.path)} if b.path else {"i": b.output}
            if b.output == self.first[b.node] and not b.path:
                return b.node
            out: dict[str, Any] = {"n": b.node, "out": b.output}
            if b.path:
                out["p"] = list(b.path)
            return out
        if isinstance(b, Const):
            data = _item_converter(tp).to_jsonable(b.value)
            return self._shared(data) or {"v": data}
        if b.kind == "list":
            return {"list": [self._binding(v, member_type(tp, 0)) for _, v in b.items]}
        return {"dict": {str(k): self._binding(v, member_type(tp, k)) for k, v in b.items}}

    def _shared(self, data: Any) -> dict[str, str] | None:
        """``{"c": id}`` for a constant large enough to keep once in the table, else None."""
        if isinstance(data, str):
            if len(data) < SHARED_CONSTANT_BYTES:
                return None
        elif not isinstance(data, (list, dict)) or len(data) < _SHARED_MIN_ITEMS:
            return None
        text = _compact(data)
        if len(text) < SHARED_CONSTANT_BYTES:
            return None
        key = hashlib.sha256(text.encode()).hexdigest()[:24]
        self.consts[key] = data
        return {"c": key}


def _owner_json(owner: Any) -> dict[str, Any]:
    o = owner.origin
    return {"ref": o.ref, "file": o.file, "version": o.version}


def _entry_json(entry: TaskEntry) -> dict[str, Any]:
    interface: Interface = entry.entity.interface
    out: dict[str, Any] = {
        "ref": entry.ref,
        "file": entry.file,
        "version": entry.version,
        "kind": entry.kind,
        "inputs": {n: p.converter.schema() for n, p in interface.inputs.items()},
        "outputs": {n: p.converter.schema() for n, p in interface.outputs.items()},
    }
    if entry.options.to_dict():
        out["opts"] = entry.options.to_dict()
    if isinstance(entry.entity, (Decide, Select)):
        out.update(entry.entity.to_json())
    if entry.map is not None:
        inner = cast("MapTask", entry.entity).task.interface
        out["map"] = {
            "bound": {n: inner.inputs[n].converter.to_jsonable(v) for n, v in entry.map.bound.items()},
            "concurrency": entry.map.concurrency,
            "min_success_ratio": entry.map.min_success_ratio,
        }
        if entry.map.broadcast:
            out["map"]["broadcast"] = list(entry.map.broadcast)
    return out


def _item_converter(tp: Any) -> Any:
    """Constants inside a list or dict binding are typed by the element type; they are rare."""
    return converter_for(tp)


def _digest(text: str, signer: Signer | None) -> str:
    if signer is not None:
        return signer.sign("spec", text)
    return digest(text.encode())


# ---------------------------------------------------------------- reading


class _Wire(BaseModel):
    """The wire models are built on first use (``defer_build``), and that resolves the recursive
    ``_WireBinding`` too: building all of them costs about 11 ms of CPU, which every task process paid
    on importing the runtime although only a compile task or a generated node reads a spec."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class _WireResources(_Wire):
    cpu: str | None = None
    mem: str | None = None
    gpu: str | None = None
    ephemeral_storage: str | None = None


class _WireOptions(_Wire):
    retries: int | None = None
    timeout: float | None = None
    retry_delay: float | None = None
    name: str | None = None
    pool: str | None = None
    queue: str | None = None
    priority_weight: int | None = None
    requests: _WireResources | None = None
    limits: _WireResources | None = None

    def options(self) -> Options:
        values = {name: getattr(self, name) for name in type(self).model_fields}
        for name in ("requests", "limits"):
            if values[name] is not None:
                values[name] = Resources(**values[name].model_dump())
        return Options(**values)


class _WireMap(_Wire):
    bound: dict[str, Any]
    concurrency: int | None
    min_success_ratio: float
    broadcast: list[str] = []


class _WireEntry(_Wire):
    ref: str
    file: str | None
    version: str
    kind: Literal["task", "dynamic", "map", "decide", "select"]
    inputs: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]
    opts: _WireOptions | None = None
    map: _WireMap | None = None
    conditions: list[Any] | None = None  # a decide node's conditions, one per case before else
    fail: str | None = None  # ...and the message of its else_().fail(...)
    cases: int | None = None  # a select node's number of cases


class _WireRef(_Wire):
    n: int
    out: str
    p: list[int | str] = []


class _WireInput(_Wire):
    i: str
    p: list[int | str] = []


class _WireConst(_Wire):
    v: Any


class _WireList(_Wire):
    items: list[_WireBinding] = Field(alias="list")


class _WireDict(_Wire):
    items: dict[str, _WireBinding] = Field(alias="dict")


class _WireShared(_Wire):
    c: str


_WireBinding = Union[int, _WireRef, _WireInput, _WireConst, _WireShared, _WireList, _WireDict]  # noqa: UP007


class _WireNode(_Wire):
    t: str
    v: dict[str, Any] = {}
    r: dict[str, _WireBinding] = {}
    o: _WireOptions | None = None
    a: list[int] = []
    g: str = ""
    w: list[int] = Field(default=[], min_length=2, max_length=2)


class _WireOwner(_Wire):
    ref: str
    file: str | None
    version: str


class _WireOutputs(_Wire):
    v: dict[str, Any] = {}
    r: dict[str, _WireBinding] = {}


class _WireSpec(_Wire):
    format: Literal["dynflow.spec/1"]
    name: str
    owner: _WireOwner
    inputs: dict[str, dict[str, Any]]
    tasks: dict[str, _WireEntry]
    nodes: list[_WireNode]
    outputs: _WireOutputs
    consts: dict[str, Any] = {}
    digest: str


_Model = TypeVar("_Model", bound=_Wire)


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

    return verified_json(text, holds)


def verified_json(text: str | bytes, holds: Callable[[str, str], bool]) -> Any:
    """JSON that ends in its digest, parsed only once ``holds(digest, body)`` is true of the raw
    text (``body`` is the text with the digest left out): the one check specs and slices share."""
    try:
        raw = text.decode() if isinstance(text, bytes) else text
    except UnicodeDecodeError as exc:
        raise errors.spec_not_json(exc) from None
    found = _DIGEST_AT_END.search(raw)
    if found is None:
        raise errors.spec_without_digest()
    if not holds(found.group(1), raw[: found.start()] + "}"):
        raise errors.spec_tampered()
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise errors.spec_not_json(exc) from None


def validated(model: type[_Model], data: Any) -> _Model:
    """``data`` as the wire ``model``, or SpecError naming the first place it does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise errors.spec_malformed(where, first["msg"]) from None


def load_spec(text: str | bytes, signer: Signer | None = None) -> Spec:
    wire = validated(_WireSpec, verified_spec_json(text, signer))
    return _Reader(wire.inputs, wire.consts).spec(wire)


class _Reader:
    """Turns a structurally valid wire spec into a Spec, checking what it means as it goes.

    ``inputs`` and ``consts`` are the wire's workflow inputs and shared constants; nodes are kept by
    index, so that a spec slice (``core.spec_slice``), which holds only some nodes, is read by the
    same checks.
    """

    def __init__(self, inputs: Mapping[str, Any], consts: Mapping[str, Any]) -> None:
        self.inputs = inputs
        self.consts = consts
        self.tasks: dict[str, TaskEntry] = {}
        self.nodes: dict[int, Node] = {}

    def spec(self, w: _WireSpec) -> Spec:
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

    def _entry(self, key: str, e: _WireEntry) -> TaskEntry:
        from airflow_dynflow.core.entities import Task
        from airflow_dynflow.core.map_task import build_map_task

        if e.kind in ("decide", "select"):
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

    def _node(self, index: int, n: _WireNode) -> Node:
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
            self.tasks[n.t] = replace(entry, entity=self._typed_select(where, entry.entity, inputs))
        options = n.o.options() if n.o else Options()
        return Node(task=n.t, inputs=inputs, options=options, after=tuple(n.a), group=n.g, guard=guard)

    def _check_guard(self, where: str, guard: tuple[int, int], index: int) -> None:
        decide, case = guard
        self._check_earlier(where, decide, index)
        entity = self.tasks[self.nodes[decide].task].entity
        if not isinstance(entity, Decide) or not 0 <= case < len(entity.cases):
            raise errors.spec_bad_guard(where, decide, case)

    def _typed_select(self, where: str, select: Select, inputs: Mapping[str, Binding]) -> Select:
        """A select's outputs have the types of its first case's values, found from the nodes that
        produce them (types are Python objects; the spec only names where they come from)."""
        names = list(select.interface.outputs)
        for case in range(select.cases):
            bound = [inputs.get(select_input(case, o)) for o in names]
            if all(isinstance(b, Ref) for b in bound):
                types = {o: self._type_of(cast("Ref", b)) for o, b in zip(names, bound, strict=True)}
                return Select.create(select.name, select.cases, types)
        if names:
            raise errors.spec_unbound_inputs(where, select.name, [select_input(0, names[0])])
        return select

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

    def _binding(self, where: str, b: Any, tp: Any, index: int) -> Binding:
        if isinstance(b, int):
            self._check_earlier(where, b, index)
            return Ref(b, self._output_of(where, b, None))
        if isinstance(b, _WireRef):
            self._check_earlier(where, b.n, index)
            return Ref(b.n, self._output_of(where, b.n, b.out), tuple(b.p))
        if isinstance(b, _WireInput):
            if b.i not in self.inputs:
                raise errors.spec_unknown_workflow_input(where, b.i)
            return Ref(None, b.i, tuple(b.p))
        if isinstance(b, _WireConst):
            try:
                return Const(_item_converter(tp).from_jsonable(b.v))
            except InvalidValue as exc:
                raise errors.spec_constant_mismatch(where, tp, exc) from None
        if isinstance(b, _WireShared):
            if b.c not in self.consts:
                raise errors.spec_unknown_constant(where, b.c)
            try:
                return Const(_item_converter(tp).from_jsonable(self.consts[b.c]))
            except InvalidValue as exc:
                raise errors.spec_constant_mismatch(where, tp, exc) from None
        if isinstance(b, _WireList):
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


def _built_in_entry(key: str, e: _WireEntry) -> TaskEntry:
    """A conditional's decide or select node: rebuilt from the spec, never imported."""
    entity: Decide | Select
    if e.kind == "decide":
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
