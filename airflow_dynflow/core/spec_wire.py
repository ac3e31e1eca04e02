"""The spec's wire format as strict pydantic models: the structure every spec and slice is checked
against after its digest holds and before anything in it is read (no unknown keys, no coercion).

The models are built on first use (``defer_build``), and that resolves the recursive
``WireBinding`` too: building all of them costs about 11 ms of CPU, which every task process paid on
importing the runtime although only a compile task or a generated node reads a spec.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from airflow_dynflow.core import errors
from airflow_dynflow.core.resources import Resources
from airflow_dynflow.core.spec import Options

__all__ = [
    "Wire",
    "WireConst",
    "WireEntry",
    "WireInput",
    "WireList",
    "WireNode",
    "WireRef",
    "WireShared",
    "WireSpec",
    "validated",
]


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class WireResources(Wire):
    cpu: str | None = None
    mem: str | None = None
    gpu: str | None = None
    ephemeral_storage: str | None = None


class WireOptions(Wire):
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
        values = {name: getattr(self, name) for name in type(self).model_fields}
        for name in ("requests", "limits"):
            if values[name] is not None:
                values[name] = Resources(**values[name].model_dump())
        return Options(**values)


class WireMap(Wire):
    bound: dict[str, Any]
    concurrency: int | None
    min_success_ratio: float
    broadcast: list[str] = []


class WireEntry(Wire):
    ref: str
    file: str | None
    version: str
    kind: Literal["task", "dynamic", "map", "decide", "select"]
    inputs: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]
    opts: WireOptions | None = None
    map: WireMap | None = None
    conditions: list[Any] | None = None  # a decide node's conditions, one per case before else
    fail: str | None = None  # ...and the message of its else_().fail(...)
    cases: int | None = None  # a select node's number of cases


class WireRef(Wire):
    n: int
    out: str
    p: list[int | str] = []


class WireInput(Wire):
    i: str
    p: list[int | str] = []


class WireConst(Wire):
    v: Any


class WireList(Wire):
    items: list[WireBinding] = Field(alias="list")


class WireDict(Wire):
    items: dict[str, WireBinding] = Field(alias="dict")


class WireShared(Wire):
    c: str


WireBinding = Union[int, WireRef, WireInput, WireConst, WireShared, WireList, WireDict]  # noqa: UP007


class WireNode(Wire):
    t: str
    v: dict[str, Any] = {}
    r: dict[str, WireBinding] = {}
    o: WireOptions | None = None
    a: list[int] = []
    g: str = ""
    w: list[int] = Field(default=[], min_length=2, max_length=2)


class WireOwner(Wire):
    ref: str
    file: str | None
    version: str


class WireOutputs(Wire):
    v: dict[str, Any] = {}
    r: dict[str, WireBinding] = {}


class WireSpec(Wire):
    format: Literal["dynflow.spec/1"]
    name: str
    owner: WireOwner
    inputs: dict[str, dict[str, Any]]
    tasks: dict[str, WireEntry]
    nodes: list[WireNode]
    outputs: WireOutputs
    consts: dict[str, Any] = {}
    digest: str


_Model = TypeVar("_Model", bound=Wire)


def validated(model: type[_Model], data: Any) -> _Model:
    """``data`` as the wire ``model``, or SpecError naming the first place it does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise errors.spec_malformed(where, first["msg"]) from None
