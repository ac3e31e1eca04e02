"""The type engine: one converter per declared type, built once when an entity is decorated.

Two families cover every annotation:

* ``JsonConverter`` wraps a pydantic ``TypeAdapter``: strict validation (no silent int/str/bool
  coercion; an int where a float is declared arrives as a float, as PEP 484 allows), a JSON schema
  for Airflow's trigger form, and a lossless JSON round trip.
  Values of ``FlyteFile``/``FlyteDirectory`` (``core.conversion.files``) inside it go through the
  ``FileTransport`` given to ``to_jsonable``/``from_jsonable``, handed to them as pydantic's context.
* ``PickleConverter`` is the fallback for types pydantic cannot describe: values are checked with
  ``isinstance`` and travel as cloudpickle bytes. The spec flags such types so that they are never
  accepted from a DAG run's conf.

Converters are built per entity and held by it. Only the converters of *plain* types (``int``,
``str``, ``list[int]``, ``dict[str, float]``...: builtins, and generics of them) are shared across a
process: nothing about them can change, whereas a user's class may be redefined or have its forward
references resolved later, and a cached converter would then go stale. Sharing them matters because
every task process traces the workflows of its DAG file again: the benchmark DAG built the same
``int`` converter 16 times, about 3 ms of CPU per task instance.
"""

from __future__ import annotations

import base64
import functools
import json
import warnings
from types import UnionType
from typing import Any, Protocol, Union, get_args, get_origin

import cloudpickle
from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic.errors import PydanticSchemaGenerationError, PydanticUserError
from pydantic.json_schema import PydanticJsonSchemaWarning

from airflow_dynflow.core import errors
from airflow_dynflow.core.conversion.files import FILE_SCHEMA_KEY, FileTransport
from airflow_dynflow.core.errors import InvalidValue

__all__ = ["Converter", "InvalidValue", "JsonConverter", "PickleConverter", "converter_for"]

PICKLE_SCHEMA_KEY = "x-dynflow-pickle"

_BYTES_AS_BASE64 = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")


class Converter(Protocol):
    """What every type family provides: check a native value and move it to and from JSON."""

    tp: Any
    pickled: bool
    # Whether values of the type can hold files or directories (which need a ``FileTransport``).
    holds_files: bool

    def validate(self, value: Any) -> Any: ...

    def to_jsonable(self, value: Any, files: FileTransport | None = None) -> Any: ...

    def from_jsonable(self, data: Any, files: FileTransport | None = None) -> Any: ...

    def schema(self) -> dict[str, Any]: ...


class JsonConverter:
    """A type pydantic understands: validated strictly, stored as plain JSON.

    Bytes travel as base64 so that any byte string survives JSON. Models and dataclasses refuse
    a config of ours at the top level, so for them the adapter works on a one-element tuple (where
    our config does apply to the fields inside) and unwraps.
    """

    __slots__ = ("_adapter", "_boxed", "_schema", "holds_files", "tp")
    pickled = False

    def __init__(self, tp: Any) -> None:
        self.tp = tp
        self._schema = TypeAdapter(tp).json_schema()
        self.holds_files = FILE_SCHEMA_KEY in json.dumps(self._schema)
        try:
            self._adapter = TypeAdapter(tp, config=_BYTES_AS_BASE64)
            self._boxed = False
        except PydanticUserError:
            self._adapter = TypeAdapter(tuple[tp], config=_BYTES_AS_BASE64)
            self._boxed = True

    def validate(self, value: Any) -> Any:
        try:
            if self._boxed:
                return self._adapter.validate_python((value,), strict=True)[0]
            return self._adapter.validate_python(value, strict=True)
        except ValidationError as exc:
            raise InvalidValue(_first_error(exc, self._boxed)) from None

    def to_jsonable(self, value: Any, files: FileTransport | None = None) -> Any:
        context = {"files": files}
        if self._boxed:
            return self._adapter.dump_python((value,), mode="json", context=context)[0]
        return self._adapter.dump_python(value, mode="json", context=context)

    def from_jsonable(self, data: Any, files: FileTransport | None = None) -> Any:
        text = json.dumps([data] if self._boxed else data)
        try:
            value = self._adapter.validate_json(text, strict=True, context={"files": files})
        except ValidationError as exc:
            raise InvalidValue(_first_error(exc, self._boxed)) from None
        return value[0] if self._boxed else value

    def schema(self) -> dict[str, Any]:
        return self._schema


class PickleConverter:
    """A type pydantic cannot describe: checked with ``isinstance``, carried as cloudpickle bytes."""

    __slots__ = ("tp",)
    pickled = True
    holds_files = False

    def __init__(self, tp: Any) -> None:
        self.tp = tp

    def validate(self, value: Any) -> Any:
        if isinstance(self.tp, type) and not isinstance(value, self.tp):
            raise errors.not_an_instance(self.tp)
        return value

    def to_jsonable(self, value: Any, files: FileTransport | None = None) -> Any:
        return base64.b64encode(cloudpickle.dumps(value)).decode("ascii")

    def from_jsonable(self, data: Any, files: FileTransport | None = None) -> Any:
        if not isinstance(data, str):
            raise errors.pickled_not_base64()
        return self.validate(cloudpickle.loads(base64.b64decode(data)))

    def schema(self) -> dict[str, Any]:
        name = getattr(self.tp, "__qualname__", repr(self.tp))
        return {PICKLE_SCHEMA_KEY: f"{getattr(self.tp, '__module__', '?')}.{name}"}


def converter_for(tp: Any) -> Converter:
    """The converter for ``tp``: JSON when pydantic can describe it, cloudpickle otherwise."""
    return _plain_converter(tp) if _plain(tp) else _converter(tp)


_PLAIN = frozenset({int, float, str, bool, bytes, type(None), list, dict, tuple, set, frozenset})


def _plain(tp: Any) -> bool:
    """A builtin type, or a generic alias of builtins (``dict[str, list[int]]``, ``int | None``).
    Never hashes ``tp`` itself before it knows it is plain: ``Annotated[int, {...}]`` cannot be hashed."""
    if tp is Ellipsis or (type(tp) is type and tp in _PLAIN):
        return True
    origin = get_origin(tp)
    return (origin in _PLAIN or origin in (Union, UnionType)) and all(_plain(a) for a in get_args(tp))


@functools.lru_cache(maxsize=256)
def _plain_converter(tp: Any) -> Converter:
    return _converter(tp)


def _converter(tp: Any) -> Converter:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PydanticJsonSchemaWarning)
            return JsonConverter(tp)
    except (PydanticSchemaGenerationError, PydanticUserError, PydanticJsonSchemaWarning):
        return PickleConverter(tp)


def _first_error(exc: ValidationError, boxed: bool = False) -> str:
    err = exc.errors(include_url=False)[0]
    loc = err["loc"][1:] if boxed else err["loc"]
    where = ".".join(str(p) for p in loc)
    return f"{err['msg']} at {where}" if where else err["msg"]
