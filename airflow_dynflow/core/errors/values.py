"""Values that do not fit their type, keys that do not fit a value, and file values."""

from __future__ import annotations

from typing import Any

from airflow_dynflow.core.errors.family import (
    DynflowLookupError,
    DynflowValueError,
    InvalidValue,
)

__all__ = [
    "bad_file_json",
    "file_from_outside",
    "file_not_local",
    "index_out_of_range",
    "list_key",
    "no_field",
    "no_such_path",
    "not_a_path_value",
    "not_an_instance",
    "pickled_not_base64",
    "tuple_key",
]


def not_an_instance(tp: type) -> InvalidValue:
    return InvalidValue(f"not an instance of {tp.__qualname__}")


def pickled_not_base64() -> InvalidValue:
    return InvalidValue("a pickled value must be a base64 string")


def list_key(key: Any) -> DynflowLookupError:
    return DynflowLookupError(f"a list is indexed by position, not by {key!r}")


def tuple_key(key: Any) -> DynflowLookupError:
    return DynflowLookupError(f"a tuple is indexed by position, not by {key!r}")


def index_out_of_range(index: int, size: int) -> DynflowLookupError:
    return DynflowLookupError(f"index {index} is out of range for {size} elements")


def no_field(tp: Any, key: Any) -> DynflowLookupError:
    return DynflowLookupError(f"{getattr(tp, '__qualname__', tp)} has no field {key!r}")


def file_not_local(kind: str, key: str) -> DynflowValueError:
    return DynflowValueError(
        f"this {kind} was not downloaded (it is stored at {key!r}); only a task's inputs are downloaded, "
        "before its function runs"
    )


def not_a_path_value(type_name: str, kind: str, actual: str) -> DynflowValueError:
    return DynflowValueError(
        f"expected a {type_name} (or a str or os.PathLike path to a {kind}), got {actual}"
    )


def no_such_path(kind: str, path: str) -> DynflowValueError:
    return DynflowValueError(f"{path!r} is not an existing {kind}")


def bad_file_json(data: object) -> DynflowValueError:
    text = repr(data)
    return DynflowValueError(
        "a file or directory travels as {'path': ...} or {'blob': <store key>, 'sha256': ...}, got "
        + (text if len(text) <= 80 else text[:77] + "...")
    )


def file_from_outside() -> DynflowValueError:
    return DynflowValueError(
        "a file or directory cannot come from a DAG run's conf (it would name a path on a worker or an "
        "object of the blob store); pass its content, or write it in a task and pass that task's output"
    )
