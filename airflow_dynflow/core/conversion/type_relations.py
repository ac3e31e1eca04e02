"""Static relations between annotations, used while tracing, before any value exists.

When a promise is passed to a task, only its declared type is known. These checks catch the
mistakes that are certain (a ``str`` output into an ``int`` input) at parse or compile time, and let
anything uncertain (``Any``, an unknown attribute type) through to the run-time check.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Union

from airflow_dynflow.core import errors

__all__ = ["describe_value", "is_assignable", "member_type"]

_UNION_ORIGINS = (Union, types.UnionType)


def describe_value(value: Any) -> str:
    """``str ('5')`` style: the actual type first, then a short repr to recognise the value by."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__qualname__} ({text})"


def is_assignable(src: Any, dst: Any) -> bool:
    """Whether a value declared as ``src`` can be given where ``dst`` is declared."""
    if src == dst or dst is Any or src is Any:
        return True
    src_origin, dst_origin = typing.get_origin(src), typing.get_origin(dst)
    if src_origin in _UNION_ORIGINS:
        return all(is_assignable(member, dst) for member in typing.get_args(src))
    if dst_origin in _UNION_ORIGINS:
        return any(is_assignable(src, member) for member in typing.get_args(dst))
    if src is int and dst is float:
        return True
    if src_origin is not None and src_origin == dst_origin:
        src_args, dst_args = typing.get_args(src), typing.get_args(dst)
        if len(src_args) != len(dst_args):
            return not src_args or not dst_args
        return all(is_assignable(s, d) for s, d in zip(src_args, dst_args, strict=True))
    if src_origin is not None or dst_origin is not None:
        # A bare ``list`` against ``List[int]`` and the like: let the run-time check decide.
        return bool((src_origin or src) == (dst_origin or dst))
    if isinstance(src, type) and isinstance(dst, type):
        return issubclass(src, dst) and not (src is bool and dst is not bool)
    return False


def member_type(tp: Any, key: str | int) -> Any:
    """The declared type of ``value[key]`` or ``value.key`` for a value declared as ``tp``.

    Returns ``Any`` when the type cannot be known statically. Raises ``LookupError`` when the
    access is certainly wrong (a missing field, a string key on a list).
    """
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return Any
    if origin in (list, typing.List, typing.Sequence) or tp is list:  # noqa: UP006
        if not isinstance(key, int):
            raise errors.list_key(key)
        return args[0] if args else Any
    if origin is tuple:
        if not isinstance(key, int):
            raise errors.tuple_key(key)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
        if args and not -len(args) <= key < len(args):
            raise errors.index_out_of_range(key, len(args))
        return args[key] if args else Any
    if origin is dict or origin is typing.Mapping:
        return args[1] if args else Any
    fields = _field_types(tp)
    if fields is not None:
        if isinstance(key, int) and hasattr(tp, "_fields"):
            key = tp._fields[key]
        if key not in fields:
            raise errors.no_field(tp, key)
        return fields[key]
    return Any


def _field_types(tp: Any) -> dict[str, Any] | None:
    if not isinstance(tp, type):
        return None
    if hasattr(tp, "model_fields"):
        return {name: field.annotation for name, field in tp.model_fields.items()}
    if dataclasses.is_dataclass(tp) or hasattr(tp, "_fields"):
        try:
            return typing.get_type_hints(tp)
        except (NameError, TypeError):
            return None
    return None
