"""``HashMethod``: flytekit's way to let a cached consumer key on ``fn(value)`` instead of the value.

``Annotated[pd.DataFrame, HashMethod(hash_df)]`` on a task *output* means: when the output is
produced, compute ``hash_df(value)`` and carry it with the value; a cached task that takes the value
as an input uses that hash in its cache key instead of the value's serialization (two DataFrames
with the same hash hit the same cache entry). Everything else sees the type without the annotation.

Where the hash travels: the local runner keeps it beside each node's outputs; on Airflow it is a
signed field of the output's envelope (``airflow/store/payloads.py``). It applies to an input bound
to the whole output; ``p[0]`` or ``p.field`` of such an output is a new value, without the hash,
as in flytekit.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

__all__ = ["HashMethod", "output_hashes", "split_annotated"]


@dataclass(frozen=True, slots=True)
class HashMethod:
    """flytekit's ``HashMethod(fn)``: ``fn`` maps an output value to the str its consumers' cache
    keys use."""

    function: Callable[[Any], str]

    def calculate(self, value: Any) -> str:
        return str(self.function(value))


def split_annotated(tp: Any) -> tuple[Any, HashMethod | None]:
    """``Annotated[T, HashMethod(fn), ...]`` -> ``(T, HashMethod(fn))``; any other type -> ``(tp, None)``.

    Other ``Annotated`` metadata, at any depth, is dropped, as ``typing.get_type_hints`` drops it by
    default: the rest of the type engine sees plain types."""
    found = None
    if typing.get_origin(tp) is Annotated:
        found = next((m for m in tp.__metadata__ if isinstance(m, HashMethod)), None)
    bare = typing.get_type_hints(types.SimpleNamespace(__annotations__={"t": tp}, __globals__={}))["t"]
    return bare, found


def output_hashes(methods: Mapping[str, HashMethod], outputs: Mapping[str, Any]) -> dict[str, str]:
    """The hash of every output that declares a ``HashMethod``: computed once, when it is produced."""
    return {name: method.calculate(outputs[name]) for name, method in methods.items() if name in outputs}
