"""The type engine: one converter per declared type, built once when an entity is decorated.

Two families cover every annotation:

* ``JsonConverter`` wraps a pydantic ``TypeAdapter``: strict validation (no silent int/str/bool
  coercion; an int where a float is declared arrives as a float, as PEP 484 allows), a JSON schema
  for Airflow's trigger form, and a lossless JSON round trip.
  Values of ``FlyteFile``/``FlyteDirectory`` (``core.files``) inside it go through the
  ``FileTransport`` given to ``to_jsonable``/``from_jsonable``, handed to them as pydantic's context.
* ``PickleConverter`` is the fallback for types pydantic cannot describe: values are checked with
  ``isinstance`` and travel as cloudpickle bytes. The spec flags such types so that they are never
  accepted from a DAG run's conf.

Converters are built per entity and held by it; there is no process-wide cache to go stale.
"""

from __future__ import annotations

import base64
import json
import warnings
from typing import Any, Protocol

import cloudpickle
from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic.errors import PydanticSchemaGenerationError, PydanticUserError
from pydantic.json_schema import PydanticJsonSchemaWarning

from airflow_dynflow.core import errors
from airflow_dynflow.core.errors import InvalidValue
from airflow_dynflow.core.files import FILE_SCHEMA_KEY, FileTransport

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
