"""The spec's wire format as strict msgspec structs: the structure every spec and slice is checked
against after its digest holds and before anything in it is read (no unknown keys, no coercion).

msgspec rather than pydantic because every generated-node instance checks its slice in a fresh
task process: pydantic built these models' validators at import and on first use for about 13 ms
of CPU per process (more than reading the slice itself), msgspec builds its structs in C in well
under one. Airflow ships msgspec (its task SDK depends on it) and we pin the version it resolves to.
The module does without ``from __future__ import annotations`` for the same reason: msgspec would
evaluate each annotation's string on first use, about 2 ms more in every task process.

A binding (``WireBinding``) is an index, or an object told apart by its one key: ``n`` (an output
of an earlier node), ``i`` (a workflow input), ``v`` (a constant), ``c`` (a shared constant),
``list`` or ``dict`` (collections of bindings). msgspec only decodes unions of objects that carry
a tag field, which this format (written before msgspec was used) does not, so ``binding`` tells
them apart by that key and then checks the object against its struct.
"""

import re
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from airflow_dynflow.core import errors
from airflow_dynflow.core.options import Options
from airflow_dynflow.core.resources import Resources

__all__ = [
    "Wire",
    "WireBinding",
    "WireConst",
    "WireDict",
    "WireEntry",
    "WireInput",
    "WireList",
    "WireNode",
    "WireRef",
    "WireShared",
    "WireSlice",
    "WireSpec",
    "WireStub",
    "binding",
    "validated",
]


class Wire(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """What every wire struct is: unknown keys refused, never changed once read (each subclass says
    ``frozen=True`` again, which mypy needs to see it)."""


class WireResources(Wire, frozen=True):
    cpu: str | None = None
    mem: str | None = None
    gpu: str | None = None
    ephemeral_storage: str | None = None


class WireOptions(Wire, frozen=True):
    retries: int | None = None
    timeout: float | None = None
    retry_delay: float | None = None
    name: str | None = None
    pool: str | None = None
    queue: str | None = None
    priority_weight: int | None = None
    requests: WireResources | None = None
    limits: WireResources | None = None

    def options(self) -> Options:
        values = msgspec.structs.asdict(self)
        for name in ("requests", "limits"):
            if values[name] is not None:
                values[name] = Resources(**msgspec.structs.asdict(values[name]))
        return Options(**values)


class WireMap(Wire, frozen=True):
    bound: dict[str, Any]
    concurrency: int | None
    min_success_ratio: float
    broadcast: list[str] = []


class WireGate(Wire, frozen=True):
    gate: Literal["sleep", "input", "approve"]
    name: str
    seconds: float
    type: str | None = None  # the entered type of an input gate: bool, int, float or str


class WireEntry(Wire, frozen=True):
    ref: str
    file: str | None
    version: str
    kind: Literal["task", "dynamic", "map", "decide", "select", "gate"]
    inputs: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]
    opts: WireOptions | None = None
    map: WireMap | None = None
    conditions: list[Any] | None = None  # a decide node's conditions, one per case before else
    fail: str | None = None  # ...and the message of its else_().fail(...)
    cases: int | None = None  # a select node's number of cases
    gate: WireGate | None = None  # a gate node's settings (core.authoring.gates)


class WireRef(Wire, frozen=True):
    n: int
    out: str
    p: list[int | str] = []


class WireInput(Wire, frozen=True):
    i: str
    p: list[int | str] = []


class WireConst(Wire, frozen=True):
    v: Any


class WireShared(Wire, frozen=True):
    c: str


class WireList(Wire, frozen=True):
    items: list[Any] = msgspec.field(name="list")  # bindings, each read with ``binding``


class WireDict(Wire, frozen=True):
    items: dict[str, Any] = msgspec.field(name="dict")  # bindings, each read with ``binding``


WireBinding = int | WireRef | WireInput | WireConst | WireShared | WireList | WireDict

# The key that tells each kind of binding object apart (see the module docstring).
_BINDING_BY_KEY: dict[str, type[Wire]] = {
    "n": WireRef,
    "i": WireInput,
    "v": WireConst,
    "c": WireShared,
    "list": WireList,
    "dict": WireDict,
}


class WireNode(Wire, frozen=True):
    t: str
    v: dict[str, Any] = {}
    r: dict[str, Any] = {}  # bindings, each read with ``binding``
    o: WireOptions | None = None
    a: list[int] = []
    g: str = ""
    w: Annotated[list[int], msgspec.Meta(min_length=2, max_length=2)] = []


class WireOwner(Wire, frozen=True):
    ref: str
    file: str | None
    version: str


class WireOutputs(Wire, frozen=True):
    v: dict[str, Any] = {}
    r: dict[str, Any] = {}  # bindings, each read with ``binding``


class WireSpec(Wire, frozen=True):
    format: Literal["dynflow.spec/1"]
    name: str
    owner: WireOwner
    inputs: dict[str, dict[str, Any]]
    tasks: dict[str, WireEntry]
    nodes: list[WireNode]
    outputs: WireOutputs
    digest: str
    consts: dict[str, Any] = {}


class WireStub(Wire, frozen=True):
    """A node a slice's own nodes depend on, outside the slice: its task and display name."""

    t: str
    name: str | None = None


class WireSlice(Wire, frozen=True):
    """One instance's slice of a spec (``core.wire.spec_slice``)."""

    format: Literal["dynflow.slice/2"]
    name: str
    spec: str
    count: Annotated[int, msgspec.Meta(ge=1)]
    batch: Annotated[int, msgspec.Meta(ge=1)]
    inputs: dict[str, dict[str, Any]]
    tasks: dict[str, WireEntry]
    nodes: list[WireNode]
    deps: dict[str, WireStub]
    digest: str
    consts: dict[str, Any] = {}


_Struct = TypeVar("_Struct", bound=Wire)

# msgspec's message ends with where it failed: "... - at `$.nodes[0].r`".
_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")


def validated(model: type[_Struct], data: Any) -> _Struct:
    """``data`` as the wire ``model``, or SpecError naming the first place it does not fit."""
    try:
        return msgspec.convert(data, model)
    except msgspec.ValidationError as exc:
        raise _malformed("", exc) from None


def binding(where: str, data: Any) -> WireBinding:
    """One binding of a node's (or the outputs') ``r``, or SpecError naming ``where`` it is."""
    if type(data) is int:
        return data
    kinds = [_BINDING_BY_KEY[key] for key in data if key in _BINDING_BY_KEY] if type(data) is dict else []
    if len(kinds) != 1:
        raise errors.spec_bad_binding(where)
    try:
        return msgspec.convert(data, kinds[0])  # type: ignore[return-value]
    except msgspec.ValidationError as exc:
        raise _malformed(where, exc) from None


def _malformed(where: str, exc: msgspec.ValidationError) -> errors.SpecError:
    """``nodes.0.r`` from msgspec's ``$.nodes[0].r``, so a message names the place as a path."""
    message = str(exc)
    found = _AT.search(message)
    path = found.group("path") if found else ""
    detail = message[: found.start()] if found else message
    steps = [s for s in re.split(r"[.\[\]]+", path) if s]
    return errors.spec_malformed(".".join(filter(None, [where, *steps])) or "its top level", detail)
